/**
 * Phase 2 of a run: short-train each of the top-k architectures on the same training subset with the
 * same recipe and rank them by accuracy on the validation split (held out of the training set; the
 * test set is never looked at). Each candidate's generator is forked from its architecture string, so
 * its result does not depend on which candidates ran before it — a resumed run trains only the
 * missing ones and gets the same numbers.
 */
import type { ImageDataset } from '../../data/dataset.js';
import type { Normalization } from '../../data/normalize.js';
import type { NetworkSpec } from '../../graph/network.js';
import { ParamStore } from '../../runtime/params.js';
import { buildTrainGraph } from '../../runtime/train-program.js';
import { evaluate, trainNetwork, type EpochRecord } from '../../train/trainer.js';
import type { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { networkFor } from '../train-job.js';
import type { RunConfig } from './config.js';
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

export interface TrainContext {
  config: RunConfig;
  normalization: Normalization;
  cropFlipPadding?: number | undefined;
  threads?: number | undefined;
}

/** The run's network for an architecture string (the same builder `naskit train` uses). */
export function runNetwork(config: RunConfig, arch: string, data: ImageDataset): NetworkSpec {
  return networkFor(
    { space: config.space, arch, channels: config.network.channels, cells: config.network.cells },
    { train: data },
  ).net;
}

export async function shortTrainPhase(
  candidates: readonly ScoredRecord[],
  subsetForTraining: ImageDataset,
  val: ImageDataset,
  ctx: TrainContext,
  store: ResultsStore,
  rng: Rng,
  progress: Progress,
  /**
   * After each newly trained candidate (told how many are done), how many of `candidates` to train in
   * all: the deadline may lower it (deadline.ts). Default: all of them.
   */
  afterCandidate: (trained: number) => number = () => candidates.length,
): Promise<CandidateRecord[]> {
  const done = new Map(store.of<CandidateRecord>('candidate').map((r) => [r.arch, r]));
  let count = candidates.length;
  const { config } = ctx;
  const perCandidate =
    Math.floor(subsetForTraining.n / Math.min(config.short_train.batch_size, subsetForTraining.n)) *
    config.short_train.epochs;
  const todo = candidates.filter((c) => !done.has(c.arch));
  if (todo.length > 0) {
    progress.start(`short-train ${candidates.length} candidates`, perCandidate * candidates.length);
    let offset = perCandidate * (candidates.length - todo.length);
    for (const candidate of todo) {
      if (candidates.indexOf(candidate) >= count) break;
      const started = Date.now();
      const net = runNetwork(config, candidate.arch, subsetForTraining);
      const batchSize = Math.min(config.short_train.batch_size, subsetForTraining.n);
      const archRng = rng.fork(candidate.arch);
      const params = ParamStore.fromGraph(buildTrainGraph(net, batchSize).graph, archRng.fork('init'));
      const base = offset;
      const curve = new LossCurve(Math.ceil(perCandidate / 20));
      const result = await trainNetwork(
        net,
        params,
        subsetForTraining,
        {
          epochs: config.short_train.epochs,
          batchSize,
          lr: config.short_train.lr,
          normalization: ctx.normalization,
          ...(ctx.cropFlipPadding !== undefined ? { cropFlipPadding: ctx.cropFlipPadding } : {}),
          ...(ctx.threads ? { threads: ctx.threads } : {}),
          onStep: (s) => {
            curve.add(s.step, s.loss);
            progress.update(
              base + s.step,
              `${candidates.indexOf(candidate) + 1}/${candidates.length} loss ${s.loss.toFixed(3)}`,
            );
          },
        },
        archRng.fork('train'),
      );
      const valResult = await evaluate(net, params, val, {
        batchSize: 256,
        normalization: ctx.normalization,
        ...(ctx.threads ? { threads: ctx.threads } : {}),
      });
      const record: CandidateRecord = {
        type: 'candidate',
        arch: candidate.arch,
        proxy_rank: candidates.indexOf(candidate),
        val_accuracy: valResult.accuracy,
        val_loss: valResult.loss,
        params: params.numel('trainable'),
        history: result.epochs,
        curve: curve.take(),
        train_seconds: result.seconds,
        seconds: (Date.now() - started) / 1000,
        at: Date.now(),
      };
      store.append(record);
      done.set(candidate.arch, record);
      offset += perCandidate;
      count = Math.min(count, afterCandidate(done.size));
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
