/**
 * NAS-Bench-Suite-Zero samples (zc/zc_suite_zero_samples.csv.gz): for a few hundred architectures per
 * (space, dataset), the benchmark's validation metric plus 13 zero-cost proxy scores.
 */
import type { SearchSpace } from '../spaces/space.js';
import { dataFile } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import { columnOf } from './csv.js';
import { noCost } from './cost.js';
import { canonicalize, readCsvCached } from './keys.js';
import { TabularBenchmark, type MetricColumn } from './table.js';

const FILE = 'zc/zc_suite_zero_samples.csv.gz';

/** naskit space name -> the file's search_space value. */
export const SUITE_ZERO_SPACES: Record<string, string> = {
  nb101: 'nasbench101',
  nb201: 'nasbench201',
  darts: 'nasbench301',
  'tnb101-micro': 'transbench101_micro',
};

/** Datasets per naskit space name, as they appear in the file. */
export const SUITE_ZERO_DATASETS: Record<string, readonly string[]> = {
  nb101: ['cifar10'],
  nb201: ['cifar10', 'cifar100', 'ImageNet16-120', 'ninapro', 'svhn', 'scifar100'],
  darts: ['cifar10', 'ninapro', 'svhn', 'scifar100'],
  'tnb101-micro': [
    'class_scene',
    'class_object',
    'jigsaw',
    'room_layout',
    'segmentsemantic',
    'autoencoder',
    'normal',
    'ninapro',
    'svhn',
    'scifar100',
  ],
};

export const SUITE_ZERO_PROXIES = [
  'epe_nas',
  'fisher',
  'grad_norm',
  'grasp',
  'jacov',
  'l2_norm',
  'nwot',
  'plain',
  'snip',
  'synflow',
  'zen',
] as const;

const TEXT_COLUMNS = ['search_space', 'dataset', 'arch_key', 'arch_str', 'nb101_module_hash'];

export async function loadSuiteZero<A>(
  dataDir: string,
  space: SearchSpace<A>,
  dataset: string,
): Promise<TabularBenchmark<A>> {
  const fileSpace = SUITE_ZERO_SPACES[space.name];
  const datasets = SUITE_ZERO_DATASETS[space.name] ?? [];
  if (fileSpace === undefined || !datasets.includes(dataset)) {
    throw new NaskitError(
      'invalid_argument',
      `NAS-Bench-Suite-Zero samples have no ${space.name}/${dataset}; available: ` +
        Object.entries(SUITE_ZERO_DATASETS)
          .map(([s, ds]) => `${s} (${ds.join(', ')})`)
          .join('; '),
    );
  }
  const path = dataFile(dataDir, FILE, `NAS-Bench-Suite-Zero ${space.name}/${dataset}`);
  const csv = await readCsvCached(path, {
    text: TEXT_COLUMNS,
    numeric: 'rest',
    required: ['search_space', 'dataset', 'arch_str', 'val_accuracy'],
    purpose: 'NAS-Bench-Suite-Zero samples',
    missingMarkers: [-1e8],
  });
  const spaces = columnOf(csv.text, 'search_space', path);
  const sets = columnOf(csv.text, 'dataset', path);
  const rows: number[] = [];
  for (let i = 0; i < csv.rowCount; i++) if (spaces[i] === fileSpace && sets[i] === dataset) rows.push(i);

  const texts = columnOf(csv.text, 'arch_str', path);
  const canon = canonicalize(
    space,
    rows.map((r) => texts[r]!),
    Int32Array.from(rows, (r) => csv.lines[r]!),
    path,
    'arch_str',
  );
  // The source samples repeat a few architectures (isomorphic NB101 cells); keep the first of each key.
  const kept: number[] = [];
  const seen = new Set<string>();
  canon.keys.forEach((k, i) => {
    if (!seen.has(k)) {
      seen.add(k);
      kept.push(i);
    }
  });
  const pick = (values: Float64Array): Float64Array => Float64Array.from(kept, (i) => values[rows[i]!]!);

  const val = pick(columnOf(csv.numeric, 'val_accuracy', path));
  const note = `NAS-Bench-Suite-Zero samples have no test split: test_acc is the validation metric (test = val)`;
  const columns: MetricColumn[] = [
    {
      info: {
        name: 'val_acc',
        description: `the benchmark's validation metric (NASLib val_accuracy)`,
        unit: '%',
      },
      values: val,
    },
    { info: { name: 'test_acc', description: `same as val_acc (${note})`, unit: '%' }, values: val },
  ];
  const extra: [string, string, string][] = [
    ['flops', 'FLOPs as measured by NASLib (counts BN/ReLU too)', 'M'],
    ['params', 'parameters as measured by NASLib', 'M'],
    ...SUITE_ZERO_PROXIES.map((p): [string, string, string] => [
      p,
      `${p} zero-cost proxy score; NaN where it failed`,
      'score',
    ]),
  ];
  for (const [name, description, unit] of extra) {
    const source = csv.numeric.get(name);
    if (source === undefined) continue;
    const values = pick(source);
    if (!values.some((x) => Number.isFinite(x))) continue; // proxy not computed for this space
    columns.push({ info: { name, description, unit }, values });
  }
  const notes = [note];
  if (kept.length < rows.length) {
    notes.push(
      `${rows.length - kept.length} rows repeat an earlier architecture (same key) and were skipped`,
    );
  }
  return new TabularBenchmark({
    space,
    dataset,
    source: `${path} (${fileSpace}, ${dataset})`,
    keys: kept.map((i) => canon.keys[i]!),
    archStrings: kept.map((i) => canon.archStrings[i]!),
    columns,
    valMetric: 'val_acc',
    testMetric: 'test_acc',
    cost: noCost('none: the Suite-Zero samples have no training times; use a query budget'),
    notes,
  });
}
