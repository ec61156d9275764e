/**
 * Proxy warm start (the "warmup" of Abdelfattah et al. 2021, as epsinas' Integration notebook runs it):
 * before a search spends any query, draw `pool` architectures uniformly (with replacement) and score them
 * with a zero-cost proxy; the strategy receives the distinct ones ranked best first. Random search queries
 * them in that order, regularized evolution takes its initial population from the top, local search its
 * starts. Scoring costs no queries, so warm and plain searches compare at equal query budgets. A failed
 * score (NaN) ranks last, as epsinas sets NaN to the worst value.
 */
import type { SearchSpace } from '../spaces/space.js';
import type { Rng } from '../util/rng.js';

/** A zero-cost proxy as the search sees it: higher = better, null = failed. */
export interface ProxyRanking<A> {
  name: string;
  score(archs: readonly A[]): Promise<(number | null)[]>;
}

/** Architectures drawn and scored before the search, as in epsinas' Integration notebook. */
export const DEFAULT_WARM_POOL = 3000;

export interface WarmStartOptions<A> {
  ranking: ProxyRanking<A>;
  /** Architectures drawn and scored before the search (DEFAULT_WARM_POOL unless the user says). */
  pool: number;
}

export interface WarmStartInfo {
  proxy: string;
  pool: number;
  /** Distinct architectures among the draws. */
  distinct: number;
  /** Of those, how many the proxy failed on. */
  failures: number;
}

/** The pool's distinct architectures, best proxy score first (ties and failures keep draw order). */
export async function rankedWarmPool<A>(
  space: SearchSpace<A>,
  options: WarmStartOptions<A>,
  rng: Rng,
): Promise<{ archs: A[]; info: WarmStartInfo }> {
  const seen = new Set<string>();
  const distinct: A[] = [];
  for (let i = 0; i < options.pool; i++) {
    const arch = space.sample(rng);
    const key = space.key(arch);
    if (seen.has(key)) continue;
    seen.add(key);
    distinct.push(arch);
  }
  const scores = await options.ranking.score(distinct);
  const order = distinct.map((_, i) => i);
  const value = (i: number): number => scores[i] ?? -Infinity;
  order.sort((a, b) => value(b) - value(a) || a - b);
  return {
    archs: order.map((i) => distinct[i]!),
    info: {
      proxy: options.ranking.name,
      pool: options.pool,
      distinct: distinct.length,
      failures: scores.filter((s) => s === null).length,
    },
  };
}
