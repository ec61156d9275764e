// Spearman of epsilon (finite scores) with NB201 CIFAR-10 test accuracy on one fixed sample of cells,
// for several batch seeds: how much the choice of the 256-image batch moves the ranking.
// Usage (after `npm run build`): node scripts/epsilon-reference/batch-seeds.mjs DATA_DIR [CELLS] [SEEDS]
import { openBenchmark } from '../../dist/benchmarks/catalog.js';
import { spearman } from '../../dist/stats/correlation.js';
import { createProxyContext } from '../../dist/proxies/context.js';
import { getProxy } from '../../dist/proxies/index.js';
import { scoreArchitectures } from '../../dist/proxies/run.js';
import { Rng } from '../../dist/util/rng.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: batch-seeds.mjs DATA_DIR [CELLS=1000] [SEEDS=0,1,2]');
const n = Number(process.argv[3] ?? 1000);
const seeds = (process.argv[4] ?? '0,1,2').split(',').map(Number);
const bench = await openBenchmark({ space: 'nb201', dataset: 'cifar10', dataDir });
const rows = new Rng(5).sampleIndices(bench.keys.length, n);
const archs = rows.map((r) => bench.archAt(r));
const accuracy = rows.map((r) => bench.queryRow(r, bench.testMetric));
for (const seed of seeds) {
  const context = createProxyContext({ space: bench.space, dataset: 'cifar10', dataDir, seed });
  const start = Date.now();
  const scores = (await scoreArchitectures({ context, proxies: [getProxy('epsilon')], archs })).get(
    'epsilon',
  );
  const finite = scores.flatMap((v, i) => (v.value === null ? [] : [i]));
  const rho = spearman(
    finite.map((i) => scores[i].value),
    finite.map((i) => accuracy[i]),
    { nonFinite: 'throw' },
  );
  console.log(
    JSON.stringify({
      batch_seed: seed,
      cells: n,
      finite: finite.length,
      rho_finite: rho,
      seconds: (Date.now() - start) / 1000,
    }),
  );
}
process.exit(0);
