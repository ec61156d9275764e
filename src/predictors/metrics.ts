/**
 * Rank correlations between predicted and true scores (higher = better architecture on both sides):
 * Spearman ρ (Pearson correlation of average ranks, so ties are handled as scipy does) and Kendall τ-b
 * (tie-corrected, O(n log n) via Knight's merge-sort algorithm, as scipy.stats.kendalltau), plus the
 * top-k recall used to judge predictors for search.
 */
import { NaskitError } from '../util/errors.js';

type Numbers = ArrayLike<number>;

function checkPair(a: Numbers, b: Numbers, what: string): void {
  if (a.length !== b.length) {
    throw new NaskitError(
      'shape_mismatch',
      `${what}: the two score lists have ${a.length} and ${b.length} entries; pass one score per architecture on both sides`,
    );
  }
  for (const [name, xs] of [
    ['first', a],
    ['second', b],
  ] as const) {
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]!)) {
        throw new NaskitError(
          'non_finite',
          `${what}: entry ${i} of the ${name} list is ${xs[i]}; drop it or fix the scores`,
        );
      }
    }
  }
}

/** Average ranks (1-based); tied values share the mean of the ranks they span. */
export function averageRanks(xs: Numbers): Float64Array {
  const n = xs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && xs[order[end]!] === xs[order[start]!]) end++;
    const rank = (start + end + 1) / 2; // mean of ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson correlation; NaN when either side is constant (correlation is undefined, as in scipy). */
export function pearson(a: Numbers, b: Numbers): number {
  checkPair(a, b, 'pearson');
  const n = a.length;
  if (n < 2) return Number.NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return Number.NaN;
  return sab / Math.sqrt(saa * sbb);
}

/** Spearman ρ with average ranks for ties. */
export function spearman(a: Numbers, b: Numbers): number {
  checkPair(a, b, 'spearman');
  return pearson(averageRanks(a), averageRanks(b));
}

/** Kendall τ-b (tie-corrected); NaN when either side is constant. */
export function kendall(a: Numbers, b: Numbers): number {
  checkPair(a, b, 'kendall');
  const n = a.length;
  if (n < 2) return Number.NaN;
  // Sort by a, then b; count pairs tied in a (and in both), then count discordant pairs as the
  // number of swaps a merge sort on b needs.
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i]! - a[j]! || b[i]! - b[j]!);
  const total = (n * (n - 1)) / 2;
  let tiedA = 0;
  let tiedBoth = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && a[idx[j]!] === a[idx[i]!]) j++;
    tiedA += ((j - i) * (j - i - 1)) / 2;
    for (let k = i; k < j;) {
      let m = k + 1;
      while (m < j && b[idx[m]!] === b[idx[k]!]) m++;
      tiedBoth += ((m - k) * (m - k - 1)) / 2;
      k = m;
    }
    i = j;
  }
  const ys = Float64Array.from(idx, (i) => b[i]!);
  const swaps = mergeCountSwaps(ys);
  let tiedB = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && ys[j] === ys[i]) j++;
    tiedB += ((j - i) * (j - i - 1)) / 2;
    i = j;
  }
  const concordantMinusDiscordant = total - tiedA - tiedB + tiedBoth - 2 * swaps;
  const denom = Math.sqrt((total - tiedA) * (total - tiedB));
  return denom === 0 ? Number.NaN : concordantMinusDiscordant / denom;
}

/** Sort `xs` ascending in place and return the number of strictly inverted pairs. */
function mergeCountSwaps(xs: Float64Array): number {
  const n = xs.length;
  let buf: Float64Array = new Float64Array(n);
  let src: Float64Array = xs;
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j]! < src[i]!) {
          swaps += mid - i;
          buf[k++] = src[j++]!;
        } else buf[k++] = src[i++]!;
      }
      while (i < mid) buf[k++] = src[i++]!;
      while (j < hi) buf[k++] = src[j++]!;
    }
    const t = src;
    src = buf;
    buf = t;
  }
  if (src !== xs) xs.set(src);
  return swaps;
}

/**
 * Fraction of the true top `fraction` of architectures that the predictor places in its own top
 * `fraction` (e.g. 0.01 = "is the true top-1% in the predicted top-1%").
 */
export function topKRecall(predicted: Numbers, truth: Numbers, fraction: number): number {
  checkPair(predicted, truth, 'topKRecall');
  if (!(fraction > 0 && fraction <= 1)) {
    throw new NaskitError('invalid_argument', `topKRecall: fraction must be in (0, 1], got ${fraction}`);
  }
  const n = truth.length;
  const k = Math.max(1, Math.round(n * fraction));
  const top = (xs: Numbers) =>
    new Set(
      Array.from({ length: n }, (_, i) => i)
        .sort((i, j) => xs[j]! - xs[i]!)
        .slice(0, k),
    );
  const want = top(truth);
  let hit = 0;
  for (const i of top(predicted)) if (want.has(i)) hit++;
  return hit / k;
}

/** Mean and sample standard deviation (n − 1); std is 0 for a single value. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  if (xs.length === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  if (xs.length === 1) return { mean, std: 0 };
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, std: Math.sqrt(v) };
}
