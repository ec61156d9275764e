/**
 * `naskit run --redis`: the run's work as jobs on naskit workers. The run (the coordinator) keeps its
 * directory, its store and its deadline; what it sends is the proxy scoring of its sample
 * (`proxy-chunk` jobs on the run's training images), one `run-short` job per candidate, and with
 * --remote-final one `run-final` job per final training (the winner's, then each baseline's). Jobs are
 * the specs the in-process path builds (experiments/run), their ids digests of their content, so a
 * coordinator stopped and resumed with `naskit run --resume DIR --redis URL` sends the same jobs again:
 * those that finished meanwhile come back from Redis without being redone, those in flight carry on,
 * and each result goes into the store once (only results the store lacks are asked for).
 */
import type { RunRemote } from '../experiments/run/jobs.js';
import type { FinalTrainingSpec } from '../experiments/run/final-phase.js';
import type { ShortTrainingSpec } from '../experiments/run/train-phase.js';
import { failedJobsError, runJobs, targetOptions, type QueueTarget } from './coordinator.js';
import {
  JOB_HEADER,
  MAX_FINAL_RESULT_BYTES,
  type RunFinalJob,
  type RunFinalResult,
  type RunShortJob,
  type RunShortResult,
} from './jobs.js';
import { queueScorer } from './proxies.js';

export interface QueueRunOptions extends QueueTarget {
  /** Send the final trainings too (--remote-final); else they run in the coordinator's process. */
  remoteFinal?: boolean;
}

export function runShortJob(spec: ShortTrainingSpec): RunShortJob {
  return { ...JOB_HEADER, kind: 'run-short', ...spec };
}

export function runFinalJob(spec: FinalTrainingSpec): RunFinalJob {
  return { ...JOB_HEADER, kind: 'run-final', ...spec };
}

/** The RunRemote of a run whose work goes to naskit workers through Redis. */
export function queueRunRemote(options: QueueRunOptions): RunRemote {
  const target = targetOptions(options);
  return {
    scorer: (images) => queueScorer({ ...target, images }),
    async shortTrainings(specs, record, wanted) {
      const jobs = specs.map(runShortJob);
      const { failed } = await runJobs({
        ...target,
        jobs,
        record: ({ index, result }) => record(index, result as RunShortResult),
        wanted,
      });
      if (failed.length > 0) {
        throw failedJobsError(failed, jobs.length, (f) => `short training of ${specs[f.index]!.arch}`);
      }
    },
    ...(options.remoteFinal
      ? {
          maxFinalResultBytes: MAX_FINAL_RESULT_BYTES,
          async final(spec: FinalTrainingSpec) {
            let out: RunFinalResult | undefined;
            const { failed } = await runJobs({
              ...target,
              jobs: [runFinalJob(spec)],
              record: ({ result }) => {
                out = result as RunFinalResult;
              },
            });
            if (failed.length > 0 || out === undefined) {
              throw failedJobsError(failed, 1, () => `final training of ${spec.arch}`);
            }
            return out;
          },
        }
      : {}),
  };
}
