// Writes naskit's epsilon batch (256 normalized CIFAR-10 training images, batch seed 0) and naskit's
// epsilon scores for 60 random NB201 cells, for reference.py to recompute in PyTorch.
// Usage (after `npm run build`): node scripts/epsilon-reference/export.mjs DATA_DIR OUT_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { openBenchmark } from '../../dist/benchmarks/catalog.js';
import { createProxyContext } from '../../dist/proxies/context.js';
import { loadProxyBatch } from '../../dist/proxies/data-batch.js';
import { getProxy } from '../../dist/proxies/index.js';
import { scoreArchitectures } from '../../dist/proxies/run.js';
import { Rng } from '../../dist/util/rng.js';

const [dataDir, out] = process.argv.slice(2);
if (!dataDir || !out) throw new Error('usage: export.mjs DATA_DIR OUT_DIR');
mkdirSync(out, { recursive: true });
const batch = loadProxyBatch('cifar10', dataDir, 256, 0);
writeFileSync(
  `${out}/batch.f32`,
  Buffer.from(batch.images.buffer, batch.images.byteOffset, batch.images.byteLength),
);
const bench = await openBenchmark({ space: 'nb201', dataset: 'cifar10', dataDir });
const archs = new Rng(77).sampleIndices(bench.keys.length, 60).map((r) => bench.archAt(r));
const context = createProxyContext({ space: bench.space, dataset: 'cifar10', dataDir, seed: 0 });
const scores = (await scoreArchitectures({ context, proxies: [getProxy('epsilon')], archs })).get('epsilon');
const rows = archs.map((a, i) => ({ arch: bench.space.format(a), eps: scores[i].value }));
writeFileSync(`${out}/ours.json`, JSON.stringify(rows));
console.log(`wrote ${out}/batch.f32 (${batch.source}) and ${out}/ours.json (${rows.length} cells)`);
process.exit(0);
