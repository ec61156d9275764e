// naskit as a library: a zero-cost proxy and a search on the NAS-Bench-201 table shipped in data/.
import * as naskit from '../src/index.js'; // in your project: from 'naskit'

const space = naskit.getSpace('nb201');
const table = await naskit.openBenchmark({ space, dataset: 'cifar10', dataDir: naskit.bundledDataDir() });

// How well does a zero-cost proxy rank 200 random cells? Spearman ρ with their true test accuracy.
const rng = new naskit.Rng(0);
const archs = Array.from({ length: 200 }, () => space.sample(rng));
const accuracy = archs.map((arch) => table.query(arch, table.testMetric));
const context = naskit.createProxyContext({ space, seed: 0 });
const scores = await naskit.scoreArchitectures({ context, proxies: [naskit.getProxy('params')], archs });
const params = scores.get('params')!.map((s) => s.value ?? Number.NaN); // null: the cell failed
export const rho = naskit.spearman(params, accuracy, { nonFinite: 'worst' });
console.log(`params proxy: Spearman ρ = ${rho.toFixed(3)} over ${archs.length} cells`);

// Regularized evolution, 100 queries answered by the table, next to the table's best cell.
const strategy = naskit.getStrategy('re');
export const run = await naskit.runSearch({ bench: table, strategy, budget: { queries: 100 }, seed: 0 });
console.log(`found ${run.final!.arch}: test accuracy ${run.final!.test.toFixed(2)}%`);
console.log(`best validation cell in the table: ${naskit.oracle(table).bestValTest.toFixed(2)}%`);
