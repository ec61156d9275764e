// Where a supernet's ranking goes wrong, from a `naskit supernet eval --out DIR` score file on NB201:
// Kendall τ of the supernet's validation accuracy with the CIFAR-10 test accuracy after 200 and after
// 12 epochs, τ within the top half of the cells (by the 200-epoch truth), per op the Pearson
// correlation of its count in a cell with the cell's rank error (supernet rank − true rank, both /n),
// τ within the cells of each convolution count, and the supernet's mean accuracy per op on each edge.
// Usage (after `npm run build`): node scripts/supernet/rank-bias.mjs DIR/scores.jsonl DATA_DIR [N]
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { kendall, pearson } from '../../dist/stats/correlation.js';
import { averageRanks } from '../../dist/stats/rank.js';

const [scoresFile, dataDir, nArg = '200'] = process.argv.slice(2);
if (!scoresFile || !dataDir) throw new Error('usage: rank-bias.mjs SCORES.jsonl DATA_DIR [N]');
const [header, ...lines] = gunzipSync(readFileSync(`${dataDir}/nb201/nb201_accuracies.csv.gz`))
  .toString('utf8')
  .trim()
  .split('\n');
const col = header.split(',');
const truth = new Map();
for (const line of lines) {
  const f = line.split(',');
  truth.set(f[col.indexOf('arch_str')], {
    t200: Number(f[col.indexOf('cifar10_test_200')]),
    t12: Number(f[col.indexOf('cifar10_test_12')]),
  });
}
const cells = readFileSync(scoresFile, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l))
  .filter((r) => r.arch !== undefined)
  .slice(0, Number(nArg));
const acc = cells.map((c) => c.accuracy);
const t200 = cells.map((c) => truth.get(c.arch).t200);
const t12 = cells.map((c) => truth.get(c.arch).t12);
const opts = { nonFinite: 'throw' };
const sorted = [...t200].sort((a, b) => a - b);
const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
const top = cells.map((_, i) => i).filter((i) => t200[i] > median);
console.log(`cells ${cells.length}`);
console.log(`tau(accuracy, 200-epoch truth) ${kendall(acc, t200, opts).toFixed(3)}`);
console.log(`tau(accuracy, 12-epoch truth)  ${kendall(acc, t12, opts).toFixed(3)}`);
console.log(
  `tau among the top half         ${kendall(
    top.map((i) => acc[i]),
    top.map((i) => t200[i]),
    opts,
  ).toFixed(3)}`,
);
const ra = averageRanks(acc);
const rt = averageRanks(t200);
const error = cells.map((_, i) => (ra[i] - rt[i]) / cells.length);
for (const op of ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']) {
  const count = cells.map((c) => c.arch.split(`${op}~`).length - 1);
  console.log(`corr(${op} count, rank error) ${pearson(count, error, opts).toFixed(2)}`);
}
// τ within the cells of each convolution count (where few-shot supernets split by convs:A-B), and
// the mean supernet accuracy against the mean truth per count.
const convs = cells.map((c) => (c.arch.match(/nor_conv/g) ?? []).length);
for (let k = 0; k <= 6; k++) {
  const idx = cells.map((_, i) => i).filter((i) => convs[i] === k);
  if (idx.length < 3) continue;
  const mean = (xs) => xs.reduce((s, v) => s + v, 0) / xs.length;
  console.log(
    `${k} convolutions: ${idx.length} cells, tau ${kendall(
      idx.map((i) => acc[i]),
      idx.map((i) => t200[i]),
      opts,
    ).toFixed(
      3,
    )}, mean accuracy ${mean(idx.map((i) => acc[i])).toFixed(1)}, mean truth ${mean(idx.map((i) => t200[i])).toFixed(1)}`,
  );
}
// The supernet's own mean accuracy per op on each edge (no truth): the edge whose op moves it most is
// where a few-shot split (`--subspace edge:E=OP`) was chosen.
const EDGE_NAMES = ['0→1', '0→2', '1→2', '0→3', '1→3', '2→3'];
EDGE_NAMES.forEach((name, e) => {
  const byOp = new Map();
  cells.forEach((c, i) => {
    const op = c.arch.match(/[a-z_0-9]+(?=~)/g)[e];
    if (!byOp.has(op)) byOp.set(op, []);
    byOp.get(op).push(acc[i]);
  });
  const means = [...byOp].map(([op, xs]) => [op, xs.reduce((s, v) => s + v, 0) / xs.length]);
  const values = means.map(([, m]) => m);
  console.log(
    `edge ${e} (${name}): span ${(Math.max(...values) - Math.min(...values)).toFixed(1)}; ${means
      .map(([op, m]) => `${op} ${m.toFixed(1)}`)
      .join(', ')}`,
  );
});
