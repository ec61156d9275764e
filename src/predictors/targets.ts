/**
 * Target transforms for training on a setting's metric. Benchmark metrics are heavy-tailed (a few
 * broken NB201 cells sit at 10% accuracy next to thousands at 85–94%), so a z-score is dominated by
 * the outliers and squeezes the architectures that matter together. The rank transform maps every
 * value to the normal quantile of its position among reference values (van der Waerden scores), so
 * only the order counts, which is also all that Spearman and Kendall look at.
 */
import { NaskitError } from '../util/errors.js';
import { standardizer } from './train.js';

export const TARGET_TRANSFORMS = ['zscore', 'rank'] as const;
export type TargetTransform = (typeof TARGET_TRANSFORMS)[number];

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1))
    throw new NaskitError('invalid_argument', `normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Transform every entry of `values` using statistics of `reference` (e.g. the support set): z-score
 * by the reference mean and std, or the normal score of each value's mid-rank position among the
 * reference values, p = (below + (equal + 1) / 2) / (n + 1).
 */
export function transformTargets(
  kind: TargetTransform,
  values: ArrayLike<number>,
  reference: ArrayLike<number>,
): Float32Array {
  const n = reference.length;
  if (n === 0) throw new NaskitError('invalid_argument', 'transformTargets: the reference set is empty');
  if (kind === 'zscore') {
    const s = standardizer(reference);
    return Float32Array.from({ length: values.length }, (_, i) => (values[i]! - s.mean) / s.std);
  }
  if (kind !== 'rank') {
    throw new NaskitError(
      'invalid_config',
      `unknown target transform '${String(kind)}'; use ${TARGET_TRANSFORMS.join(', ')}`,
    );
  }
  const sorted = Float64Array.from(reference).sort();
  const lowerBound = (x: number, strict: boolean) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? sorted[mid]! < x : sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return Float32Array.from({ length: values.length }, (_, i) => {
    const v = values[i]!;
    const below = lowerBound(v, true);
    const equal = lowerBound(v, false) - below;
    return normalQuantile((below + (equal + 1) / 2) / (n + 1));
  });
}
