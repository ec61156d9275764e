/**
 * `naskit bench query`: benchmark-lookup throughput on NAS-Bench-201: how many `queryKey(key, metric)`
 * calls per second the table answers, for keys built fresh by the space (not the table's own string
 * objects), plus the rate of `query(arch, metric)`, which also formats the architecture into its key.
 */
import { openBenchmark } from '../../benchmarks/catalog.js';
import { getSpace } from '../../spaces/index.js';
import { resolveDataDir } from '../../util/data-dir.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { benchOutput } from './output.js';

export interface BenchQueryOptions {
  dataDir?: string;
  dataset?: string;
  /** Seconds to spend on each measurement (default 1). */
  seconds?: number;
  seed?: number;
}

export interface BenchQueryResult {
  /** queryKey(key, 'val_acc') calls per second. */
  queries_per_s: number;
  /** query(arch, 'val_acc') calls per second (includes space.key(arch)). */
  arch_queries_per_s: number;
  /** Time to open the table in this call (small if it was already loaded in this process). */
  load_ms: number;
  /** Process resident set size (MB) right after the table is open: bounds the memory loading takes. */
  load_rss_mb: number;
}

export async function benchQuery(options: BenchQueryOptions = {}): Promise<BenchQueryResult> {
  const seconds = options.seconds ?? 1;
  if (!(seconds > 0)) throw new NaskitError('invalid_argument', `seconds must be positive, got ${seconds}`);
  const t0 = performance.now();
  const bench = await openBenchmark({
    space: 'nb201',
    dataset: options.dataset ?? 'cifar10',
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  });
  const loadMs = performance.now() - t0;
  const loadRssMb = process.memoryUsage().rss / (1024 * 1024);
  const space = getSpace('nb201');
  const rng = new Rng(options.seed ?? 0);
  const archs = Array.from({ length: 4096 }, () => space.sample(rng));
  const keys = archs.map((a) => space.key(a));

  const rate = (one: (i: number) => number): number => {
    let calls = 0;
    let sink = 0;
    const start = performance.now();
    let now = start;
    while (now - start < seconds * 1000) {
      for (let i = 0; i < keys.length; i++) sink += one(i);
      calls += keys.length;
      now = performance.now();
    }
    if (Number.isNaN(sink)) throw new NaskitError('data_corrupt', 'NB201 val_acc holds NaN');
    return calls / ((now - start) / 1000);
  };
  const queriesPerS = rate((i) => bench.queryKey(keys[i]!, 'val_acc'));
  const archQueriesPerS = rate((i) => bench.query(archs[i]!, 'val_acc'));
  return {
    queries_per_s: queriesPerS,
    arch_queries_per_s: archQueriesPerS,
    load_ms: loadMs,
    load_rss_mb: loadRssMb,
  };
}

export interface QueryBenchFlags {
  dataDir?: string;
  dataset?: string;
  seconds?: number;
  json?: boolean;
}

/** Run the bench and return what the command prints. */
export async function runQueryBench(flags: QueryBenchFlags): Promise<string> {
  const result = await benchQuery({
    dataDir: resolveDataDir(flags.dataDir),
    dataset: flags.dataset,
    seconds: flags.seconds,
  });
  return benchOutput(result, flags.json, (r) => [
    `queryKey     ${Math.round(r.queries_per_s).toLocaleString('en-US')} lookups/s`,
    `query(arch)  ${Math.round(r.arch_queries_per_s).toLocaleString('en-US')} lookups/s (formats the key too)`,
    `table load   ${r.load_ms.toFixed(0)} ms`,
  ]);
}
