/**
 * Scoring on worker threads. ONNX Runtime's Node binding creates and runs a session synchronously on
 * the calling JS thread, so architectures "in flight" on one thread take turns on one core. Each
 * worker rebuilds the proxy context from its `spawn` options once, then pulls chunks of architectures
 * from a shared queue and scores each with every requested proxy (so sibling proxies still share one
 * run per architecture). Pulling balances the load: costs differ a lot between cells (a cell with
 * many convolutions takes several times longer than one with none), so fixed equal shares left one
 * core idle for the last part of long runs. Scores stream back as they finish, and the main thread
 * alone writes the cache.
 */
import { Worker } from 'node:worker_threads';
import type { ProgramSharing } from '../spaces/proxy-hooks.js';
import { NaskitError, type ErrorCode } from '../util/errors.js';
import { threadModule } from '../util/thread-module.js';
import type { ProxyContext, ProxyDefinition, ProxyValue, SpawnOptions } from './proxy.js';

/** What a worker is started with. */
export interface WorkerSetup {
  spawn: SpawnOptions;
  proxies: string[];
  /** The calling context's program sharing (its session setting), for the worker's own session. */
  programs: ProgramSharing;
}

/** One chunk of the queue, sent to a worker that asked for work. */
export interface WorkerChunk {
  /** Architectures in the space's text form. */
  archs: string[];
  /** Per proxy, keys of the chunk whose score is already known (cache hits). */
  known: Record<string, string[]>;
}

/** What a worker posts: one score, a request for the next chunk, or the error that stopped it. */
export type WorkerMessage =
  | { proxy: string; key: string; value: ProxyValue }
  | { ready: true }
  | { error: { code: ErrorCode; message: string } };

/** Fewer architectures than this per worker are scored on the calling thread (start-up costs ~0.5 s). */
export const MIN_ARCHS_PER_WORKER = 4;

/** Largest chunk: small enough that the last chunks of a run finish close together. */
const MAX_CHUNK = 256;

/**
 * Split `todo` (sorted so that cells sharing a compiled program sit together) into chunks of about
 * `size`, cutting only where the program group changes, so no group's program is compiled twice.
 */
export function chunkByGroup<T>(todo: readonly T[], groupOf: (item: T) => string, size: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let group: string | undefined;
  for (const item of todo) {
    const g = groupOf(item);
    if (current.length >= size && g !== group) {
      chunks.push(current);
      current = [];
    }
    current.push(item);
    group = g;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Chunk size for `n` architectures on `workers` threads: about a dozen chunks per worker. */
export function chunkSize(n: number, workers: number): number {
  return Math.min(MAX_CHUNK, Math.max(MIN_ARCHS_PER_WORKER, Math.ceil(n / (workers * 12))));
}

export interface WorkerRunOptions {
  context: ProxyContext & { spawn: SpawnOptions };
  proxies: readonly ProxyDefinition[];
  archs: readonly unknown[];
  /** Indices (into `archs`) that still miss at least one proxy's score, cells sharing a program together. */
  todo: readonly number[];
  /** The compiled program an architecture's scores come from (chunks never split one). */
  groupOf(i: number): string;
  /** Whether proxy `name` already has a score for archs[i]. */
  known(name: string, i: number): boolean;
  workers: number;
  /** Called once per new score, for every index whose architecture has that key. */
  onScore(proxy: string, index: number, value: ProxyValue): void;
}

/** Score `todo` on `workers` threads pulling from one queue; resolves when the queue is empty. */
export async function scoreOnWorkers(options: WorkerRunOptions): Promise<void> {
  const { context, proxies, archs, todo } = options;
  const space = context.space;
  const byKey = new Map<string, number[]>();
  todo.forEach((i) => {
    const key = space.key(archs[i]);
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  const queue = chunkByGroup(todo, options.groupOf, chunkSize(todo.length, options.workers));
  const names = proxies.map((p) => p.name);
  const setup: WorkerSetup = { spawn: context.spawn, proxies: names, programs: context.session.programs };
  const entry = threadModule(import.meta.url, 'score-worker');
  // The first error stops the hand-out; chunks already running finish, so their scores are kept.
  let failed: NaskitError | null = null;
  const next = (): WorkerChunk | null => {
    const chunk = failed ? undefined : queue.shift();
    if (!chunk) return null;
    return {
      archs: chunk.map((i) => space.format(archs[i])),
      known: Object.fromEntries(
        names.map((name) => [
          name,
          chunk.filter((i) => options.known(name, i)).map((i) => space.key(archs[i])),
        ]),
      ),
    };
  };
  const count = Math.min(options.workers, queue.length);
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const worker = new Worker(entry.url, { workerData: setup, execArgv: entry.execArgv });
          worker.on('message', (message: WorkerMessage) => {
            if ('error' in message) {
              failed ??= new NaskitError(message.error.code, message.error.message);
              worker.postMessage(null);
            } else if ('ready' in message) {
              worker.postMessage(next());
            } else {
              for (const i of byKey.get(message.key) ?? []) options.onScore(message.proxy, i, message.value);
            }
          });
          worker.on('error', (err) => {
            failed ??= new NaskitError('runtime_failure', `proxy worker failed: ${err.message}`, {
              cause: err,
            });
          });
          worker.on('exit', (code) => {
            if (code !== 0)
              failed ??= new NaskitError('runtime_failure', `proxy worker exited with code ${code}`);
            resolve();
          });
        }),
    ),
  );
  if (failed) throw failed;
}
