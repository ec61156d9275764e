/**
 * Phase 3 of a run: train the winner fully, checkpointing after every epoch (parameters, batch-norm
 * statistics, optimizer state, epoch), then evaluate once on the test split. A resumed run restarts
 * from the last checkpoint the store references: batch order and augmentation of epoch e are forked
 * from the run's generator by e (BatchLoader) and the learning-rate schedule is a function of the step,
 * so the resumed epochs are the ones the uninterrupted run would have trained.
 *
 * Checkpoints are per epoch (`checkpoints/final-e<E>.safetensors`); the previous one is deleted only
 * after the record of the new one is durable, so a crash at any point leaves a checkpoint the store
 * points to.
 *
 * With --remote-final the training is a `run-final` job: a naskit worker runs the same `trainFinal` and
 * returns the epochs, the test and the trained weights; the run writes the last epoch's checkpoint
 * (without optimizer state) and the records as an in-process training would have left them.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageDataset } from '../../data/dataset.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  restoreParams,
  saveCheckpoint,
  type SafetensorsTensor,
} from '../../runtime/checkpoint.js';
import {
  makeOptimizer,
  optimizerFromState,
  type Optimizer,
  type OptimizerState,
} from '../../runtime/optim.js';
import { ParamStore } from '../../runtime/params.js';
import { buildTrainGraph } from '../../runtime/train-program.js';
import { evaluate, trainNetwork, type EpochRecord } from '../../train/trainer.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { networkFor } from '../train-job.js';
import type { RunConfig } from './config.js';
import type { RunDataRef } from './data.js';
import { RUN_FILES } from './layout.js';
import { LossCurve, type CurvePoint } from './loss-curve.js';
import type { ResultsStore } from './store.js';
import type { TrainEnv } from './train-phase.js';

export interface FinalEpochRecord extends EpochRecord {
  type: 'final_epoch';
  arch: string;
  /** Epochs completed, i.e. this record's epoch + 1; training resumes at this epoch. */
  completed: number;
  checkpoint: string;
  /** Mean training loss over consecutive windows of steps: [last step of the window, mean loss]. */
  curve: CurvePoint[];
  at: number;
}

/** Points per epoch in a FinalEpochRecord's loss curve. */
const CURVE_POINTS = 20;

export interface FinalEvalRecord {
  type: 'final_eval';
  arch: string;
  test_accuracy: number;
  test_loss: number;
  test_images: number;
  seconds: number;
  at: number;
}

export const SGD_RECIPE = { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 } as const;

export interface FinalResult {
  params: ParamStore;
  epochs: FinalEpochRecord[];
  evaluation: FinalEvalRecord;
}

/**
 * How many epochs the final training runs, as a function of the epochs completed: fixed, or changed by
 * the deadline during the training (deadline.ts). `after` is asked after each epoch and may decide
 * (the winner); `at` only replays decisions (a resumed start, the baselines). A changed count restarts
 * the cosine schedule's length from the current step on, the same way in a resumed run.
 */
export interface FinalEpochs {
  at(completed: number): number;
  after?(completed: number): number;
}

/** The epoch count in force from each epoch on, as [from_epoch, epochs] pairs, the first from epoch 0. */
export type FinalSchedule = [fromEpoch: number, epochs: number][];

/**
 * One final training as pure JSON: what a worker needs to train and test an architecture exactly as
 * the run would (the run's seed, in `data`, gives the initialization and batch order).
 */
export interface FinalTrainingSpec {
  space: string;
  arch: string;
  network: { channels: number; cells: number };
  data: RunDataRef;
  train_on: 'train' | 'train+val';
  /** Training images per epoch (a stratified subset of the pool `train_on` names). */
  images: number;
  schedule: FinalSchedule;
  batch_size: number;
  lr: number;
}

/** An epoch of a final training: its store record without the run's bookkeeping. */
export type FinalEpoch = Omit<FinalEpochRecord, 'type' | 'arch' | 'checkpoint' | 'at'>;
/** The test of a final training: its store record without the run's bookkeeping. */
export type FinalEvaluation = Omit<FinalEvalRecord, 'type' | 'arch' | 'at'>;

export function finalTrainingSpec(
  config: RunConfig,
  arch: string,
  data: RunDataRef,
  images: number,
  schedule: FinalSchedule,
): FinalTrainingSpec {
  return {
    space: config.space,
    arch,
    network: { channels: config.network.channels, cells: config.network.cells },
    data,
    train_on: config.final.train_on,
    images,
    schedule,
    batch_size: config.final.batch_size,
    lr: config.final.lr,
  };
}

/** A fixed schedule as FinalEpochs (what a worker replays: it cannot be asked about the deadline mid-job). */
export function scheduleEpochs(schedule: FinalSchedule): FinalEpochs {
  return {
    at(completed) {
      let epochs = schedule[0]![1];
      for (const [from, e] of schedule) if (from <= completed) epochs = e;
      return epochs;
    },
  };
}

/**
 * Where a final training picks up: the saved parameters and optimizer state after `completed` epochs
 * (a training finished on a worker is saved without optimizer state: it is only needed to go on).
 */
export interface FinalStart {
  params: ParamStore;
  optimizer?: OptimizerState | undefined;
  completed: number;
}

/**
 * Train an architecture on the final images for the epochs `epochPlan` gives, then test it once on the
 * test split: the function the run calls in process (which checkpoints every epoch through `onEpoch`)
 * and a `naskit worker` calls for a `run-final` job. `evaluation`: a test already recorded, returned as
 * is when no epoch is left to train.
 */
export async function trainFinal(
  spec: Omit<FinalTrainingSpec, 'schedule'>,
  sets: { train: ImageDataset; test: ImageDataset },
  env: TrainEnv,
  epochPlan: FinalEpochs,
  options: {
    start?: FinalStart | undefined;
    evaluation?: FinalEvaluation | undefined;
    onEpoch?: (epoch: FinalEpoch, params: ParamStore, optimizer: Optimizer) => void;
    progress?: Progress;
  } = {},
): Promise<{ params: ParamStore; epochs: FinalEpoch[]; evaluation: FinalEvaluation }> {
  const { train, test } = sets;
  const progress = options.progress ?? SILENT;
  const rng = new Rng(spec.data.seed).fork('final');
  const net = networkFor(
    { space: spec.space, arch: spec.arch, channels: spec.network.channels, cells: spec.network.cells },
    { train },
  ).net;
  const batchSize = Math.min(spec.batch_size, train.n);
  const params = ParamStore.fromGraph(buildTrainGraph(net, batchSize).graph, rng.fork('init'));
  let optimizer: Optimizer = makeOptimizer(SGD_RECIPE);
  if (options.start) restoreParams(params, options.start.params);
  if (options.start?.optimizer) optimizer = optimizerFromState(options.start.optimizer);
  let startEpoch = options.start?.completed ?? 0;
  let epochs = epochPlan.at(startEpoch);
  if (options.start && !options.start.optimizer && startEpoch < epochs) {
    throw new NaskitError(
      'data_corrupt',
      `the final training of ${spec.arch} must go on from epoch ${startEpoch}, but its checkpoint holds no optimizer state`,
    );
  }
  const trained: FinalEpoch[] = [];
  if (options.evaluation && startEpoch >= epochs) {
    return { params, epochs: trained, evaluation: options.evaluation };
  }
  const perEpoch = Math.floor(train.n / batchSize);
  const curve = new LossCurve(Math.ceil(perEpoch / CURVE_POINTS));
  const training = startEpoch < epochs;
  if (training) {
    progress.start(`final training (${epochs} epoch${epochs > 1 ? 's' : ''})`, perEpoch * epochs);
    if (startEpoch > 0) progress.update(perEpoch * startEpoch, `resumed after epoch ${startEpoch}`);
  }
  while (startEpoch < epochs) {
    let next = epochs;
    await trainNetwork(
      net,
      params,
      train,
      {
        epochs,
        batchSize,
        lr: spec.lr,
        normalization: env.normalization,
        ...(env.cropFlipPadding !== undefined ? { cropFlipPadding: env.cropFlipPadding } : {}),
        ...(env.threads ? { threads: env.threads } : {}),
        onStep: (s) => {
          progress.update(s.step, `epoch ${s.epoch + 1} loss ${s.loss.toFixed(3)}`);
          curve.add(s.step, s.loss);
        },
        onEpoch: (e) => {
          const completed = e.epoch + 1;
          const epoch: FinalEpoch = { ...e, completed, curve: curve.take() };
          trained.push(epoch);
          options.onEpoch?.(epoch, params, optimizer);
          next = (epochPlan.after ?? epochPlan.at)(completed);
          return next !== epochs ? 'stop' : undefined;
        },
      },
      rng.fork('train'),
      optimizer,
      startEpoch,
    );
    startEpoch = trained[trained.length - 1]?.completed ?? startEpoch;
    if (next !== epochs) progress.log(`final training of ${spec.arch}: ${epochs} → ${next} epochs`);
    epochs = next;
  }
  if (training) progress.stop();
  progress.log(`testing ${spec.arch} on ${test.n} held-out test images`);
  const started = Date.now();
  const result = await evaluate(net, params, test, {
    batchSize: 256,
    normalization: env.normalization,
    ...(env.threads ? { threads: env.threads } : {}),
  });
  const evaluation: FinalEvaluation = {
    test_accuracy: result.accuracy,
    test_loss: result.loss,
    test_images: result.n,
    seconds: (Date.now() - started) / 1000,
  };
  return { params, epochs: trained, evaluation };
}

const SILENT: Progress = { start() {}, update() {}, stop() {}, log() {} };

/**
 * The final training of `spec.arch` in this process, checkpointed after every epoch and recorded in the
 * store; a resumed run continues from the last checkpoint the store references.
 */
export async function finalPhase(
  spec: Omit<FinalTrainingSpec, 'schedule'>,
  sets: { train: ImageDataset; test: ImageDataset },
  epochPlan: number | FinalEpochs,
  ctx: TrainEnv,
  runDir: string,
  store: ResultsStore,
  progress: Progress,
  /** Checkpoint file prefix: 'final' for the winner, another per baseline so they do not collide. */
  tag = 'final',
): Promise<FinalResult> {
  const { arch } = spec;
  const plan: FinalEpochs = typeof epochPlan === 'number' ? { at: () => epochPlan } : epochPlan;
  const history = store.of<FinalEpochRecord>('final_epoch').filter((r) => r.arch === arch);
  const last = history[history.length - 1];
  let start: FinalStart | undefined;
  if (last) {
    const path = join(runDir, last.checkpoint);
    if (!existsSync(path)) {
      throw new NaskitError(
        'data_corrupt',
        `the results store says epoch ${last.completed} of the final training is saved in ${last.checkpoint}, but ${path} is missing; ` +
          'the run directory was altered. Start a new run.',
      );
    }
    const loaded = loadCheckpoint(path);
    if (!loaded.optimizer && last.completed < plan.at(last.completed)) {
      throw new NaskitError(
        'data_corrupt',
        `${path} holds no optimizer state; it is not a final-training checkpoint`,
      );
    }
    start = { params: loaded.params, optimizer: loaded.optimizer, completed: last.completed };
  }
  const evalDone = store.of<FinalEvalRecord>('final_eval').find((r) => r.arch === arch);
  const dir = join(runDir, RUN_FILES.checkpoints);
  mkdirSync(dir, { recursive: true });
  const outcome = await trainFinal(spec, sets, ctx, plan, {
    start,
    evaluation: evalDone,
    progress,
    onEpoch(epoch, params, optimizer) {
      const checkpoint = `${RUN_FILES.checkpoints}/${tag}-e${epoch.completed}.safetensors`;
      saveCheckpoint(join(runDir, checkpoint), {
        params,
        optimizer,
        metadata: { arch, completed: epoch.completed },
      });
      const record: FinalEpochRecord = { type: 'final_epoch', arch, ...epoch, checkpoint, at: Date.now() };
      store.append(record);
      history.push(record);
      removeOlderCheckpoints(dir, tag, epoch.completed);
    },
  });
  if (evalDone && outcome.evaluation === evalDone) {
    return { params: outcome.params, epochs: history, evaluation: evalDone };
  }
  const evaluation: FinalEvalRecord = { type: 'final_eval', arch, ...outcome.evaluation, at: Date.now() };
  store.append(evaluation);
  return { params: outcome.params, epochs: history, evaluation };
}

function removeOlderCheckpoints(dir: string, tag: string, keep: number): void {
  for (const name of readdirSync(dir)) {
    const m = /^(.+)-e(\d+)\.safetensors$/.exec(name);
    if (m && m[1] === tag && Number(m[2]) < keep) rmSync(join(dir, name), { force: true });
  }
}

/** What a worker returns for a final training: its epochs, its test, and the trained parameters. */
export interface FinalTrainingResult {
  epochs: FinalEpoch[];
  evaluation: FinalEvaluation;
  /** Parameters and batch-norm statistics after the last epoch, as safetensors bytes. */
  weights: Uint8Array;
}

/** A final training run elsewhere (a naskit worker); resolves with its result. */
export type FinalTrainer = (spec: FinalTrainingSpec) => Promise<FinalTrainingResult>;

/** Parameters as plain safetensors bytes: names, shapes and float32 values, nothing else. */
export function encodeWeights(params: ParamStore): Buffer {
  const tensors = new Map<string, SafetensorsTensor>();
  for (const name of params.names()) {
    tensors.set(name, { dtype: 'F32', shape: params.info(name).shape, data: params.get(name) });
  }
  return encodeSafetensors(tensors);
}

/**
 * The network's parameters with the values a worker returned: the store is built from the run's own
 * graph (names, shapes, which are buffers), so weights of another network are refused, not trusted.
 */
export function paramsFromWeights(
  spec: Pick<FinalTrainingSpec, 'space' | 'arch' | 'network' | 'batch_size'>,
  train: ImageDataset,
  weights: Uint8Array,
): ParamStore {
  const params = ParamStore.fromGraph(specTrainGraph(spec, train), new Rng(0));
  const { tensors } = decodeSafetensors(weights, `the weights a worker returned for ${spec.arch}`);
  const loaded = new ParamStore();
  for (const [name, t] of tensors) {
    if (!(t.data instanceof Float32Array)) {
      throw new NaskitError(
        'data_corrupt',
        `a worker returned ${t.dtype} weights for '${name}'; expected F32`,
      );
    }
    loaded.add(name, t.data, { shape: t.shape, trainable: true, noDecay: false });
  }
  restoreParams(params, loaded);
  return params;
}

/**
 * Bytes of the float32 parameters (batch-norm statistics included) of the spec's network, counted on its
 * graph without initializing anything: what a worker's weights for it weigh before encoding.
 */
export function weightBytes(
  spec: Pick<FinalTrainingSpec, 'space' | 'arch' | 'network' | 'batch_size'>,
  train: ImageDataset,
): number {
  const graph = specTrainGraph(spec, train);
  return 4 * graph.params.reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * The final training of `spec.arch` on a worker: one job for all its epochs (the schedule is fixed when
 * it is sent: a worker cannot be asked about the deadline mid-job), recorded in the store as the
 * in-process training records it, with the last epoch's checkpoint written from the returned weights.
 * A training this run already began in process (records in the store) goes on in process.
 */
export async function remoteFinalPhase(
  spec: FinalTrainingSpec,
  sets: { train: ImageDataset; test: ImageDataset },
  ctx: TrainEnv,
  runDir: string,
  store: ResultsStore,
  progress: Progress,
  tag: string,
  remote: FinalTrainer,
): Promise<FinalResult> {
  const { arch } = spec;
  const begun =
    store.of<FinalEpochRecord>('final_epoch').some((r) => r.arch === arch) ||
    store.of<FinalEvalRecord>('final_eval').some((r) => r.arch === arch);
  if (begun) {
    return finalPhase(spec, sets, scheduleEpochs(spec.schedule), ctx, runDir, store, progress, tag);
  }
  progress.log(`final training of ${arch} sent to the workers`);
  const result = await remote(spec);
  const last = result.epochs[result.epochs.length - 1];
  if (last === undefined) {
    throw new NaskitError('data_corrupt', `a worker returned a final training of ${arch} without epochs`);
  }
  const params = paramsFromWeights(spec, sets.train, result.weights);
  // Records name the checkpoint of their epoch as in process (where the older ones are deleted too).
  const checkpointOf = (completed: number) => `${RUN_FILES.checkpoints}/${tag}-e${completed}.safetensors`;
  mkdirSync(join(runDir, RUN_FILES.checkpoints), { recursive: true });
  saveCheckpoint(join(runDir, checkpointOf(last.completed)), {
    params,
    metadata: { arch, completed: last.completed, trained_on: 'worker' },
  });
  const epochs: FinalEpochRecord[] = result.epochs.map((epoch) => ({
    type: 'final_epoch',
    arch,
    ...epoch,
    checkpoint: checkpointOf(epoch.completed),
    at: Date.now(),
  }));
  for (const record of epochs) store.append(record);
  const evaluation: FinalEvalRecord = { type: 'final_eval', arch, ...result.evaluation, at: Date.now() };
  store.append(evaluation);
  return { params, epochs, evaluation };
}

/** The training graph of a final training's network, as both the worker and the coordinator build it. */
function specTrainGraph(
  spec: Pick<FinalTrainingSpec, 'space' | 'arch' | 'network' | 'batch_size'>,
  train: ImageDataset,
): ReturnType<typeof buildTrainGraph>['graph'] {
  const net = networkFor(
    { space: spec.space, arch: spec.arch, channels: spec.network.channels, cells: spec.network.cells },
    { train },
  ).net;
  return buildTrainGraph(net, Math.min(spec.batch_size, train.n)).graph;
}
