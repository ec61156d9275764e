// epsilon on the first CELLS NB201 cells (official index order) with the input of the epsinas
// ablation "grey scale" (NAS-Bench-201/Ablations.ipynb): image i of the 256 is the constant i/256 in
// every pixel and channel, not normalized. The paper reports ρ 0.87 there on cells 0-4999, the same
// as with its real batch; the same input here separates the implementation from the batch.
// Prints finite count, Spearman and Kendall (finite scores) with CIFAR-10 test accuracy, and the
// same for the default real batch (seed 0).
// Usage (after `npm run build`): node scripts/epsilon-reference/grey-ramp.mjs DATA_DIR [CELLS=5000]
import { openBenchmark } from '../../dist/benchmarks/catalog.js';
import { kendall, spearman } from '../../dist/stats/correlation.js';
import { createProxyContext } from '../../dist/proxies/context.js';
import { getProxy } from '../../dist/proxies/index.js';
import { scoreArchitectures } from '../../dist/proxies/run.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: grey-ramp.mjs DATA_DIR [CELLS=5000]');
const bench = await openBenchmark({ space: 'nb201', dataset: 'cifar10', dataDir });
const n = Math.min(Number(process.argv[3] ?? 5000), bench.keys.length);
// Table rows follow the official index, so rows 0..n-1 are cells 0..n-1.
const rows = Array.from({ length: n }, (_, r) => r);
const archs = rows.map((r) => bench.archAt(r));
const accuracy = rows.map((r) => bench.queryRow(r, bench.testMetric));

const B = 256;
const perImage = 3 * 32 * 32;
const images = new Float32Array(B * perImage);
for (let i = 0; i < B; i++) images.fill(i / B, i * perImage, (i + 1) * perImage);
const grey = {
  images,
  labels: new Int32Array(B),
  size: B,
  shape: [3, 32, 32],
  classes: 10,
  source: 'grey-ramp',
};

const real = createProxyContext({ space: bench.space, dataset: 'cifar10', dataDir, seed: 0, workers: 2 });
// The grey batch lives in this thread only, so that context scores here (no workers).
const { spawn: _spawn, ...rest } = real;
const greyContext = { ...rest, workers: 1, batch: (size) => (size === B ? grey : real.batch(size)) };

for (const [input, context] of [
  ['grey-ramp', greyContext],
  ['real batch (seed 0)', real],
]) {
  const start = Date.now();
  const scores = (await scoreArchitectures({ context, proxies: [getProxy('epsilon')], archs })).get(
    'epsilon',
  );
  const finite = scores.flatMap((v, i) => (v.value === null ? [] : [i]));
  const x = finite.map((i) => scores[i].value);
  const y = finite.map((i) => accuracy[i]);
  console.log(
    JSON.stringify({
      input,
      cells: n,
      finite: finite.length,
      rho_finite: spearman(x, y, { nonFinite: 'throw' }),
      kendall_finite: kendall(x, y, { nonFinite: 'throw' }),
      seconds: (Date.now() - start) / 1000,
    }),
  );
}
process.exit(0);
