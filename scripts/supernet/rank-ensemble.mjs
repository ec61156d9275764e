// Does averaging several supernets' rankings rank NB201 cells better than each alone? Reads
// `naskit supernet eval --out DIR` score files, takes the first N cells they all scored (in the first
// file's order), and prints Kendall τ of each supernet's validation accuracy with the CIFAR-10 test
// accuracy, then τ of the mean rank over every subset of two or more supernets (best first).
// Usage (after `npm run build`): node scripts/supernet/rank-ensemble.mjs DATA_DIR N SCORES.jsonl...
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { kendall } from '../../dist/stats/correlation.js';
import { averageRanks } from '../../dist/stats/rank.js';

const [dataDir, nArg, ...files] = process.argv.slice(2);
if (!dataDir || !nArg || files.length < 2)
  throw new Error('usage: rank-ensemble.mjs DATA_DIR N SCORES.jsonl SCORES.jsonl...');
const [header, ...lines] = gunzipSync(readFileSync(`${dataDir}/nb201/nb201_accuracies.csv.gz`))
  .toString('utf8')
  .trim()
  .split('\n');
const col = header.split(',');
const truth = new Map(
  lines.map((line) => {
    const f = line.split(',');
    return [f[col.indexOf('arch_str')], Number(f[col.indexOf('cifar10_test_200')])];
  }),
);
const scores = files.map((file) => {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.arch !== undefined);
  return { file, order: rows.map((r) => r.arch), accuracy: new Map(rows.map((r) => [r.arch, r.accuracy])) };
});
const cells = scores[0].order.filter((a) => scores.every((s) => s.accuracy.has(a))).slice(0, Number(nArg));
const t = cells.map((a) => truth.get(a));
const opts = { nonFinite: 'throw' };
const ranks = scores.map((s) => averageRanks(cells.map((a) => s.accuracy.get(a))));
console.log(`cells ${cells.length}`);
scores.forEach((s, i) => console.log(`tau ${kendall(ranks[i], t, opts).toFixed(3)}  ${s.file}`));
const subsets = [];
for (let mask = 1; mask < 1 << scores.length; mask++) {
  const members = scores.map((_, i) => i).filter((i) => mask & (1 << i));
  if (members.length < 2) continue;
  const mean = cells.map((_, c) => members.reduce((sum, i) => sum + ranks[i][c], 0) / members.length);
  subsets.push({ members, tau: kendall(mean, t, opts) });
}
subsets.sort((a, b) => b.tau - a.tau);
for (const s of subsets)
  console.log(`mean rank of ${s.members.map((i) => i + 1).join('+')}: tau ${s.tau.toFixed(3)}`);
