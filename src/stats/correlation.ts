/**
 * Correlations between two score lists over the same architectures (higher = better on both sides, so
 * positive means they rank alike): Pearson r, Spearman ρ (Pearson correlation of average ranks, so
 * ties are handled as scipy does) and Kendall τ-b (tie-corrected, O(n log n) via Knight's merge-sort
 * algorithm, as scipy.stats.kendalltau). What a non-finite entry does is the caller's explicit choice
 * (see non-finite.ts); all three are NaN when undefined: fewer than `minPairs` pairs or a constant side.
 */
import { finitePairs, type NonFiniteOptions } from './non-finite.js';
import { averageRanks } from './rank.js';

type Numbers = ArrayLike<number>;

export interface CorrelationOptions extends NonFiniteOptions {
  /** Fewer pairs than this (after the policy) give NaN; default 2, the least that defines a correlation. */
  minPairs?: number;
}

/** Pearson correlation. */
export function pearson(a: Numbers, b: Numbers, options: CorrelationOptions): number {
  const { x, y } = finitePairs(a, b, 'pearson', options);
  return x.length < (options.minPairs ?? 2) ? Number.NaN : pearsonOf(x, y);
}

/** Spearman ρ with average ranks for ties. */
export function spearman(a: Numbers, b: Numbers, options: CorrelationOptions): number {
  const { x, y } = finitePairs(a, b, 'spearman', options);
  return x.length < (options.minPairs ?? 2) ? Number.NaN : pearsonOf(averageRanks(x), averageRanks(y));
}

/** Kendall τ-b (tie-corrected). */
export function kendall(a: Numbers, b: Numbers, options: CorrelationOptions): number {
  const { x, y } = finitePairs(a, b, 'kendall', options);
  return x.length < (options.minPairs ?? 2) ? Number.NaN : kendallOf(x, y);
}

/** Pearson correlation of finite lists of equal length; NaN below two pairs or for a constant side. */
function pearsonOf(a: Numbers, b: Numbers): number {
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

/** Kendall τ-b of finite lists of equal length; NaN below two pairs or for a constant side. */
function kendallOf(a: Numbers, b: Numbers): number {
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
