/**
 * The coordinator: puts a set of jobs on the queue and waits for their results. Job ids are digests of
 * the jobs (jobs.ts), so BullMQ keeps one copy of each: a coordinator restarted with the same jobs finds
 * the finished ones' results in Redis and does not redo them, and jobs in flight carry on. Each result
 * reaches the caller's `record` exactly once; a job that fails after its bounded attempts is returned
 * with its error while the others go on. Results stay in Redis for RETAIN_SECONDS.
 *
 * Redis may go away mid-run: commands wait for it (the watch says so), and when it comes back every
 * job still open is looked up again; one that vanished (a server restarted without persistence) is put
 * on the queue again under the same id.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { NaskitError, type ErrorCode } from '../util/errors.js';
import { DEFAULT_QUEUE, bullConnection, checkRedisUrl, redactUrl, watchRedis } from './connection.js';
import {
  errorFromText,
  jobId,
  parseJob,
  parseResult,
  type JobKind,
  type JobResults,
  type NaskitJob,
} from './jobs.js';

/** How long finished jobs (and so their results) stay in Redis. */
export const RETAIN_SECONDS = 7 * 24 * 3600;

/** Attempts per job unless the caller says otherwise (failures every worker would repeat get one). */
export const DEFAULT_ATTEMPTS = 3;

/** A result as the caller's sink receives it: the job's index in `jobs`, the job and its result. */
export interface JobRecord<K extends JobKind = JobKind> {
  index: number;
  job: Extract<NaskitJob, { kind: K }>;
  result: JobResults[K];
}

export interface FailedJob {
  index: number;
  id: string;
  kind: JobKind;
  /** The worker's error message (its code, when it had one, in `code`). */
  error: string;
  code?: ErrorCode;
  attempts: number;
}

export interface CoordinatorOptions {
  redis: string;
  queue?: string;
  jobs: readonly NaskitJob[];
  /** Called once per finished job. */
  record: (record: JobRecord) => void | Promise<void>;
  attempts?: number;
  /** Wait before the first retry of a failed attempt, doubled for each next one (ms). */
  backoffMs?: number;
  /** Status lines for the user (connection lost and back, waiting for workers). */
  log?: (message: string) => void;
  onProgress?: (done: number, total: number) => void;
  /** How often open jobs are looked up besides the queue's events (ms). */
  sweepMs?: number;
  /**
   * Asked after each recorded result: false for a job that is no longer needed (a run's deadline lowered
   * the number of candidates). The coordinator stops waiting for it and takes it off the queue when no
   * worker has it yet; one in progress finishes and leaves its result in Redis.
   */
  wanted?: (index: number) => boolean;
}

/** Where jobs go and who hears about it, as the transports (search seeds, proxy chunks) are told. */
export interface QueueTarget {
  redis: string;
  queue?: string;
  log?: (message: string) => void;
}

/** A target's settings for runJobs, leaving out what was not given. */
export function targetOptions(target: QueueTarget): Pick<CoordinatorOptions, 'redis' | 'queue' | 'log'> {
  return {
    redis: target.redis,
    ...(target.queue !== undefined ? { queue: target.queue } : {}),
    ...(target.log ? { log: target.log } : {}),
  };
}

export interface CoordinatorResult {
  completed: number;
  failed: FailedJob[];
  /** Jobs no longer waited for (see CoordinatorOptions.wanted). */
  dropped: number;
}

/** After this long with no job taken, the coordinator says that it is waiting for workers. */
const IDLE_HINT_MS = 10_000;

export async function runJobs(options: CoordinatorOptions): Promise<CoordinatorResult> {
  const { redis, jobs } = options;
  checkRedisUrl(redis);
  const log = options.log ?? (() => undefined);
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const name = options.queue ?? DEFAULT_QUEUE;
  // Check every job before anything goes to Redis: one bad job is a usage error, not a queue failure.
  const ids = jobs.map((job) => jobId(parseJob(job)));
  const indices = new Map<string, number[]>();
  ids.forEach((id, i) => indices.set(id, [...(indices.get(id) ?? []), i]));

  const watch = await watchRedis(redis, log);
  const connection = bullConnection(redis);
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  // Errors while Redis is away are reported once by the watch; BullMQ retries by itself.
  queue.on('error', () => undefined);
  events.on('error', () => undefined);

  const open = new Set(indices.keys());
  const failed: FailedJob[] = [];
  let completed = 0;
  let dropped = 0;
  let finish: () => void = () => undefined;
  let abort: (err: unknown) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    abort = reject;
  });
  // Awaited below; this only keeps an early failure from counting as unhandled in the meantime.
  finished.catch(() => undefined);
  const jobOptions = {
    attempts,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
    removeOnComplete: { age: RETAIN_SECONDS },
    removeOnFail: { age: RETAIN_SECONDS },
  };
  const enqueue = (ids: readonly string[]) =>
    queue.addBulk(
      ids.map((id) => {
        const job = jobs[indices.get(id)![0]!]!;
        return { name: job.kind, data: job, opts: { ...jobOptions, jobId: id } };
      }),
    );

  /** Records a job that has finished; `state` was read before the job, so its fields are final. */
  const settle = async (id: string, state: string): Promise<void> => {
    if (state !== 'completed' && state !== 'failed') return;
    const job = await Job.fromId(queue, id);
    if (job === undefined || !open.has(id)) return;
    const kind = jobs[indices.get(id)![0]!]!.kind;
    if (state === 'completed') {
      let result: JobResults[JobKind];
      try {
        result = parseResult(kind, job.returnvalue);
      } catch (err) {
        open.delete(id);
        fail(id, kind, (err as Error).message, job.attemptsMade, (err as NaskitError).code);
        return;
      }
      open.delete(id);
      for (const index of indices.get(id)!) {
        await options.record({ index, job: jobs[index]!, result } as JobRecord);
        completed++;
      }
      options.onProgress?.(completed + failed.length, jobs.length);
      await drop();
    } else {
      open.delete(id);
      const { code, message } = errorFromText(job.failedReason ?? 'unknown error');
      fail(id, kind, message, job.attemptsMade, code);
      options.onProgress?.(completed + failed.length, jobs.length);
    }
  };
  const fail = (id: string, kind: JobKind, error: string, made: number, code?: ErrorCode) => {
    for (const index of indices.get(id)!) {
      failed.push({ index, id, kind, error, attempts: made, ...(code ? { code } : {}) });
    }
  };
  /** Stops waiting for the open jobs the caller no longer wants. */
  const drop = async (): Promise<void> => {
    const wanted = options.wanted;
    if (wanted === undefined) return;
    for (const id of [...open]) {
      if (indices.get(id)!.some((i) => wanted(i))) continue;
      open.delete(id);
      dropped += indices.get(id)!.length;
      const state = await queue.getJobState(id);
      // A worker may take it in between: removing a job in progress fails, and it just finishes.
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
        await queue.remove(id).catch(() => 0);
      }
    }
  };
  const done = () => {
    if (open.size === 0) finish();
  };

  let lastTaken = Date.now();
  let hinted = false;
  /** Looks up every open job; re-adds the ones Redis lost. */
  const sweep = async (): Promise<void> => {
    const ids = [...open];
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    const lost = ids.filter((_, i) => states[i] === 'unknown');
    if (lost.length > 0) {
      log(`${lost.length} job(s) were no longer in Redis (restarted without persistence?); queued again`);
      await enqueue(lost);
    }
    for (let i = 0; i < ids.length; i++) await settle(ids[i]!, states[i]!);
    const waiting = states.filter((s) => s === 'waiting' || s === 'delayed' || s === 'prioritized').length;
    if (waiting < open.size) lastTaken = Date.now();
    else if (!hinted && open.size > 0 && Date.now() - lastTaken > IDLE_HINT_MS) {
      hinted = true;
      log(
        `${open.size} job(s) queued on '${name}' and none taken yet: start workers with ` +
          `naskit worker --redis ${redactUrl(redis)}`,
      );
    }
  };
  let sweeping: Promise<void> | undefined;
  const sweepSoon = () => {
    sweeping ??= sweep()
      .then(done, abort)
      .finally(() => (sweeping = undefined));
  };
  const onEvent = ({ jobId: id }: { jobId: string }) => {
    if (!open.has(id)) return;
    queue
      .getJobState(id)
      .then((state) => settle(id, state))
      .then(done, abort);
  };

  try {
    await events.waitUntilReady();
    events.on('completed', onEvent);
    events.on('failed', onEvent);
    // A job left failed by an earlier coordinator gets its attempts again; finished ones are kept.
    const ids = [...open];
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    const missing = ids.filter((_, i) => states[i] === 'unknown');
    for (const id of ids.filter((_, i) => states[i] === 'failed')) {
      await (await Job.fromId(queue, id))?.retry('failed', { resetAttemptsMade: true });
    }
    if (missing.length > 0) await enqueue(missing);
    const timer = setInterval(sweepSoon, options.sweepMs ?? 1000);
    try {
      sweepSoon();
      await finished;
      await sweeping;
    } finally {
      clearInterval(timer);
    }
    return { completed, failed: failed.sort((a, b) => a.index - b.index), dropped };
  } finally {
    events.off('completed', onEvent);
    events.off('failed', onEvent);
    await Promise.allSettled([events.close(), queue.close()]);
    await watch.close();
  }
}

/** A one-line summary of failed jobs for an error message. */
export function describeFailures(failed: readonly FailedJob[], what: (f: FailedJob) => string): string {
  const shown = failed.slice(0, 5).map((f) => `${what(f)}: ${f.error} (after ${f.attempts} attempt(s))`);
  return `${shown.join('; ')}${failed.length > 5 ? `; and ${failed.length - 5} more` : ''}`;
}

/** The error a caller throws when jobs failed: the first failure's code, else a runtime failure. */
export function failedJobsError(failed: readonly FailedJob[], total: number, what: (f: FailedJob) => string) {
  return new NaskitError(
    failed[0]?.code ?? 'runtime_failure',
    `${failed.length} of ${total} jobs failed on the workers: ${describeFailures(failed, what)}`,
  );
}
