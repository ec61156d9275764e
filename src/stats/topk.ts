/** Top-k agreement: how many of the truly best architectures a score places among its own best. */
import { NaskitError } from '../util/errors.js';
import { kendall, type CorrelationOptions } from './correlation.js';
import { finitePairs, type NonFiniteOptions } from './non-finite.js';

/**
 * Fraction of the true top `fraction` of architectures that the predictor places in its own top
 * `fraction` (e.g. 0.01 = "is the true top-1% in the predicted top-1%").
 */
export function topKRecall(
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
  fraction: number,
  options: NonFiniteOptions,
): number {
  const { x, y } = finitePairs(predicted, truth, 'topKRecall', options);
  if (!(fraction > 0 && fraction <= 1)) {
    throw new NaskitError('invalid_argument', `topKRecall: fraction must be in (0, 1], got ${fraction}`);
  }
  const n = y.length;
  const k = Math.max(1, Math.round(n * fraction));
  const top = (xs: ArrayLike<number>) =>
    new Set(
      Array.from({ length: n }, (_, i) => i)
        .sort((i, j) => xs[j]! - xs[i]!)
        .slice(0, k),
    );
  const want = top(y);
  let hit = 0;
  for (const i of top(x)) if (want.has(i)) hit++;
  return hit / k;
}

/**
 * Kendall τ-b within the true top `fraction` (every item whose truth reaches the top fraction's
 * smallest truth, so ties at the cut are all in): how well a score orders the good architectures, the
 * ones a search has to tell apart. The policy applies to `predicted` within that top part; every truth
 * must be finite.
 */
export function topKendall(
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
  fraction: number,
  options: CorrelationOptions,
): number {
  if (!(fraction > 0 && fraction <= 1)) {
    throw new NaskitError('invalid_argument', `topKendall: fraction must be in (0, 1], got ${fraction}`);
  }
  const acc = Float64Array.from({ length: truth.length }, (_, i) => truth[i]!);
  if (!acc.every(Number.isFinite)) {
    throw new NaskitError('non_finite', 'topKendall: every truth value must be finite');
  }
  const cut = topCutoff(acc, fraction);
  const top = Array.from({ length: acc.length }, (_, i) => i).filter((i) => acc[i]! >= cut);
  const pick = (xs: ArrayLike<number>) => Float64Array.from(top, (i) => xs[i]!);
  return kendall(pick(predicted), pick(acc), options);
}

/** The smallest value of the top `fraction` (at least one value); NaN for an empty list. */
function topCutoff(values: Float64Array, fraction: number): number {
  const sorted = Float64Array.from(values).sort();
  const k = Math.max(1, Math.round(sorted.length * fraction));
  return sorted[sorted.length - k] ?? Number.NaN;
}
