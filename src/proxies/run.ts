/**
 * Score many architectures with several proxies, skipping what a cache already holds and writing every
 * new score to it as soon as it is known.
 */
import type { AnySpace } from '../spaces/space.js';
import type { ScoreCache } from './cache.js';
import type { ProxyContext, ProxyDefinition, ProxyScorer, ProxyValue } from './proxy.js';
import { requireSpace } from './proxy.js';
import { MIN_ARCHS_PER_WORKER, scoreOnWorkers } from './workers.js';
import { programGroup } from './net/network.js';

/** Indices sorted so that architectures sharing a compiled program come one after another. */
function byProgram(context: ProxyContext, archs: readonly unknown[], indices: number[]): number[] {
  const group = new Map(
    indices.map((i) => [i, programGroup(context.space, context.session.programs, archs[i])]),
  );
  return indices.sort((a, b) =>
    group.get(a)! < group.get(b)! ? -1 : group.get(a)! > group.get(b)! ? 1 : a - b,
  );
}

export interface ScoreProgress {
  proxy: string;
  done: number;
  total: number;
}

export interface ScoreRunOptions {
  context: ProxyContext;
  proxies: readonly ProxyDefinition[];
  archs: readonly unknown[];
  cache?: Pick<ScoreCache, 'get' | 'put' | 'flush'>;
  onProgress?: (progress: ScoreProgress) => void;
  /** Architectures handed to a scorer at once (bounded so the cache fills as the run goes). */
  chunk?: number;
  /**
   * Scorers kept across calls (a worker's chunks keep their compiled programs): created on first use
   * and left for the owner to release. Without it each call releases its scorers.
   */
  scorers?: Map<string, ProxyScorer>;
}

/**
 * What scores architectures for a command: `scoreArchitectures` in this process, or the same work sent
 * elsewhere (`naskit proxies ... --redis` sends chunks to naskit workers). Same options, same answer.
 */
export type ArchScorer = (options: ScoreRunOptions) => Promise<Map<string, ProxyValue[]>>;

/** Scores per proxy name, one entry per architecture (in `archs` order). */
export async function scoreArchitectures(options: ScoreRunOptions): Promise<Map<string, ProxyValue[]>> {
  const { context, proxies, archs, cache } = options;
  const space: AnySpace = context.space;
  for (const proxy of proxies) requireSpace(proxy, space);
  // Proxies sharing a run (grasp with snip, fisher, ...) then get computed by whichever runs first.
  context.session.expect(proxies.map((p) => p.name));
  const keys = archs.map((a) => space.key(a));
  if ((context.workers ?? 1) > 1 && context.spawn) return scoreWithWorkers(options, keys);
  const out = new Map<string, ProxyValue[]>();
  for (const proxy of proxies) {
    const values = new Array<ProxyValue>(archs.length);
    const todo: number[] = [];
    keys.forEach((key, i) => {
      const hit = cache?.get(proxy.name, key);
      if (hit) values[i] = hit;
      else todo.push(i);
    });
    byProgram(context, archs, todo);
    let done = archs.length - todo.length;
    options.onProgress?.({ proxy: proxy.name, done, total: archs.length });
    if (todo.length > 0) {
      const kept = options.scorers;
      const scorer = kept?.get(proxy.name) ?? (await proxy.create(context));
      kept?.set(proxy.name, scorer);
      try {
        const chunk = options.chunk ?? 256;
        for (let start = 0; start < todo.length; start += chunk) {
          const part = todo.slice(start, start + chunk);
          await scorer.score(
            part.map((i) => archs[i]),
            (j, value) => {
              const i = part[j]!;
              values[i] = value;
              cache?.put(proxy.name, keys[i]!, value);
              done++;
              options.onProgress?.({ proxy: proxy.name, done, total: archs.length });
            },
          );
        }
      } finally {
        cache?.flush();
        if (!kept) await scorer.release();
      }
    }
    out.set(proxy.name, values);
  }
  return out;
}

/** scoreArchitectures spread over worker threads (see workers.ts); same results, same cache writes. */
async function scoreWithWorkers(
  options: ScoreRunOptions,
  keys: readonly string[],
): Promise<Map<string, ProxyValue[]>> {
  const { context, proxies, archs, cache } = options;
  const out = new Map(proxies.map((p) => [p.name, new Array<ProxyValue>(archs.length)]));
  const done = new Map(proxies.map((p) => [p.name, 0]));
  const todo: number[] = [];
  keys.forEach((key, i) => {
    let missing = false;
    for (const proxy of proxies) {
      const hit = cache?.get(proxy.name, key);
      if (hit) {
        out.get(proxy.name)![i] = hit;
        done.set(proxy.name, done.get(proxy.name)! + 1);
      } else missing = true;
    }
    if (missing) todo.push(i);
  });
  // Workers only pay off for enough uncached architectures (each starts in ~0.5 s).
  const workers = Math.min(context.workers ?? 1, Math.floor(todo.length / MIN_ARCHS_PER_WORKER));
  if (workers <= 1) return scoreArchitectures({ ...options, context: { ...context, workers: 1 } });
  byProgram(context, archs, todo);
  for (const proxy of proxies) {
    options.onProgress?.({ proxy: proxy.name, done: done.get(proxy.name)!, total: archs.length });
  }
  try {
    await scoreOnWorkers({
      context: { ...context, spawn: context.spawn! },
      proxies,
      archs,
      todo,
      workers,
      groupOf: (i) => programGroup(context.space, context.session.programs, archs[i]),
      known: (name, i) => out.get(name)![i] !== undefined,
      onScore(proxy, i, value) {
        const values = out.get(proxy)!;
        if (values[i] !== undefined) return;
        values[i] = value;
        cache?.put(proxy, keys[i]!, value);
        done.set(proxy, done.get(proxy)! + 1);
        options.onProgress?.({ proxy, done: done.get(proxy)!, total: archs.length });
      },
    });
  } finally {
    cache?.flush();
  }
  return out;
}
