/**
 * `naskit bench queue --redis URL`: what the queue costs. First the round trip of tiny jobs one after
 * another (a one-cell `params` chunk: put on the queue, taken by a worker, run in its job thread, result
 * back to the coordinator), and that minus the worker's own scoring time. Then the throughput of proxy
 * scoring over the same cells in process (1 and 2 worker threads) and through the queue (1 and 2 naskit
 * workers of one job thread and one ORT thread each), side by side in one run. The workers run in this
 * process (each job in a thread of its own, as in `naskit worker`) on a queue of the bench's own, which
 * is removed afterwards.
 */
import { Queue, QueueEvents } from 'bullmq';
import { benchOutput } from '../experiments/bench/output.js';
import { createProxyContext } from '../proxies/context.js';
import { resolveProxies } from '../proxies/index.js';
import { scoreArchitectures, type ArchScorer } from '../proxies/run.js';
import { nb201 } from '../spaces/index.js';
import { median } from '../stats/summary.js';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { bullConnection, watchRedis } from './connection.js';
import { JOB_HEADER, fromWire, jobId, type ProxyChunkJob, type ProxyChunkResult } from './jobs.js';
import { queueScorer } from './proxies.js';
import { startWorker, type RunningWorker } from './worker.js';

export interface QueueBenchOptions {
  redis: string;
  /** Tiny jobs timed one after another (default 200). */
  jobs?: number;
  /** Cells scored per throughput figure (default 48). */
  archs?: number;
  proxies?: readonly string[];
  /** Images the data-dependent proxies look at (default mnist, built in). */
  dataset?: string;
  /** Cells per job in the throughput runs (default 4). */
  chunk?: number;
  seed?: number;
  log?: (message: string) => void;
}

export interface Spread {
  median: number;
  p90: number;
}

export interface QueueBenchResult {
  jobs: number;
  /** Submit to result, per job (ms). */
  round_trip_ms: Spread;
  /** The round trip minus the worker's scoring time (ms): what the queue and the job thread add. */
  overhead_ms: Spread;
  proxies: string[];
  dataset: string;
  archs: number;
  chunk: number;
  /** Architectures per second, every proxy scored. */
  archs_per_s: {
    in_process_1_thread: number;
    in_process_2_threads: number;
    queue_1_worker: number;
    queue_2_workers: number;
  };
}

/** Untimed jobs first: the job thread loads its modules and the space. */
const WARMUP_JOBS = 5;
/** Distinct NB201 cells to draw from (job ids are content digests: equal jobs are one job). */
const MAX_TINY_JOBS = 10_000;

export const DEFAULT_BENCH_PROXIES = ['synflow', 'nwot'];

export async function benchQueue(options: QueueBenchOptions): Promise<QueueBenchResult> {
  const jobs = options.jobs ?? 200;
  const n = options.archs ?? 48;
  const chunk = options.chunk ?? 4;
  const seed = options.seed ?? 0;
  const dataset = options.dataset ?? 'mnist';
  const log = options.log ?? (() => undefined);
  for (const [flag, value, max] of [
    ['--jobs', jobs, MAX_TINY_JOBS],
    ['--archs', n, MAX_TINY_JOBS],
    ['--chunk', chunk, MAX_TINY_JOBS],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new NaskitError('invalid_argument', `${flag} must be an integer from 1 to ${max}, got ${value}`);
    }
  }
  const proxies = resolveProxies(options.proxies ?? DEFAULT_BENCH_PROXIES);
  // Fails at once, with the usual message, when Redis is not there.
  const watch = await watchRedis(options.redis, log);
  const prefix = `naskit-bench-${process.pid}-${Date.now()}`;
  try {
    const cells = distinctCells(WARMUP_JOBS + jobs + n, seed);
    log(`round trip: ${jobs} one-cell params jobs`);
    const trips = await roundTrips(options.redis, `${prefix}-rt`, cells.slice(0, WARMUP_JOBS + jobs), seed);
    const archs = cells.slice(WARMUP_JOBS + jobs).map((c) => nb201.parse(c));
    const rate = async (label: string, scorer: ArchScorer, workers: number): Promise<number> => {
      log(`throughput: ${label}`);
      const context = createProxyContext({ space: nb201, dataset, seed, threads: 1, workers });
      const start = performance.now();
      await scorer({ context, proxies, archs });
      return archs.length / ((performance.now() - start) / 1000);
    };
    const onQueue = async (workers: number): Promise<number> => {
      const queue = `${prefix}-w${workers}`;
      const running = await startWorkers(options.redis, queue, workers);
      try {
        return await rate(
          `queue, ${workers} worker(s)`,
          queueScorer({ redis: options.redis, queue, chunk }),
          1,
        );
      } finally {
        await stopWorkers(running);
        await removeQueue(options.redis, queue);
      }
    };
    return {
      jobs,
      round_trip_ms: spread(trips.map((t) => t.total)),
      overhead_ms: spread(trips.map((t) => t.total - t.work)),
      proxies: proxies.map((p) => p.name),
      dataset,
      archs: archs.length,
      chunk,
      archs_per_s: {
        in_process_1_thread: await rate('in process, 1 thread', scoreArchitectures, 1),
        in_process_2_threads: await rate('in process, 2 worker threads', scoreArchitectures, 2),
        queue_1_worker: await onQueue(1),
        queue_2_workers: await onQueue(2),
      },
    };
  } finally {
    await watch.close();
  }
}

/** `count` distinct NB201 cells in canonical form, drawn from `seed`. */
function distinctCells(count: number, seed: number): string[] {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  while (seen.size < count) seen.add(nb201.format(nb201.sample(rng)));
  return [...seen];
}

/** Times tiny jobs one after another through one worker; the first WARMUP_JOBS are not kept. */
async function roundTrips(
  redis: string,
  name: string,
  cells: readonly string[],
  seed: number,
): Promise<{ total: number; work: number }[]> {
  const connection = bullConnection(redis);
  const [worker] = await startWorkers(redis, name, 1);
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  try {
    await events.waitUntilReady();
    const out: { total: number; work: number }[] = [];
    for (const [i, cell] of cells.entries()) {
      const job: ProxyChunkJob = {
        ...JOB_HEADER,
        kind: 'proxy-chunk',
        space: 'nb201',
        dataset: 'mnist',
        proxies: ['params'],
        archs: [cell],
        seed,
      };
      const start = performance.now();
      const added = await queue.add(job.kind, job, { jobId: jobId(job), attempts: 1 });
      const wire: unknown = await added.waitUntilFinished(events);
      const total = performance.now() - start;
      const { scores } = fromWire(wire) as ProxyChunkResult;
      const work = (scores.params?.[0]?.seconds ?? 0) * 1000;
      if (i >= WARMUP_JOBS) out.push({ total, work });
    }
    return out;
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
    await stopWorkers([worker!]);
    await removeQueue(redis, name);
  }
}

async function startWorkers(redis: string, queue: string, count: number): Promise<RunningWorker[]> {
  const workers: RunningWorker[] = [];
  try {
    for (let i = 0; i < count; i++) {
      workers.push(await startWorker({ redis, queue, concurrency: 1, threads: 1, log: () => undefined }));
    }
  } catch (err) {
    await stopWorkers(workers);
    throw err;
  }
  return workers;
}

async function stopWorkers(workers: readonly RunningWorker[]): Promise<void> {
  for (const w of workers) w.stop();
  await Promise.all(workers.map((w) => w.closed));
}

/** Removes the bench's queue and its jobs from Redis. */
async function removeQueue(redis: string, name: string): Promise<void> {
  const queue = new Queue(name, { connection: bullConnection(redis) });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)] ?? Number.NaN;
  return { median: median(sorted), p90 };
}

export interface QueueBenchFlags {
  redis: string;
  jobs?: number;
  archs?: number;
  proxies?: string;
  dataset?: string;
  chunk?: number;
  seed?: number;
  json?: boolean;
}

/** Run the bench and return what the command prints. */
export async function runQueueBench(flags: QueueBenchFlags): Promise<string> {
  const result = await benchQueue({
    redis: flags.redis,
    ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
    ...(flags.archs !== undefined ? { archs: flags.archs } : {}),
    ...(flags.proxies !== undefined ? { proxies: flags.proxies.split(',').map((p) => p.trim()) } : {}),
    ...(flags.dataset !== undefined ? { dataset: flags.dataset } : {}),
    ...(flags.chunk !== undefined ? { chunk: flags.chunk } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    log: (m) => process.stderr.write(`naskit bench queue: ${m}\n`),
  });
  const ms = (s: Spread) => `median ${s.median.toFixed(2)} ms, p90 ${s.p90.toFixed(2)} ms`;
  const rate = (x: number) => `${x.toFixed(2)} archs/s`;
  return benchOutput(result, flags.json, (r) => [
    `queue round trip   ${ms(r.round_trip_ms)} over ${r.jobs} one-cell params jobs (target: median ≤ 5 ms)`,
    `  queue overhead   ${ms(r.overhead_ms)} (round trip minus the worker's scoring time)`,
    `proxy scoring      ${r.proxies.join(',')} on ${r.archs} NB201 cells (${r.dataset}), 1 ORT thread each; jobs of ${r.chunk} cells`,
    `  in process, 1 thread          ${rate(r.archs_per_s.in_process_1_thread)}`,
    `  in process, 2 worker threads  ${rate(r.archs_per_s.in_process_2_threads)}`,
    `  queue, 1 worker               ${rate(r.archs_per_s.queue_1_worker)}`,
    `  queue, 2 workers              ${rate(r.archs_per_s.queue_2_workers)}`,
  ]);
}
