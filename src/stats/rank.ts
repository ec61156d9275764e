/** Ranks of values, ties sharing the mean of the ranks they span (as scipy.stats.rankdata 'average'). */

/** Average ranks (1-based); tied values share the mean of the ranks they span. */
export function averageRanks(xs: ArrayLike<number>): Float64Array {
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

/**
 * Average ranks scaled to [0, 1] (lowest 0, highest 1; ties share their mean rank): a regression target
 * unmoved by how far below the rest an outlier lies.
 */
export function scaledRanks(xs: ArrayLike<number>): Float64Array {
  const ranks = averageRanks(xs);
  const span = Math.max(1, xs.length - 1);
  return ranks.map((r) => (r - 1) / span);
}
