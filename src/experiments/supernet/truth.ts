/**
 * Ground truth for supernet searches on NB201: the table's 200-epoch test accuracy on the three NB201
 * datasets and the parameter count (CIFAR-10 network). Read only for reporting, never by a search.
 */
import { BENCHMARKS, openBenchmark } from '../../benchmarks/catalog.js';
import type { TabularBenchmark } from '../../benchmarks/table.js';
import { NB201_DATASETS } from '../../benchmarks/nb201.js';
import type { AnySpace } from '../../spaces/space.js';
import { meanStd } from '../../stats/summary.js';
import { NaskitError } from '../../util/errors.js';

export interface Truth {
  cifar10: number;
  cifar100: number;
  'ImageNet16-120': number;
}

export interface TruthTables {
  of(arch: unknown): { true: Truth; params_m: number } | null;
}

/**
 * The full tables of the three NB201 datasets for the space (which only NB201 has today) when the data
 * folder has them; otherwise null.
 */
export async function openTruth(space: AnySpace, dataDir: string | undefined): Promise<TruthTables | null> {
  const hasTables = NB201_DATASETS.every((d) =>
    BENCHMARKS.some((e) => e.space === space.name && e.source === 'table' && e.datasets.includes(d)),
  );
  if (!hasTables) return null;
  let tables: TabularBenchmark[];
  try {
    tables = await Promise.all(
      NB201_DATASETS.map((dataset) =>
        openBenchmark({ space, dataset, ...(dataDir ? { dataDir } : {}), source: 'table' }),
      ),
    );
  } catch (err) {
    // Without the tables a search runs on and reports no truth; a damaged table is still an error.
    if (err instanceof NaskitError && (err.code === 'data_missing' || err.code === 'benchmark_missing'))
      return null;
    throw err;
  }
  return {
    of(arch) {
      const truth = {} as Truth;
      NB201_DATASETS.forEach((d, i) => (truth[d] = tables[i]!.query(arch, 'test_acc')));
      return { true: truth, params_m: tables[0]!.query(arch, 'params') };
    },
  };
}

/** Mean and std of the runs' true accuracies per dataset; null unless every run has them. */
export function truthStats(runs: readonly { true: Truth | null }[]): {
  mean: Truth | null;
  std: Truth | null;
} {
  if (runs.length === 0 || runs.some((r) => r.true === null)) return { mean: null, std: null };
  const mean = {} as Truth;
  const std = {} as Truth;
  for (const d of NB201_DATASETS) {
    const s = meanStd(runs.map((r) => r.true![d]));
    mean[d] = s.mean;
    std[d] = s.std;
  }
  return { mean, std };
}
