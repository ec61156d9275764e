/**
 * How well a proxy ranks architectures: rank correlations of its scores (higher = better) with the
 * benchmark accuracy. A failed score (null) counts as the worst score — all failures tie below every
 * finite score — because a search that uses the proxy has to place those architectures somewhere;
 * `spearman_finite` is the published-paper view that drops them instead.
 */
import { kendall, spearman } from '../predictors/metrics.js';
import { NaskitError } from '../util/errors.js';

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

/** Replace failures by one value below every finite score. */
export function failuresAsWorst(scores: readonly (number | null)[]): Float64Array {
  let min = Infinity;
  for (const s of scores) if (s !== null && s < min) min = s;
  const floor = Number.isFinite(min) ? min - Math.max(1, Math.abs(min)) : 0;
  return Float64Array.from(scores, (s) => (s === null ? floor : s));
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
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
  const oriented = failuresAsWorst(scores);
  const acc = Float64Array.from({ length: n }, (_, i) => accuracy[i]!);
  const finite = scores.flatMap((s, i) => (s === null ? [] : [i]));
  const cut = topFraction(acc, 0.1);
  const top = Array.from({ length: n }, (_, i) => i).filter((i) => acc[i]! >= cut);
  const pick = (xs: ArrayLike<number>, idx: readonly number[]) => Float64Array.from(idx, (i) => xs[i]!);
  return {
    spearman: spearman(oriented, acc),
    kendall: kendall(oriented, acc),
    spearman_finite: finite.length >= 2 ? spearman(pick(oriented, finite), pick(acc, finite)) : Number.NaN,
    top10_kendall: top.length >= 2 ? kendall(pick(oriented, top), pick(acc, top)) : Number.NaN,
    nan_rate: n === 0 ? Number.NaN : (n - finite.length) / n,
    sec_per_arch: median(seconds),
  };
}

/** The accuracy at the (1 - fraction) quantile: the smallest accuracy of the top `fraction`. */
function topFraction(acc: Float64Array, fraction: number): number {
  const sorted = Float64Array.from(acc).sort();
  const k = Math.max(1, Math.round(sorted.length * fraction));
  return sorted[sorted.length - k] ?? Number.NaN;
}
