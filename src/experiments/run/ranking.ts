/**
 * How the scored architectures are ranked to pick the top k for short training.
 * - 'first': by the first proxy alone; architectures it cannot score (NaN) rank last.
 * - 'combined' (default): each proxy's score becomes a quantile in (0, 1) among the architectures that
 *   proxy could score (ties share the mean rank, higher = better), and an architecture's rank score is
 *   the mean quantile over the proxies. Where a proxy has no score (epsilon's NaN on cells with no
 *   parameter-free input→output path — 40% of NB201, many of them deep, good cells) the quantile is
 *   the neutral 0.5: the cell is ranked by the other proxies instead of dropped, but cannot outrank
 *   cells that both proxies rate highly. An architecture no proxy could score ranks last.
 *
 * Why epsilon combined with `params` by default: measured on 24 random NB201 cells (C=8, 1 cell per
 * stage, Fashion-MNIST, the run's short-training recipe on 14,336 images, validation on 2,000),
 * Spearman ρ with validation accuracy: epsilon 0.66 over the 15 cells it scores but 0.16 over all 24
 * with NaN ranked last; params 0.59, flops 0.59, jacov 0.59, synflow 0.57, epsilon-robust 0.54,
 * nwot 0.51, zen 0.31 over all 24; epsilon + params combined as here 0.70 over all 24 (0.65 when a
 * missing score is simply left out of the mean — then the largest cells without an epsilon score took
 * every top-k place in a full run, and epsilon played no part). Twenty-four cells is a small sample
 * (the differences between the proxies are within its noise), but params costs nothing and is the only
 * way here to rank the cells epsilon leaves unscored.
 */
import { averageRanks } from '../../stats/rank.js';
import type { ScoredRecord } from './search-phase.js';

export const RANK_MODES = ['combined', 'first'] as const;
export type RankMode = (typeof RANK_MODES)[number];

/** The quantile a proxy's missing score counts as in the combined rank: no information, the middle. */
export const MISSING_QUANTILE = 0.5;

export interface RankingProxy {
  name: string;
  direction: 'max' | 'min';
}

/** Quantile in (0, 1) of each architecture's finite score among the finite scores of one proxy. */
export function proxyQuantiles(scored: readonly ScoredRecord[], proxy: RankingProxy): Map<string, number> {
  const sign = proxy.direction === 'max' ? 1 : -1;
  const finite = scored.filter((r) => Number.isFinite(r.scores[proxy.name] ?? Number.NaN));
  const r = averageRanks(finite.map((x) => sign * x.scores[proxy.name]!));
  return new Map(finite.map((x, i) => [x.arch, (r[i]! - 0.5) / finite.length]));
}

/** The rank score of every architecture (higher = better; null when no proxy could score it). */
export function rankScores(
  scored: readonly ScoredRecord[],
  proxies: readonly RankingProxy[],
  mode: RankMode,
): Map<string, number | null> {
  const used = mode === 'first' ? proxies.slice(0, 1) : proxies;
  const quantiles = used.map((p) => proxyQuantiles(scored, p));
  return new Map(
    scored.map((r) => {
      const qs = quantiles.map((q) => q.get(r.arch));
      if (qs.every((q) => q === undefined)) return [r.arch, null];
      return [r.arch, qs.reduce((sum: number, q) => sum + (q ?? MISSING_QUANTILE), 0) / qs.length];
    }),
  );
}

/** The k best by rank score; unscored last, ties to the earlier sample, so the order is a pure function of the records. */
export function topK(
  scored: readonly ScoredRecord[],
  proxies: readonly RankingProxy[],
  mode: RankMode,
  k: number,
): ScoredRecord[] {
  const score = rankScores(scored, proxies, mode);
  return [...scored]
    .sort((a, b) => {
      const x = score.get(a.arch) ?? null;
      const y = score.get(b.arch) ?? null;
      if (x === null || y === null) return x === null && y === null ? a.index - b.index : x === null ? 1 : -1;
      return y - x || a.index - b.index;
    })
    .slice(0, k);
}
