/**
 * NAS-Bench-101 sample (nb101/nb101_sample20k.csv.gz): 20,001 modules keyed by the official module hash,
 * validation accuracy at 4/12/36/108 epochs, parameters and the measured 108-epoch training time.
 * 10,256 rows carry their cell; only those can be proposed by a search. No test accuracies.
 */
import type { SearchSpace } from '../spaces/space.js';
import { dataFile } from '../util/data-dir.js';
import { columnOf } from './csv.js';
import { measuredCost } from './cost.js';
import { assertUniqueKeys, readCsvCached } from './keys.js';
import { TabularBenchmark, type MetricColumn } from './table.js';

const FILE = 'nb101/nb101_sample20k.csv.gz';
export const NB101_NO_TEST_NOTE =
  'the NB101 sample has no test accuracies: test_acc is the 108-epoch validation accuracy (test = val)';

/** The table's cell as the JSON spec NB101 tools use: {"matrix": [[0,1,...],...], "ops": [...]}. */
export function nb101SpecText(adjacency: string, ops: string): string {
  const matrix = adjacency.split('|').map((row) => Array.from(row, (c) => (c === '1' ? 1 : 0)));
  return JSON.stringify({ matrix, ops: ops.split(',') });
}

export async function loadNb101<A>(dataDir: string, space: SearchSpace<A>): Promise<TabularBenchmark<A>> {
  const path = dataFile(dataDir, FILE, 'NB101 cifar10');
  const csv = await readCsvCached(path, {
    text: ['module_hash', 'adjacency', 'ops', 'naslib_arch_key'],
    numeric: 'rest',
    required: ['module_hash', 'adjacency', 'ops', 'val_acc_108', 'trainable_parameters', 'train_time_s_108'],
    purpose: 'NB101 sample table',
  });
  const hashes = columnOf(csv.text, 'module_hash', path);
  const adjacency = columnOf(csv.text, 'adjacency', path);
  const ops = columnOf(csv.text, 'ops', path);
  assertUniqueKeys(hashes, csv.lines, path, 'module_hash');

  // Cells are parsed (and their hash checked against module_hash) when a search first uses them: hashing
  // all 10,256 up front would dominate the load time.
  const archStrings: (string | null)[] = new Array(csv.rowCount).fill(null);
  for (let i = 0; i < csv.rowCount; i++) {
    if (adjacency[i] !== '' && ops[i] !== '') archStrings[i] = nb101SpecText(adjacency[i]!, ops[i]!);
  }

  const pct = (name: string): Float64Array => columnOf(csv.numeric, name, path).map((x) => x * 100);
  const val = pct('val_acc_108');
  const time = columnOf(csv.numeric, 'train_time_s_108', path);
  const columns: MetricColumn[] = [
    {
      info: {
        name: 'val_acc',
        description: 'validation accuracy after 108 epochs (one training repeat)',
        unit: '%',
      },
      values: val,
    },
    {
      info: { name: 'test_acc', description: `same as val_acc (${NB101_NO_TEST_NOTE})`, unit: '%' },
      values: val,
    },
  ];
  for (const epochs of [4, 12, 36]) {
    columns.push({
      info: {
        name: `val_acc_${epochs}`,
        description: `validation accuracy after ${epochs} epochs`,
        unit: '%',
      },
      values: pct(`val_acc_${epochs}`),
    });
  }
  columns.push(
    {
      info: { name: 'params', description: 'trainable parameters', unit: 'M' },
      values: columnOf(csv.numeric, 'trainable_parameters', path).map((x) => x / 1e6),
    },
    {
      info: { name: 'train_time', description: 'measured training time for 108 epochs', unit: 's' },
      values: time,
    },
  );
  const zen = csv.numeric.get('zen_cifar10_naslib');
  if (zen)
    columns.push({
      info: { name: 'zen', description: 'Zen-score proxy (NASLib); NaN where missing', unit: 'score' },
      values: zen,
    });

  return new TabularBenchmark({
    space,
    dataset: 'cifar10',
    source: path,
    keys: hashes,
    archStrings,
    archStringsChecked: false,
    columns,
    valMetric: 'val_acc',
    testMetric: 'test_acc',
    cost: measuredCost(time, 'measured: NB101 train_time_s_108 (108-epoch training time of the module)'),
    notes: [
      NB101_NO_TEST_NOTE,
      `the table is a 20,001-module sample of the 423,624 NB101 modules; searches only propose the ${archStrings.filter((s) => s !== null).length} with a known cell`,
    ],
  });
}
