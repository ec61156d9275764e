/**
 * Evaluate proxies against a tabular benchmark: pick architectures from the table (a seeded sample or
 * all of them), score them on the dataset's images (through a resumable cache when given), and report
 * rank correlations with the table's accuracy per proxy.
 */
import { openBenchmark, type BenchmarkSource } from '../../benchmarks/catalog.js';
import type { TabularBenchmark } from '../../benchmarks/table.js';
import { spearman } from '../../stats/correlation.js';
import { resolveDataDir } from '../../util/data-dir.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { ScoreCache } from '../../proxies/cache.js';
import { createProxyContext } from '../../proxies/context.js';
import { resolveProxies } from '../../proxies/index.js';
import type { ProxyValue } from '../../proxies/proxy.js';
import { scoreArchitectures, type ArchScorer, type ScoreProgress } from '../../proxies/run.js';
import { proxyStats, type ProxyStats } from './stats.js';

export interface ProxyEvalOptions {
  space: string;
  dataset: string;
  proxies: readonly string[];
  /** Number of architectures to sample; ignored with `all`. */
  sample?: number;
  all?: boolean;
  seed?: number;
  dataDir?: string;
  cachePath?: string;
  /** Accuracy column (default: the table's test metric). */
  metric?: string;
  /** 'table' (full benchmark, default) or 'suite-zero' (NAS-Bench-Suite-Zero samples with reference scores). */
  source?: BenchmarkSource;
  threads?: number;
  concurrency?: number;
  /** Worker threads (default 1: the calling thread). */
  workers?: number;
  onProgress?: (progress: ScoreProgress) => void;
  /** What scores the architectures (default scoreArchitectures in this process; naskit workers with --redis). */
  scorer?: ArchScorer;
}

export interface ProxyEvalResult {
  space: string;
  dataset: string;
  metric: string;
  n: number;
  proxies: Record<string, ProxyStats>;
  /** Per architecture: its key, accuracy and every proxy's value (null = failed). */
  rows: { key: string; arch: string; accuracy: number; scores: Record<string, ProxyValue> }[];
}

export const DEFAULT_SAMPLE = 1000;

/** Table rows to evaluate: every row with a cell and an accuracy, or a seeded sample of them. */
export function pickRows(
  bench: TabularBenchmark,
  metric: string,
  options: { sample?: number; all?: boolean; seed?: number },
): number[] {
  const accuracy = bench.column(metric);
  const rows = Array.from(bench.searchableRows()).filter((r) => Number.isFinite(accuracy[r]!));
  if (options.all) return rows;
  const n = options.sample ?? DEFAULT_SAMPLE;
  if (!Number.isInteger(n) || n < 2) {
    throw new NaskitError('invalid_argument', `--sample must be an integer ≥ 2, got ${n}`);
  }
  if (n >= rows.length) return rows;
  return new Rng(options.seed ?? 0)
    .sampleIndices(rows.length, n)
    .map((i) => rows[i]!)
    .sort((a, b) => a - b);
}

export async function evaluateProxies(options: ProxyEvalOptions): Promise<ProxyEvalResult> {
  const proxies = resolveProxies(options.proxies);
  const dataDir = resolveDataDir(options.dataDir);
  const bench = await openBenchmark({
    space: options.space,
    dataset: options.dataset,
    dataDir,
    ...(options.source === undefined ? {} : { source: options.source }),
  });
  const metric = options.metric ?? bench.testMetric;
  const rows = pickRows(bench, metric, options);
  const archs = rows.map((r) => bench.archAt(r));
  const seed = options.seed ?? 0;
  const context = createProxyContext({
    space: bench.space,
    dataset: imageSetOf(bench.dataset),
    dataDir,
    seed,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  const cache = options.cachePath
    ? ScoreCache.open(options.cachePath, { space: bench.space.name, dataset: context.dataset, seed })
    : undefined;
  let scores: Map<string, ProxyValue[]>;
  try {
    scores = await (options.scorer ?? scoreArchitectures)({
      context,
      proxies,
      archs,
      ...(cache ? { cache } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    cache?.close();
  }
  const accuracy = rows.map((r) => bench.queryRow(r, metric));
  const stats: Record<string, ProxyStats> = {};
  for (const proxy of proxies) {
    const values = scores.get(proxy.name)!;
    stats[proxy.name] = proxyStats(
      values.map((v) => v.value),
      accuracy,
      values.map((v) => v.seconds),
    );
    // Tables that carry published scores of the same proxy (NAS-Bench-Suite-Zero) get compared.
    if (bench.metricNames.includes(proxy.name)) {
      const reference = rows.map((r) => bench.queryRow(r, proxy.name));
      stats[proxy.name]!.reference_spearman = spearman(
        values.map((v) => v.value ?? Number.NaN),
        reference,
        { nonFinite: 'drop' },
      );
    }
  }
  return {
    space: bench.space.name,
    dataset: bench.dataset,
    metric,
    n: rows.length,
    proxies: stats,
    rows: rows.map((r, i) => ({
      key: bench.keys[r]!,
      arch: bench.space.format(archs[i]),
      accuracy: accuracy[i]!,
      scores: Object.fromEntries(proxies.map((p) => [p.name, scores.get(p.name)![i]!])),
    })),
  };
}

/**
 * Images the proxies look at for a benchmark dataset. Only CIFAR-10 images ship with the data folder;
 * NB201's CIFAR-100 and ImageNet16-120 tables are scored on CIFAR-10 images (same 32×32 networks,
 * 10-way heads for the label-based proxies) and this is stated in every report.
 */
export function imageSetOf(dataset: string): string {
  if (dataset === 'cifar10' || dataset === 'cifar100' || dataset === 'ImageNet16-120') return 'cifar10';
  throw new NaskitError(
    'invalid_argument',
    `no images for dataset '${dataset}'; proxies can be evaluated on cifar10 (and NB201's cifar100 / ImageNet16-120 tables with cifar10 images)`,
  );
}
