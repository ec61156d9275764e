/**
 * Which benchmark tables exist for which (space, dataset), and one entry point to open them:
 * `openBenchmark({ space: 'nb201', dataset: 'cifar10' })`.
 */
import { getSpace } from '../spaces/index.js';
import type { AnySpace } from '../spaces/space.js';
import { resolveDataDir } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import { loadGenericTable } from './generic.js';
import { loadNb101 } from './nb101.js';
import { NB201_DATASETS, loadNb201, type Nb201Dataset } from './nb201.js';
import { SUITE_ZERO_DATASETS, loadSuiteZero } from './suite-zero.js';
import type { TabularBenchmark } from './table.js';
import { TNB101_TASKS, loadTnb101Micro, type Tnb101Task } from './tnb101.js';

/** 'table': a full benchmark table; 'suite-zero': the NAS-Bench-Suite-Zero proxy samples. */
export type BenchmarkSource = 'table' | 'suite-zero';

export interface BenchmarkEntry {
  space: string;
  source: BenchmarkSource;
  datasets: readonly string[];
  files: readonly string[];
  description: string;
}

export const BENCHMARKS: readonly BenchmarkEntry[] = [
  {
    space: 'nb201',
    source: 'table',
    datasets: NB201_DATASETS,
    files: [
      'nb201/nb201_accuracies.csv.gz',
      'nb201/nb201_cost_computed.csv.gz',
      'nb201/nb201_latency_help.csv.gz',
    ],
    description:
      'NAS-Bench-201: all 15,625 cells; 200- and 12-epoch val/test accuracy, params, FLOPs, 27 latencies',
  },
  {
    space: 'nb101',
    source: 'table',
    datasets: ['cifar10'],
    files: ['nb101/nb101_sample20k.csv.gz'],
    description:
      'NAS-Bench-101 sample: 20,001 modules (10,256 with cells); val accuracy at 4-108 epochs, train time',
  },
  {
    space: 'tnb101-micro',
    source: 'table',
    datasets: TNB101_TASKS,
    files: ['tnb101/tnb101_micro_val_zc.csv.gz'],
    description: 'TransNAS-Bench-101 micro: all 4,096 cells; validation metric of 7 tasks (no test split)',
  },
  ...Object.entries(SUITE_ZERO_DATASETS).map(([space, datasets]): BenchmarkEntry => ({
    space,
    source: 'suite-zero',
    datasets,
    files: ['zc/zc_suite_zero_samples.csv.gz'],
    description: 'NAS-Bench-Suite-Zero samples: validation metric plus 13 zero-cost proxies (no test split)',
  })),
];

export interface OpenBenchmarkOptions {
  space: string | AnySpace;
  dataset: string;
  /** Data directory; defaults to $NASKIT_DATA (see resolveDataDir). */
  dataDir?: string;
  /** Defaults to 'table' when a full table exists for the pair, else 'suite-zero'. */
  source?: BenchmarkSource;
}

const opened = new Map<string, Promise<TabularBenchmark>>();

export function openBenchmark(options: OpenBenchmarkOptions): Promise<TabularBenchmark> {
  const space = typeof options.space === 'string' ? getSpace(options.space) : options.space;
  const entries = BENCHMARKS.filter((e) => e.space === space.name);
  if (entries.length === 0) {
    throw new NaskitError(
      'benchmark_missing',
      `no benchmark table for space '${space.name}'; spaces with tables: ` +
        `${[...new Set(BENCHMARKS.map((e) => e.space))].join(', ')}. Load your own with --table (see generic.ts)`,
    );
  }
  const dataset = canonicalDataset(options.dataset, entries);
  const withDataset = entries.filter((e) => e.datasets.includes(dataset));
  const entry = options.source
    ? withDataset.find((e) => e.source === options.source)
    : (withDataset.find((e) => e.source === 'table') ?? withDataset[0]);
  if (entry === undefined) {
    throw new NaskitError(
      'invalid_argument',
      `${space.name}/${dataset} has no '${options.source}' benchmark; available: ` +
        withDataset.map((e) => e.source).join(', '),
    );
  }
  const dataDir = resolveDataDir(options.dataDir);
  const id = `${dataDir}|${space.name}|${dataset}|${entry.source}`;
  let p = opened.get(id);
  if (p === undefined) {
    p = load(entry, space, dataset, dataDir);
    opened.set(id, p);
    p.catch(() => opened.delete(id));
  }
  return p;
}

/** A user table in the generic format (see generic.ts). */
export function openTable(
  path: string,
  space: string | AnySpace,
  dataset?: string,
): Promise<TabularBenchmark> {
  const s = typeof space === 'string' ? getSpace(space) : space;
  return loadGenericTable(path, s, dataset === undefined ? {} : { dataset });
}

function load(
  entry: BenchmarkEntry,
  space: AnySpace,
  dataset: string,
  dataDir: string,
): Promise<TabularBenchmark> {
  if (entry.source === 'suite-zero') return loadSuiteZero(dataDir, space, dataset);
  switch (entry.space) {
    case 'nb201':
      return loadNb201(dataDir, space, dataset as Nb201Dataset);
    case 'nb101':
      return loadNb101(dataDir, space);
    case 'tnb101-micro':
      return loadTnb101Micro(dataDir, space, dataset as Tnb101Task);
    default:
      throw new NaskitError('benchmark_missing', `no loader for ${entry.space} tables`);
  }
}

const DATASET_ALIASES: Record<string, string> = {
  imagenet16: 'ImageNet16-120',
  imagenet: 'ImageNet16-120',
  'imagenet16-120': 'ImageNet16-120',
  'cifar10-valid': 'cifar10',
};

function canonicalDataset(name: string, entries: readonly BenchmarkEntry[]): string {
  const all = [...new Set(entries.flatMap((e) => e.datasets))];
  if (all.includes(name)) return name;
  const lower = name.toLowerCase();
  const found = all.find((d) => d.toLowerCase() === lower) ?? DATASET_ALIASES[lower];
  if (found !== undefined && all.includes(found)) return found;
  throw new NaskitError(
    'invalid_argument',
    `unknown dataset '${name}' for space ${entries[0]!.space}; valid datasets: ${all.join(', ')}`,
  );
}
