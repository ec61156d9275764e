/**
 * The epsinas score of two output vectors (epsinas `compute_epsinas`): rescale each vector to [0, 1]
 * with its own min and max (in float32, as numpy does on float32 outputs; NaN entries ignored as
 * nanmin/nanmax do), mark exact zeros (each vector's minimum and its ties) as missing, then
 *   eps = mean_i |a_i - b_i| / mean(all finite entries of a and b)
 * where the first mean runs over positions where both are present. A constant vector (max = min)
 * rescales to 0/0 = NaN everywhere, so the score is NaN, exactly as in the paper.
 */
export type Precision = 'float32' | 'float64';

/** Per-vector min-max rescaling in the outputs' precision, with exact zeros turned into NaN. */
export function rescaleMasked(values: ArrayLike<number>, precision: Precision = 'float32'): Float64Array {
  const f32 = precision === 'float32' ? Math.fround : (x: number) => x;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float64Array(values.length);
  const range = f32(hi - lo);
  for (let i = 0; i < values.length; i++) {
    const r = f32(f32(values[i]! - lo) / range);
    out[i] = r === 0 ? Number.NaN : r;
  }
  return out;
}

/** epsilon(a, b) for the outputs of the low- and the high-constant network on the same batch. */
export function epsilonScore(
  low: ArrayLike<number>,
  high: ArrayLike<number>,
  precision: Precision = 'float32',
): number {
  const a = rescaleMasked(low, precision);
  const b = rescaleMasked(high, precision);
  let diffSum = 0;
  let diffCount = 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!Number.isNaN(x)) {
      sum += x;
      count++;
    }
    if (!Number.isNaN(y)) {
      sum += y;
      count++;
    }
    if (!Number.isNaN(x) && !Number.isNaN(y)) {
      diffSum += Math.abs(x - y);
      diffCount++;
    }
  }
  if (diffCount === 0 || count === 0) return Number.NaN;
  return diffSum / diffCount / (sum / count);
}
