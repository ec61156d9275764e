/**
 * `naskit worker`: a BullMQ worker that takes naskit jobs from Redis and runs each in a job thread
 * (job-thread.ts), one thread per concurrent job. BullMQ holds a lock on each job while it runs and the
 * main thread renews it; when a worker dies its lock lapses, and after `stallSeconds` another worker
 * takes the job over (at most MAX_STALLS times; then it fails). Failures that every worker would repeat
 * (a bad job, an architecture the space rejects) fail the job at once; others are retried up to the
 * coordinator's attempts.
 */
import { hostname } from 'node:os';
import { Worker as Thread } from 'node:worker_threads';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { NaskitError } from '../util/errors.js';
import { threadModule } from '../util/thread-module.js';
import { DEFAULT_QUEUE, bullConnection, redactUrl, watchRedis } from './connection.js';
import type { ExecutorOptions } from './execute.js';
import type { ThreadReply, ThreadRequest } from './job-thread.js';
import { errorText, isDeterministic } from './jobs.js';

/** Times a job may lose its worker and be taken over before it fails. */
export const MAX_STALLS = 2;

export interface WorkerOptions {
  redis: string;
  queue?: string;
  /** Jobs run at once, each in a thread of its own. */
  concurrency: number;
  /** ONNX Runtime threads per program. */
  threads: number;
  dataDir?: string;
  /** Checkpoint folders of long jobs (ExecutorOptions.workDir). */
  workDir?: string;
  /** Long jobs' progress lines on stderr (ExecutorOptions.logProgress). */
  logProgress?: boolean;
  /** How long a job stays with a worker that stopped renewing its lock (default 30 s). */
  stallSeconds?: number;
  log: (message: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs; `closed` resolves once the jobs in progress have finished. */
  stop(): void;
  /** Hands the jobs in progress back to the queue at once (another worker takes them), then stops. */
  release(): void;
  /** Settles once the worker has stopped (after stop() or release()). */
  closed: Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { log } = options;
  const watch = await watchRedis(options.redis, log);
  const pool = new ThreadPool(options.concurrency, {
    threads: options.threads,
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.workDir !== undefined ? { workDir: options.workDir } : {}),
    ...(options.logProgress ? { logProgress: true } : {}),
  });
  const lockDuration = Math.round((options.stallSeconds ?? 30) * 1000);
  const worker = new Worker(
    options.queue ?? DEFAULT_QUEUE,
    async (job: Job, token?: string, signal?: AbortSignal) => {
      const started = Date.now();
      try {
        const result = await pool.run(job.data, signal);
        log(`${job.name} ${shortId(job.id)} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return result;
      } catch (err) {
        if (signal?.aborted && token !== undefined) {
          await job.moveToWait(token);
          log(`${job.name} ${shortId(job.id)} handed back to the queue`);
          throw new WaitingError();
        }
        const text = errorText(err);
        log(`${job.name} ${shortId(job.id)} failed: ${text}`);
        throw isDeterministic(err) ? new UnrecoverableError(text) : new Error(text);
      }
    },
    {
      connection: bullConnection(options.redis),
      concurrency: options.concurrency,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: MAX_STALLS,
      name: `${hostname()}:${process.pid}`,
      autorun: false,
    },
  );
  // Connection errors are reported once by the watch; BullMQ reconnects by itself.
  worker.on('error', () => undefined);
  try {
    await pool.start();
    await worker.waitUntilReady();
  } catch (err) {
    await Promise.allSettled([worker.close(true), pool.close(), watch.close()]);
    throw err;
  }
  void worker.run().catch(() => undefined);
  log(
    `taking jobs from '${options.queue ?? DEFAULT_QUEUE}' at ${redactUrl(options.redis)} ` +
      `(concurrency ${options.concurrency}, ${options.threads} ORT thread(s) per program)`,
  );
  let stopped: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (stopped = resolve)).then(async () => {
    await worker.close();
    await pool.close();
    await watch.close();
  });
  return {
    stop: () => stopped(),
    release() {
      worker.cancelAllJobs('released by naskit worker');
      stopped();
    },
    closed,
  };
}

interface Slot {
  thread?: Thread;
  busy: boolean;
  /** Settles the job in flight on this slot. */
  settle?: (reply: ThreadReply | { crashed: Error }) => void;
}

/**
 * One thread per concurrent job. A thread that dies fails its job (BullMQ retries it) and is started
 * again for the next one; a released job's thread is ended at once.
 */
class ThreadPool {
  private readonly slots: Slot[];
  private next = 0;

  constructor(
    size: number,
    private readonly options: ExecutorOptions,
  ) {
    this.slots = Array.from({ length: size }, () => ({ busy: false }));
  }

  /** Starts every thread, so a worker that says it takes jobs can run them. */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.spawn(slot)));
  }

  private spawn(slot: Slot): Promise<void> {
    const { url, execArgv } = threadModule(import.meta.url, 'job-thread');
    const thread = new Thread(url, { workerData: this.options, execArgv });
    slot.thread = thread;
    thread.on('message', (reply: ThreadReply) => slot.settle?.(reply));
    const crashed = (err: Error) => {
      if (slot.thread === thread) slot.thread = undefined;
      slot.settle?.({ crashed: err });
    };
    thread.on('error', crashed);
    thread.on('exit', (code) => crashed(new Error(`the job thread stopped (exit code ${code})`)));
    return new Promise<void>((resolve, reject) => {
      thread.once('online', resolve);
      thread.once('error', reject);
    });
  }

  async run(data: unknown, signal?: AbortSignal): Promise<unknown> {
    const slot = this.slots.find((s) => !s.busy);
    if (slot === undefined) throw new Error('more jobs in flight than job threads');
    slot.busy = true;
    try {
      if (slot.thread === undefined) await this.spawn(slot);
      const id = this.next++;
      return await new Promise<unknown>((resolve, reject) => {
        const onAbort = () => {
          // The thread's work is abandoned: end the thread (a new one starts for the next job).
          void slot.thread?.terminate();
          reject(signal!.reason ?? new Error('released'));
        };
        slot.settle = (reply) => {
          signal?.removeEventListener('abort', onAbort);
          slot.settle = undefined;
          if ('crashed' in reply) reject(reply.crashed);
          else if ('result' in reply && reply.id === id) resolve(reply.result);
          else if ('error' in reply && reply.id === id) {
            const { code, message } = reply.error;
            reject(code ? new NaskitError(code, message) : new Error(message));
          }
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        slot.thread!.postMessage({ id, data } satisfies ThreadRequest);
      });
    } finally {
      slot.busy = false;
    }
  }

  /** Lets each thread release what it holds, then ends it. */
  async close(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        const thread = slot.thread;
        if (thread === undefined) return;
        slot.thread = undefined;
        const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
        thread.postMessage({ close: true } satisfies ThreadRequest);
        const timer = setTimeout(() => void thread.terminate(), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

function shortId(id: string | undefined): string {
  return (id ?? '?').slice(0, 24);
}
