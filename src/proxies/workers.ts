/**
 * Scoring on worker threads. ONNX Runtime's Node binding creates and runs a session synchronously on
 * the calling JS thread, so architectures "in flight" on one thread take turns on one core. Each
 * worker rebuilds the proxy context from its `spawn` options and scores a fixed shard of the
 * architectures with every requested proxy (so sibling proxies still share one run per architecture);
 * scores stream back as they finish, and the main thread alone writes the cache.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NaskitError, type ErrorCode } from '../util/errors.js';
import type { ProxyContext, ProxyDefinition, ProxyValue, SpawnOptions } from './proxy.js';

/** What a worker is given. */
export interface WorkerTask {
  spawn: SpawnOptions;
  proxies: string[];
  /** Architectures of the shard, in the space's text form. */
  archs: string[];
  /** Per proxy, keys of the shard whose score is already known (cache hits). */
  known: Record<string, string[]>;
}

/** What a worker posts: one score, or the error that stopped it. */
export type WorkerMessage =
  { proxy: string; key: string; value: ProxyValue } | { error: { code: ErrorCode; message: string } };

/** Fewer architectures than this per worker are scored on the calling thread (start-up costs ~0.5 s). */
export const MIN_ARCHS_PER_WORKER = 4;

/** The worker module: the compiled .js, or the .ts source with the test transpile hooks (vitest). */
function workerEntry(): { url: URL; execArgv: string[] } {
  const js = new URL('./score-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  const hooks = new URL('../../test/helpers/ts-register.mjs', import.meta.url);
  return {
    url: new URL('./score-worker.ts', import.meta.url),
    execArgv: ['--import', fileURLToPath(hooks)],
  };
}

export interface WorkerRunOptions {
  context: ProxyContext & { spawn: SpawnOptions };
  proxies: readonly ProxyDefinition[];
  archs: readonly unknown[];
  /** Indices (into `archs`) that still miss at least one proxy's score, cells sharing a program together. */
  todo: readonly number[];
  /** Whether proxy `name` already has a score for archs[i]. */
  known(name: string, i: number): boolean;
  workers: number;
  /** Called once per new score, for every index whose architecture has that key. */
  onScore(proxy: string, index: number, value: ProxyValue): void;
}

/** Score `todo` on `workers` threads (contiguous shares); resolves when every worker has finished. */
export async function scoreOnWorkers(options: WorkerRunOptions): Promise<void> {
  const { context, proxies, archs, todo } = options;
  const space = context.space;
  const byKey = new Map<string, number[]>();
  todo.forEach((i) => {
    const key = space.key(archs[i]);
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  // Contiguous shares: `todo` comes sorted so that cells sharing a program sit together.
  const per = Math.ceil(todo.length / options.workers);
  const shards = Array.from({ length: options.workers }, (_, w) => todo.slice(w * per, (w + 1) * per));
  const entry = workerEntry();
  await Promise.all(
    shards
      .filter((shard) => shard.length > 0)
      .map((shard) => {
        const task: WorkerTask = {
          spawn: context.spawn,
          proxies: proxies.map((p) => p.name),
          archs: shard.map((i) => space.format(archs[i])),
          known: Object.fromEntries(
            proxies.map((p) => [
              p.name,
              shard.filter((i) => options.known(p.name, i)).map((i) => space.key(archs[i])),
            ]),
          ),
        };
        return new Promise<void>((resolve, reject) => {
          const worker = new Worker(entry.url, { workerData: task, execArgv: entry.execArgv });
          let failed: NaskitError | null = null;
          worker.on('message', (message: WorkerMessage) => {
            if ('error' in message) {
              failed = new NaskitError(message.error.code, message.error.message);
              return;
            }
            for (const i of byKey.get(message.key) ?? []) options.onScore(message.proxy, i, message.value);
          });
          worker.on('error', (err) => {
            failed ??= new NaskitError('runtime_failure', `proxy worker failed: ${err.message}`, {
              cause: err,
            });
          });
          worker.on('exit', (code) => {
            if (failed) reject(failed);
            else if (code !== 0)
              reject(new NaskitError('runtime_failure', `proxy worker exited with code ${code}`));
            else resolve();
          });
        });
      }),
  );
}
