/**
 * How well a proxy ranks architectures: rank correlations of its scores (higher = better) with the
 * benchmark accuracy. A failed score (null) counts as the worst score — all failures tie below every
 * finite score — because a search that uses the proxy has to place those architectures somewhere;
 * `spearman_finite` is the published-paper view that drops them instead.
 */
import { kendall, spearman } from '../../stats/correlation.js';
import { median } from '../../stats/summary.js';
import { topKendall } from '../../stats/topk.js';
import { NaskitError } from '../../util/errors.js';

export interface ProxyStats {
  /** Spearman ρ over all architectures, failures as the worst score. */
  spearman: number;
  /** Kendall τ-b over all architectures, failures as the worst score. */
  kendall: number;
  /** Spearman ρ over the architectures with a finite score only. */
  spearman_finite: number;
  /** Kendall τ-b within the top 10% of architectures by accuracy (failures as the worst score). */
  top10_kendall: number;
  /** Fraction of architectures whose score failed (NaN/Inf/error), in [0, 1]. */
  nan_rate: number;
  /** Median wall-clock seconds per architecture. */
  sec_per_arch: number;
  /** Spearman ρ between these scores and a published run of the same proxy (when the table has one). */
  reference_spearman?: number;
}

export function proxyStats(
  scores: readonly (number | null)[],
  accuracy: ArrayLike<number>,
  seconds: readonly number[] = [],
): ProxyStats {
  if (scores.length !== accuracy.length) {
    throw new NaskitError(
      'shape_mismatch',
      `proxy stats: ${scores.length} scores for ${accuracy.length} accuracies; pass one of each per architecture`,
    );
  }
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(accuracy[i]!) || (scores[i] !== null && !Number.isFinite(scores[i]!))) {
      throw new NaskitError(
        'non_finite',
        `proxy stats: architecture ${i} has score ${scores[i]} and accuracy ${accuracy[i]}; a failed score is null and every accuracy is finite`,
      );
    }
  }
  // From here on a failure is the only non-finite value.
  const values = Float64Array.from(scores, (s) => s ?? Number.NaN);
  const acc = Float64Array.from({ length: n }, (_, i) => accuracy[i]!);
  const failed = scores.filter((s) => s === null).length;
  const worst = { nonFinite: 'worst' } as const;
  return {
    spearman: spearman(values, acc, worst),
    kendall: kendall(values, acc, worst),
    spearman_finite: spearman(values, acc, { nonFinite: 'drop' }),
    top10_kendall: topKendall(values, acc, 0.1, worst),
    nan_rate: n === 0 ? Number.NaN : failed / n,
    sec_per_arch: median(seconds),
  };
}
