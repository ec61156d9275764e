/**
 * Rank correlations for run reports, over the pairs where both values are finite (an architecture a
 * proxy could not score has no place in "how well does the proxy rank"). The statistics themselves
 * are the predictors' (src/predictors/metrics.ts): ties get average ranks, Spearman's ρ is Pearson's
 * correlation of the ranks and Kendall's τ is τ-b. Sign convention: both inputs as given, so with
 * "higher score = better" and accuracy, positive means the proxy ranks like the accuracy does.
 */
import { averageRanks, kendall as kendallTau, spearman as spearmanRho } from '../../predictors/metrics.js';

/** Average ranks (1-based), ties sharing the mean rank. */
export function ranks(values: readonly number[]): number[] {
  return Array.from(averageRanks(values));
}

/** Spearman's ρ over the pairs where both values are finite; NaN with fewer than 3 pairs or a constant side. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const { x, y } = finitePairs(a, b);
  return x.length < 3 ? Number.NaN : spearmanRho(x, y);
}

/** Kendall's τ-b over the pairs where both values are finite; NaN with fewer than 3 pairs. */
export function kendall(a: readonly number[], b: readonly number[]): number {
  const { x, y } = finitePairs(a, b);
  return x.length < 3 ? Number.NaN : kendallTau(x, y);
}

function finitePairs(a: readonly number[], b: readonly number[]): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) {
      x.push(a[i]!);
      y.push(b[i]!);
    }
  }
  return { x, y };
}
