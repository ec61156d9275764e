/**
 * Measurement noise of a mean over per-item values (e.g. a validation loss over images): the standard
 * error of one mean, and of the gap between two means measured on the same items, where the paired
 * form cancels what the items share and so tells whether two models really differ.
 */

/** Standard error of the mean of `xs` (sample standard deviation / √n); NaN below two values. */
export function standardError(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i]! - mean) ** 2;
  return Math.sqrt(ss / (n - 1) / n);
}

/** Standard error of mean(a) − mean(b) for values paired item by item. */
export function pairedStandardError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new Error(`paired values need equal lengths, got ${a.length} and ${b.length}`);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = a[i]! - b[i]!;
  return standardError(d);
}
