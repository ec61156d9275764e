/** Top-k agreement: how many of the truly best architectures a score places among its own best. */
import { NaskitError } from '../util/errors.js';
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
