/**
 * Phase 2 of a run: short-train each of the top-k architectures on the same training subset with the
 * same recipe and rank them by accuracy on the validation split (held out of the training set; the
 * test set is never looked at). Each candidate's generator is forked from its architecture string, so
 * its result does not depend on which candidates ran before it — a resumed run trains only the
 * missing ones and gets the same numbers. With --redis each candidate is a `run-short` job that a
 * naskit worker runs through the same `trainCandidate` (src/distributed/run.ts).
 */
import type { ImageDataset } from '../../data/dataset.js';
import type { Normalization } from '../../data/normalize.js';
import { ParamStore } from '../../runtime/params.js';
import { buildTrainGraph } from '../../runtime/train-program.js';
import { evaluate, trainNetwork, type EpochRecord } from '../../train/trainer.js';
import { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { networkFor } from '../train-job.js';
import type { RunConfig } from './config.js';
import type { RunDataRef } from './data.js';
import type { ScoredRecord } from './search-phase.js';
import { LossCurve, type CurvePoint } from './loss-curve.js';
import type { ResultsStore } from './store.js';

export interface CandidateRecord {
  type: 'candidate';
  arch: string;
  /** Rank by the proxy (0 = best scored). */
  proxy_rank: number;
  val_accuracy: number;
  val_loss: number;
  params: number;
  history: EpochRecord[];
  /** Mean training loss over windows of steps (about 20 points in all). */
  curve: CurvePoint[];
  train_seconds: number;
  seconds: number;
  at: number;
}

export interface TrainContext extends TrainEnv {
  config: RunConfig;
}

/**
 * One short training as pure JSON: what a worker needs to train a candidate exactly as the run would.
 * The run's seed (in `data`) gives the initialization and batch order, forked by the architecture.
 */
export interface ShortTrainingSpec {
  space: string;
  arch: string;
  network: { channels: number; cells: number };
  data: RunDataRef;
  /** Training images (the stratified short subset of the train part). */
  images: number;
  epochs: number;
  batch_size: number;
  lr: number;
}

/** A candidate's training and validation result: its store record without the run's bookkeeping. */
export type ShortTrainingResult = Omit<CandidateRecord, 'type' | 'arch' | 'proxy_rank' | 'at'>;

/** How the data is fed and how many ORT threads run it: the same on every machine but for `threads`. */
export interface TrainEnv {
  normalization: Normalization;
  cropFlipPadding?: number | undefined;
  threads?: number | undefined;
}

/** The spec of a candidate's short training in this run. */
export function shortTrainingSpec(
  config: RunConfig,
  arch: string,
  data: RunDataRef,
  images: number,
): ShortTrainingSpec {
  return {
    space: config.space,
    arch,
    network: { channels: config.network.channels, cells: config.network.cells },
    data,
    images,
    epochs: config.short_train.epochs,
    batch_size: config.short_train.batch_size,
    lr: config.short_train.lr,
  };
}

/** Steps of one short training on `n` images. */
function shortSteps(spec: Pick<ShortTrainingSpec, 'batch_size' | 'epochs'>, n: number): number {
  return Math.floor(n / Math.min(spec.batch_size, n)) * spec.epochs;
}

/**
 * Train one candidate on the short subset and test it on the validation split: the function the run
 * calls in process and a `naskit worker` calls for a `run-short` job. Its result depends on the spec and
 * the data alone (and on the ORT thread count in the last bits).
 */
export async function trainCandidate(
  spec: ShortTrainingSpec,
  sets: { train: ImageDataset; val: ImageDataset },
  env: TrainEnv,
  onStep?: (step: number, loss: number) => void,
): Promise<ShortTrainingResult> {
  const started = Date.now();
  const { train, val } = sets;
  const net = networkFor(
    { space: spec.space, arch: spec.arch, channels: spec.network.channels, cells: spec.network.cells },
    { train },
  ).net;
  const batchSize = Math.min(spec.batch_size, train.n);
  const archRng = new Rng(spec.data.seed).fork('short').fork(spec.arch);
  const params = ParamStore.fromGraph(buildTrainGraph(net, batchSize).graph, archRng.fork('init'));
  const curve = new LossCurve(Math.ceil(shortSteps(spec, train.n) / 20));
  const result = await trainNetwork(
    net,
    params,
    train,
    {
      epochs: spec.epochs,
      batchSize,
      lr: spec.lr,
      normalization: env.normalization,
      ...(env.cropFlipPadding !== undefined ? { cropFlipPadding: env.cropFlipPadding } : {}),
      ...(env.threads ? { threads: env.threads } : {}),
      onStep: (s) => {
        curve.add(s.step, s.loss);
        onStep?.(s.step, s.loss);
      },
    },
    archRng.fork('train'),
  );
  const valResult = await evaluate(net, params, val, {
    batchSize: 256,
    normalization: env.normalization,
    ...(env.threads ? { threads: env.threads } : {}),
  });
  return {
    val_accuracy: valResult.accuracy,
    val_loss: valResult.loss,
    params: params.numel('trainable'),
    history: result.epochs,
    curve: curve.take(),
    train_seconds: result.seconds,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Short trainings somewhere else (naskit workers): all specs are handed over at once; `record` is called
 * once per result as it comes back, and after each the trainer asks `wanted` whether the others are
 * still needed (the deadline may have lowered their number) and stops waiting for those that are not.
 */
export type CandidateTrainer = (
  specs: readonly ShortTrainingSpec[],
  record: (index: number, result: ShortTrainingResult) => void,
  wanted: (index: number) => boolean,
) => Promise<void>;

export async function shortTrainPhase(
  candidates: readonly ScoredRecord[],
  /** The short subset (of `images` images) and the validation split, and how a job names them. */
  sets: { train: ImageDataset; val: ImageDataset; ref: RunDataRef; images: number },
  ctx: TrainContext,
  store: ResultsStore,
  progress: Progress,
  /**
   * After each newly trained candidate (told how many are done), how many of `candidates` to train in
   * all: the deadline may lower it (deadline.ts). Default: all of them.
   */
  afterCandidate: (trained: number) => number = () => candidates.length,
  /** Train on workers instead of in this process (one job per candidate, all at once). */
  remote?: CandidateTrainer,
): Promise<CandidateRecord[]> {
  const done = new Map(store.of<CandidateRecord>('candidate').map((r) => [r.arch, r]));
  let count = candidates.length;
  const { config } = ctx;
  const specOf = (c: ScoredRecord) => shortTrainingSpec(config, c.arch, sets.ref, sets.images);
  const perCandidate = shortSteps(config.short_train, sets.train.n);
  const todo = candidates.filter((c) => !done.has(c.arch));
  const keep = (candidate: ScoredRecord, result: ShortTrainingResult): void => {
    const record: CandidateRecord = {
      type: 'candidate',
      arch: candidate.arch,
      proxy_rank: candidates.indexOf(candidate),
      ...result,
      at: Date.now(),
    };
    store.append(record);
    done.set(candidate.arch, record);
    count = Math.min(count, afterCandidate(done.size));
  };
  if (todo.length > 0 && remote) {
    progress.start(`short-train ${candidates.length} candidates on workers`, candidates.length);
    progress.update(candidates.length - todo.length);
    await remote(
      todo.map(specOf),
      (i, result) => {
        keep(todo[i]!, result);
        progress.update(done.size, `${done.size}/${candidates.length}`);
      },
      (i) => candidates.indexOf(todo[i]!) < count,
    );
    progress.stop();
  } else if (todo.length > 0) {
    progress.start(`short-train ${candidates.length} candidates`, perCandidate * candidates.length);
    let offset = perCandidate * (candidates.length - todo.length);
    for (const candidate of todo) {
      if (candidates.indexOf(candidate) >= count) break;
      const base = offset;
      const position = `${candidates.indexOf(candidate) + 1}/${candidates.length}`;
      const result = await trainCandidate(specOf(candidate), sets, ctx, (step, loss) =>
        progress.update(base + step, `${position} loss ${loss.toFixed(3)}`),
      );
      keep(candidate, result);
      offset += perCandidate;
    }
    progress.stop();
  }
  return candidates
    .slice(0, count)
    .filter((c) => done.has(c.arch))
    .map((c) => done.get(c.arch)!);
}

/** The winner: best validation accuracy; ties go to the better proxy rank. */
export function pickWinner(records: readonly CandidateRecord[]): CandidateRecord {
  return [...records].sort((a, b) => b.val_accuracy - a.val_accuracy || a.proxy_rank - b.proxy_rank)[0]!;
}
