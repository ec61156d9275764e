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
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageDataset } from '../../data/dataset.js';
import { loadCheckpoint, restoreParams, saveCheckpoint } from '../../runtime/checkpoint.js';
import { makeOptimizer, optimizerFromState, type Optimizer } from '../../runtime/optim.js';
import { ParamStore } from '../../runtime/params.js';
import { buildTrainGraph } from '../../runtime/train-program.js';
import { evaluate, trainNetwork, type EpochRecord } from '../../train/trainer.js';
import { NaskitError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { RUN_FILES } from './layout.js';
import { LossCurve, type CurvePoint } from './loss-curve.js';
import type { ResultsStore } from './store.js';
import { runNetwork, type TrainContext } from './train-phase.js';

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

export async function finalPhase(
  arch: string,
  trainData: ImageDataset,
  test: ImageDataset,
  epochPlan: number | FinalEpochs,
  ctx: TrainContext,
  runDir: string,
  store: ResultsStore,
  rng: Rng,
  progress: Progress,
  /** Checkpoint file prefix: 'final' for the winner, another per baseline so they do not collide. */
  tag = 'final',
): Promise<FinalResult> {
  const { config } = ctx;
  const plan: FinalEpochs = typeof epochPlan === 'number' ? { at: () => epochPlan } : epochPlan;
  const net = runNetwork(config, arch, trainData);
  const batchSize = Math.min(config.final.batch_size, trainData.n);
  const params = ParamStore.fromGraph(buildTrainGraph(net, batchSize).graph, rng.fork('init'));
  let optimizer: Optimizer = makeOptimizer(SGD_RECIPE);
  const history = store.of<FinalEpochRecord>('final_epoch').filter((r) => r.arch === arch);
  const last = history[history.length - 1];
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
    restoreParams(params, loaded.params);
    if (!loaded.optimizer)
      throw new NaskitError(
        'data_corrupt',
        `${path} holds no optimizer state; it is not a final-training checkpoint`,
      );
    optimizer = optimizerFromState(loaded.optimizer);
  }
  let startEpoch = last?.completed ?? 0;
  let epochs = plan.at(startEpoch);
  const evalDone = store.of<FinalEvalRecord>('final_eval').find((r) => r.arch === arch);
  if (evalDone && startEpoch >= epochs) return { params, epochs: history, evaluation: evalDone };

  const dir = join(runDir, RUN_FILES.checkpoints);
  const perEpoch = Math.floor(trainData.n / batchSize);
  const curve = new LossCurve(Math.ceil(perEpoch / CURVE_POINTS));
  const training = startEpoch < epochs;
  if (training) {
    mkdirSync(dir, { recursive: true });
    progress.start(`final training (${epochs} epoch${epochs > 1 ? 's' : ''})`, perEpoch * epochs);
    if (startEpoch > 0) progress.update(perEpoch * startEpoch, `resumed after epoch ${startEpoch}`);
  }
  while (startEpoch < epochs) {
    let next = epochs;
    await trainNetwork(
      net,
      params,
      trainData,
      {
        epochs,
        batchSize,
        lr: config.final.lr,
        normalization: ctx.normalization,
        ...(ctx.cropFlipPadding !== undefined ? { cropFlipPadding: ctx.cropFlipPadding } : {}),
        ...(ctx.threads ? { threads: ctx.threads } : {}),
        onStep: (s) => {
          progress.update(s.step, `epoch ${s.epoch + 1} loss ${s.loss.toFixed(3)}`);
          curve.add(s.step, s.loss);
        },
        onEpoch: (e) => {
          const completed = e.epoch + 1;
          const checkpoint = `${RUN_FILES.checkpoints}/${tag}-e${completed}.safetensors`;
          saveCheckpoint(join(runDir, checkpoint), { params, optimizer, metadata: { arch, completed } });
          const record: FinalEpochRecord = {
            type: 'final_epoch',
            arch,
            ...e,
            completed,
            checkpoint,
            curve: curve.take(),
            at: Date.now(),
          };
          store.append(record);
          history.push(record);
          removeOlderCheckpoints(dir, tag, completed);
          next = (plan.after ?? plan.at)(completed);
          return next !== epochs ? 'stop' : undefined;
        },
      },
      rng.fork('train'),
      optimizer,
      startEpoch,
    );
    startEpoch = history[history.length - 1]?.completed ?? startEpoch;
    if (next !== epochs) progress.log(`final training of ${arch}: ${epochs} → ${next} epochs`);
    epochs = next;
  }
  if (training) progress.stop();
  progress.log(`testing ${arch} on ${test.n} held-out test images`);
  const started = Date.now();
  const result = await evaluate(net, params, test, {
    batchSize: 256,
    normalization: ctx.normalization,
    ...(ctx.threads ? { threads: ctx.threads } : {}),
  });
  const evaluation: FinalEvalRecord = {
    type: 'final_eval',
    arch,
    test_accuracy: result.accuracy,
    test_loss: result.loss,
    test_images: result.n,
    seconds: (Date.now() - started) / 1000,
    at: Date.now(),
  };
  store.append(evaluation);
  return { params, epochs: history, evaluation };
}

function removeOlderCheckpoints(dir: string, tag: string, keep: number): void {
  for (const name of readdirSync(dir)) {
    const m = /^(.+)-e(\d+)\.safetensors$/.exec(name);
    if (m && m[1] === tag && Number(m[2]) < keep) rmSync(join(dir, name), { force: true });
  }
}
