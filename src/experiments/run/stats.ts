/**
 * Rank correlations for reports. Ties get their average rank (the usual "fractional ranking"), so
 * Spearman's ρ is Pearson's correlation of the ranks, and Kendall's τ is τ-b (tie-corrected).
 * Sign convention: both inputs as given, so with "higher score = better" and accuracy, positive
 * means the proxy ranks like the accuracy does.
 */

export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length).fill(0);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const avg = (start + end) / 2 + 1;
    for (let j = start; j <= end; j++) out[order[j]!.i] = avg;
    start = end + 1;
  }
  return out;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
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
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb);
}

/** Spearman's ρ over the pairs where both values are finite; NaN with fewer than 3 pairs or a constant side. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const pairs = finitePairs(a, b);
  if (pairs.x.length < 3) return Number.NaN;
  return pearson(ranks(pairs.x), ranks(pairs.y));
}

/** Kendall's τ-b over the pairs where both values are finite. */
export function kendall(a: readonly number[], b: readonly number[]): number {
  const { x, y } = finitePairs(a, b);
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return x.length < 3 || denom === 0 ? Number.NaN : (concordant - discordant) / denom;
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
