/**
 * The pieces of a run that can go to other machines (`naskit run --redis`), as a naskit worker runs
 * them: a short training or a final training, each described by a pure JSON spec (train-phase.ts,
 * final-phase.ts) whose data the worker loads from its own data folder and checks against the run's
 * digest. They call the same functions (`trainCandidate`, `trainFinal`) the run calls in process.
 */
import type { ArchScorer } from '../../proxies/run.js';
import { finalTrainingSet, shortTrainingSet, type RunDataRef, type RunSets } from './data.js';
import {
  encodeWeights,
  scheduleEpochs,
  trainFinal,
  type FinalTrainer,
  type FinalTrainingResult,
  type FinalTrainingSpec,
} from './final-phase.js';
import {
  trainCandidate,
  type CandidateTrainer,
  type ShortTrainingResult,
  type ShortTrainingSpec,
} from './train-phase.js';

/**
 * Where a run sends its work instead of running it in process (the CLI's --redis): the proxy scoring
 * of the sample, the short trainings, and, with `final` set, the final trainings of the winner and the
 * baselines.
 */
export interface RunRemote {
  /** Scores the sample on workers; `images` names the run's training images they score on. */
  scorer(images: RunDataRef): ArchScorer;
  shortTrainings: CandidateTrainer;
  final?: FinalTrainer;
  /** Largest final-training result (weights included) a worker may return, in bytes. */
  maxFinalResultBytes?: number;
}

/** Opened run data, kept by the caller for the next jobs of the same run (loading takes a while). */
export type RunDataOpener = (ref: RunDataRef) => RunSets;

/** A worker's `run-short` job: the run's short subset and validation split, then `trainCandidate`. */
export async function runShortTraining(
  spec: ShortTrainingSpec,
  open: RunDataOpener,
  threads: number,
): Promise<ShortTrainingResult> {
  const sets = open(spec.data);
  const train = shortTrainingSet(sets, spec.images, spec.data.seed);
  return trainCandidate(spec, { train, val: sets.val }, envOf(sets, threads));
}

/** A worker's `run-final` job: the run's final images and test split, then `trainFinal` with the schedule. */
export async function runFinalTraining(
  spec: FinalTrainingSpec,
  open: RunDataOpener,
  threads: number,
): Promise<FinalTrainingResult> {
  const sets = open(spec.data);
  const train = finalTrainingSet(sets, spec.train_on, spec.images, spec.data.seed);
  const outcome = await trainFinal(
    spec,
    { train, test: sets.data.test },
    envOf(sets, threads),
    scheduleEpochs(spec.schedule),
  );
  return { epochs: outcome.epochs, evaluation: outcome.evaluation, weights: encodeWeights(outcome.params) };
}

function envOf(sets: RunSets, threads: number) {
  return {
    normalization: sets.data.normalization,
    cropFlipPadding: sets.data.cropFlipPadding,
    threads,
  };
}
