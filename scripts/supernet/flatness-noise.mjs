// Is GeNAS' flatness a property of the cell, or of the noise draw? For the first N cells of
// `supernet eval --sample N` (same seeded sample), with the scorer's BN recalibration and validation
// images, this script perturbs the path's weights with D independent draws ε at each σ and measures
// L(w + ε) and L(w − ε) beside the clean L(w). Per cell and σ it splits the loss change into
//   first order  (L(w + ε) − L(w − ε)) / 2   ≈ g·ε, a random sign: noise of the draw;
//   second order (L(w + ε) + L(w − ε)) / 2 − L(w)   ≈ ½ εᵀHε: the curvature, what "flat" means.
// The one-sided rise L(w + ε) − L(w) that the flatness-only score uses is their sum. It prints the
// median size of each part, the retest agreement of each between two draws (Spearman ρ over the
// cells), and Kendall τ of each (mean over draws) with the truth (CIFAR-10 / CIFAR-100 /
// ImageNet16-120 test accuracy) and with −L(w).
// Usage (after `npm run build`):
//   node scripts/supernet/flatness-noise.mjs SUPERNET_DIR DATA_DIR [N=200] [SIGMAS=0.001,0.006] [D=2] [THREADS=2]
import {
  openSupernet,
  releaseSupernet,
  sampleArchitectures,
  SCORING_MEASURE_BATCH,
} from '../../dist/experiments/supernet/eval-job.js';
import { scoringImages } from '../../dist/experiments/supernet/scoring.js';
import { openTruth } from '../../dist/experiments/supernet/truth.js';
import { nb201 } from '../../dist/spaces/nb201/index.js';
import { kendall, spearman } from '../../dist/stats/correlation.js';
import { OverlayParams, measure, recalibrate } from '../../dist/train/supernet/subnet-eval.js';
import { Rng } from '../../dist/util/rng.js';

const [supernet, dataDir, nArg = '200', sigmaArg = '0.001,0.006', dArg = '2', threadsArg = '2'] =
  process.argv.slice(2);
if (!supernet || !dataDir) {
  throw new Error('usage: flatness-noise.mjs SUPERNET_DIR DATA_DIR [N] [SIGMAS] [DRAWS] [THREADS]');
}
const n = Number(nArg);
const sigmas = sigmaArg.split(',').map(Number);
const draws = Number(dArg);
const opened = openSupernet(supernet, {
  dataDir,
  threads: Number(threadsArg),
  evalBatch: 100,
  measureBatch: SCORING_MEASURE_BATCH,
});
const truth = await openTruth(nb201, dataDir);
if (!truth) throw new Error(`no NB201 tables under ${dataDir}`);
const { data } = opened;
const { trainer } = opened.members[0];
// The scorer's images at its defaults (noise seed 0, 500 calibration images, the first 1,000 valid)
// and `supernet eval --sample N`'s cells, in its order.
const evalData = {
  ...scoringImages(data, { noiseSeed: 0, calibrationImages: 500, validImages: 1000 }),
  normalization: data.normalization,
};
const cells = sampleArchitectures(nb201, n, 0);

const rows = [];
const started = performance.now();
for (const [c, arch] of cells.entries()) {
  const path = trainer.supernet.pathOf(arch);
  const names = [...trainer.activeParams(path)].sort();
  const calibrated = await recalibrate(trainer.programs, trainer.params, path, evalData);
  const clean = (await measure(trainer.programs, calibrated, path, evalData)).loss;
  const row = { arch, clean, first: [], second: [] };
  for (const sigma of sigmas) {
    const first = [];
    const second = [];
    for (let d = 0; d < draws; d++) {
      const rng = new Rng(0).fork(`noise/${nb201.key(arch)}/${sigma}/${d}`);
      const plus = new OverlayParams(calibrated);
      const minus = new OverlayParams(calibrated);
      for (const name of names) {
        const w = calibrated.get(name);
        const p = new Float32Array(w.length);
        const m = new Float32Array(w.length);
        for (let k = 0; k < w.length; k++) {
          const e = rng.normal(0, sigma);
          p[k] = w[k] + e;
          m[k] = w[k] - e;
        }
        plus.set(name, p);
        minus.set(name, m);
      }
      const lp = (await measure(trainer.programs, plus, path, evalData)).loss;
      const lm = (await measure(trainer.programs, minus, path, evalData)).loss;
      first.push((lp - lm) / 2);
      second.push((lp + lm) / 2 - clean);
    }
    row.first.push(first);
    row.second.push(second);
  }
  rows.push(row);
  if ((c + 1) % 20 === 0) {
    const s = (performance.now() - started) / 1000;
    console.error(`${c + 1}/${n} cells, ${(s / (c + 1)).toFixed(2)} s per cell`);
  }
}
await releaseSupernet(opened);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const opts = { nonFinite: 'throw' };
const datasets = ['cifar10', 'cifar100', 'ImageNet16-120'];
const truths = datasets.map((d) => rows.map((r) => truth.of(r.arch).true[d]));
const negLoss = rows.map((r) => -r.clean);
const fmt = (v) => v.toFixed(3);
const taus = (score) => truths.map((t) => fmt(kendall(score, t, opts))).join(' / ');
console.log(`${n} cells, ${draws} draws per σ; τ with the truth on ${datasets.join(' / ')}`);
console.log(`−L(w): ${taus(negLoss)}`);
sigmas.forEach((sigma, s) => {
  const part = (key) => rows.map((r) => r[key][s]);
  const rise = rows.map((r) => r.first[s].map((f, d) => f + r.second[s][d]));
  console.log(`σ = ${sigma}:`);
  for (const [label, values] of [
    ['one-sided rise L(w+ε) − L(w)', rise],
    ['first order (L(w+ε) − L(w−ε))/2', part('first')],
    ['second order (L(w+ε) + L(w−ε))/2 − L(w)', part('second')],
  ]) {
    const size = median(values.flat().map(Math.abs));
    // Flatter = better, so a score is minus the (mean) change; the first-order part by its size.
    const score = values.map((v) => -mean(v.map(label.startsWith('first') ? Math.abs : (x) => x)));
    const retest =
      draws >= 2
        ? spearman(
            values.map((v) => v[0]),
            values.map((v) => v[1]),
            opts,
          )
        : NaN;
    console.log(
      `  ${label}: median |·| ${size.toExponential(2)}; retest ρ (draw 0 vs 1) ${fmt(retest)}; ` +
        `τ(−·, truth) ${taus(score)}; τ(−·, −L(w)) ${fmt(kendall(score, negLoss, opts))}`,
    );
  }
});
