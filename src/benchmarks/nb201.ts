/**
 * NAS-Bench-201 (all 15,625 cells) from the data dir's nb201/ tables: accuracies, computed params/FLOPs and
 * HELP latencies. Rows are indexed by the official NB201 index (row i = architecture index i).
 */
import type { SearchSpace } from '../spaces/space.js';
import { dataFile } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import { columnOf, type CsvColumns } from './csv.js';
import { flopsCost } from './cost.js';
import { canonicalizeIndexed, readCsvCached } from './keys.js';
import { TabularBenchmark, type MetricColumn } from './table.js';

export const NB201_DATASETS = ['cifar10', 'cifar100', 'ImageNet16-120'] as const;
export type Nb201Dataset = (typeof NB201_DATASETS)[number];

interface DatasetColumns {
  /** Column prefix in nb201_accuracies ('cifar10', 'cifar100', 'imagenet16'). */
  acc: string;
  /** Name of the validation setting in the source, for descriptions. */
  valSetting: string;
  /** Column suffix in nb201_cost_computed. */
  cost: string;
  /** Images the validation-metric training run sees per epoch (for the cost model). */
  trainImages: number;
}

const COLUMNS: Record<Nb201Dataset, DatasetColumns> = {
  cifar10: {
    acc: 'cifar10',
    valSetting: 'cifar10-valid: trained on the 25k train half, evaluated on the 25k held-out valid half',
    cost: 'cifar10',
    trainImages: 25_000,
  },
  cifar100: {
    acc: 'cifar100',
    valSetting: 'trained on the 50k train set, evaluated on the held-out valid split',
    cost: 'cifar100',
    trainImages: 50_000,
  },
  'ImageNet16-120': {
    acc: 'imagenet16',
    valSetting: 'trained on the 151.7k train set (16x16), evaluated on the held-out valid split',
    cost: 'imagenet16',
    trainImages: 151_700,
  },
};

const ACC_FILE = 'nb201/nb201_accuracies.csv.gz';
const COST_FILE = 'nb201/nb201_cost_computed.csv.gz';
const LATENCY_FILE = 'nb201/nb201_latency_help.csv.gz';

export async function loadNb201<A>(
  dataDir: string,
  space: SearchSpace<A>,
  dataset: Nb201Dataset,
): Promise<TabularBenchmark<A>> {
  const d = COLUMNS[dataset];
  const accPath = dataFile(dataDir, ACC_FILE, `NB201 ${dataset} accuracies`);
  const costPath = dataFile(dataDir, COST_FILE, 'NB201 params/FLOPs');
  const latPath = dataFile(dataDir, LATENCY_FILE, 'NB201 latencies');
  const [acc, cost, lat] = await Promise.all([
    readCsvCached(accPath, {
      text: ['arch_str'],
      numeric: 'rest',
      required: ['index', 'arch_str', 'cifar10_test_200', 'cifar10valid_val_200_naslib'],
      purpose: 'NB201 accuracies',
      missingMarkers: [-1e8],
    }),
    readCsvCached(costPath, { text: ['arch_str'], numeric: 'rest', purpose: 'NB201 params/FLOPs' }),
    readCsvCached(latPath, { text: ['arch_str'], numeric: 'rest', purpose: 'NB201 latencies' }),
  ]);

  const n = acc.rowCount;
  const orders = new Map<CsvColumns, Int32Array>();
  for (const file of [acc, cost, lat]) {
    orders.set(file, officialOrder(columnOf(file.numeric, 'index', file.path), file.lines, file.path));
  }
  const order = orders.get(acc)!;
  const archTexts = reorder(columnOf(acc.text, 'arch_str', accPath), order);
  const canon = canonicalizeIndexed(space, archTexts, reorderInt(acc.lines, order), accPath, 'arch_str');
  // The other files must describe the same architectures at the same indices.
  for (const other of [cost, lat]) {
    const texts = reorder(columnOf(other.text, 'arch_str', other.path), orders.get(other)!);
    if (texts.length !== n) {
      throw new NaskitError('data_corrupt', `${other.path} has ${texts.length} rows, ${accPath} has ${n}`);
    }
    for (let i = 0; i < n; i++) {
      if (texts[i] !== archTexts[i]) {
        throw new NaskitError(
          'data_corrupt',
          `${other.path}: index ${i} is ${texts[i]}, but ${accPath} says ${archTexts[i]}; the files disagree`,
        );
      }
    }
  }

  const columns: MetricColumn[] = [];
  const add = (
    file: CsvColumns,
    column: string,
    name: string,
    description: string,
    unit: string,
    required = true,
  ): void => {
    const values = file.numeric.get(column);
    if (values === undefined) {
      if (!required) return;
      throw new NaskitError('data_corrupt', `${file.path} has no column ${column} (needed for ${name})`);
    }
    columns.push({ info: { name, description, unit }, values: reorderFloat(values, orders.get(file)!) });
  };

  const p = d.acc;
  const valCol = dataset === 'cifar10' ? 'cifar10valid_val_200_naslib' : `${p}_val_200_naslib`;
  const valShort = dataset === 'cifar10' ? 'cifar10valid_val_12' : `${p}_val_12`;
  add(
    acc,
    valCol,
    'val_acc',
    `validation accuracy after 200 epochs (${d.valSetting}); NASLib val_accuracy, column ${valCol}`,
    '%',
  );
  add(
    acc,
    `${p}_test_200`,
    'test_acc',
    `test accuracy after 200 epochs, mean over seeds; column ${p}_test_200`,
    '%',
  );
  add(acc, valShort, 'val_acc_12', `validation accuracy after 12 epochs; column ${valShort}`, '%');
  add(acc, `${p}_test_12`, 'test_acc_12', `test accuracy after 12 epochs; column ${p}_test_12`, '%');
  add(
    acc,
    `${p}_test_200_1trial`,
    'test_acc_1trial',
    `200-epoch test accuracy of one random seed; column ${p}_test_200_1trial`,
    '%',
    false,
  );
  add(
    acc,
    `zen_${p}`,
    'zen',
    `Zen-score proxy (NASLib); NaN where it failed; column zen_${p}`,
    'score',
    false,
  );
  add(cost, `params_M_${d.cost}`, 'params', 'trainable parameters, computed analytically', 'M');
  add(
    cost,
    `flops_M_${d.cost}`,
    'flops',
    'forward multiply-accumulates of conv and linear layers, computed analytically',
    'MFLOPs',
  );
  for (const header of lat.header) {
    if (!header.startsWith('lat_')) continue;
    const device = header.slice(4);
    add(
      lat,
      header,
      `latency:${device}`,
      `HELP-measured latency on ${device} (one value per architecture in the source)`,
      'ms',
    );
  }

  const flops = columns.find((c) => c.info.name === 'flops')!.values;
  return new TabularBenchmark({
    space,
    dataset,
    source: [accPath, costPath, latPath].join(', '),
    keys: canon.keys,
    archStrings: canon.archStrings,
    columns,
    valMetric: 'val_acc',
    testMetric: 'test_acc',
    cost: flopsCost(flops, { epochs: 200, trainImages: d.trainImages, what: `NB201 ${dataset}` }),
  });
}

/** row -> file position, checking that the index column holds 0..n-1 once each. */
function officialOrder(index: Float64Array, lines: Int32Array, path: string): Int32Array {
  const n = index.length;
  const order = new Int32Array(n).fill(-1);
  for (let pos = 0; pos < n; pos++) {
    const i = index[pos]!;
    if (!Number.isInteger(i) || i < 0 || i >= n || order[i] !== -1) {
      throw new NaskitError(
        'data_corrupt',
        `${path}:${lines[pos]}: index ${i} is out of range 0..${n - 1} or repeated; expected each NB201 index once`,
      );
    }
    order[i] = pos;
  }
  return order;
}

function reorder(values: readonly string[], order: Int32Array): string[] {
  return Array.from(order, (pos) => values[pos]!);
}

function reorderInt(values: Int32Array, order: Int32Array): Int32Array {
  return order.map((pos) => values[pos]!);
}

function reorderFloat(values: Float64Array, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!;
  return out;
}
