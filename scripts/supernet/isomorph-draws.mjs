// How much `--isomorphs K` depends on which K encodings of each class are drawn, from a
// `naskit supernet eval --out DIR` score file that holds every NB201 cell: per K, the mean number of
// encodings a cell's score needs over the whole space, and Kendall τ of the class-mean accuracy with
// the CIFAR-10 truth over the first N cells of the file and over all 15,625, for draw seeds 0–4
// (seed 0 is naskit's default draw; `--isomorph-seed N` gives draw N). Draws with naskit's isomorphSample.
// Usage (after `npm run build`): node scripts/supernet/isomorph-draws.mjs DIR/scores.jsonl DATA_DIR [N] [K,K,...]
import { readFileSync } from 'node:fs';
import { nb201 } from '../../dist/spaces/nb201/index.js';
import { kendall } from '../../dist/stats/correlation.js';
import { isomorphSample } from '../../dist/experiments/supernet/scoring.js';
import { openTruth } from '../../dist/experiments/supernet/truth.js';

const [scoresFile, dataDir, nArg = '1000', kArg = '4,8'] = process.argv.slice(2);
if (!scoresFile || !dataDir) throw new Error('usage: isomorph-draws.mjs SCORES.jsonl DATA_DIR [N] [K,K,...]');
const rows = readFileSync(scoresFile, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l))
  .filter((r) => r.arch !== undefined);
const accuracy = new Map(rows.map((r) => [r.key, r.accuracy]));
const truth = await openTruth(nb201, dataDir);
if (!truth) throw new Error(`no NB201 tables under ${dataDir}`);
const all = [...nb201.enumerate()];
const classes = nb201.isomorphClasses();
const missing = all.filter((a) => !accuracy.has(nb201.key(a))).length;
if (missing > 0) throw new Error(`${scoresFile} lacks ${missing} of the 15,625 cells; score them all first`);
const sets = [
  [`first ${nArg}`, rows.slice(0, Number(nArg)).map((r) => nb201.parse(r.arch))],
  ['all 15,625', all],
];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const opts = { nonFinite: 'throw' };
for (const k of kArg.split(',').map(Number)) {
  const needed = mean(all.map((a) => Math.min(k, classes.of(a).length)));
  console.log(`K=${k}: ${needed.toFixed(2)} encodings per cell on average`);
  for (const [name, cells] of sets) {
    const t = cells.map((a) => truth.of(a).true.cifar10);
    const taus = [0, 1, 2, 3, 4].map((seed) => {
      const x = cells.map((a) => {
        const drawn = isomorphSample(nb201, classes, a, k, seed).members;
        return mean(drawn.map((m) => accuracy.get(nb201.key(m))));
      });
      return kendall(x, t, opts);
    });
    console.log(`  ${name}: τ by draw seed 0..4 ${taus.map((v) => v.toFixed(3)).join(' ')}`);
  }
}
const sizes = all.map((a) => classes.of(a).length);
console.log(
  `whole class: ${mean(sizes).toFixed(1)} encodings per cell on average, at most ${Math.max(...sizes)}`,
);
