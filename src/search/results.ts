/**
 * Honest reporting. The result of a run at budget B is the TEST metric of the architecture with the best
 * VALIDATION metric among the first B queries (ties go to the earlier query) — never the best test
 * metric seen, which no real search could know.
 */
import type { TabularBenchmark } from '../benchmarks/table.js';
import { NaskitError } from '../util/errors.js';
import type { QueryRecord } from './evaluator.js';

/** The incumbent after the first `budget` queries, or null when no query was made. */
export function incumbentAt(history: readonly QueryRecord[], budget: number): QueryRecord | null {
  let best: QueryRecord | null = null;
  const end = Math.min(budget, history.length);
  for (let i = 0; i < end; i++) {
    const q = history[i]!;
    if (best === null || q.val > best.val) best = q;
  }
  return best;
}

/** The incumbent among the queries that finished within `seconds` of simulated training time. */
export function incumbentAtTime(history: readonly QueryRecord[], seconds: number): QueryRecord | null {
  let best: QueryRecord | null = null;
  for (const q of history) {
    if (q.elapsed === null) {
      throw new NaskitError(
        'invalid_argument',
        'these queries carry no cost; report by query budget instead',
      );
    }
    if (q.elapsed > seconds) break;
    if (best === null || q.val > best.val) best = q;
  }
  return best;
}

export interface Oracle {
  /** Test metric of the architecture with the best validation metric in the whole table. */
  bestValTest: number;
  bestValArch: string;
  bestVal: number;
  /** Best test metric in the table (not reachable by an honest search unless val agrees). */
  bestTest: number;
  bestTestArch: string;
}

/** Reference points over the architectures a search can propose (rows with a cell). */
export function oracle(
  bench: TabularBenchmark,
  valMetric = bench.valMetric,
  testMetric = bench.testMetric,
): Oracle {
  const val = bench.column(valMetric);
  const test = bench.column(testMetric);
  let bv = -1;
  let bt = -1;
  for (const row of bench.searchableRows()) {
    if (bv < 0 || val[row]! > val[bv]!) bv = row;
    if (bt < 0 || test[row]! > test[bt]!) bt = row;
  }
  if (bv < 0) throw new NaskitError('benchmark_missing', `${bench.id} has no searchable rows`);
  return {
    bestValTest: test[bv]!,
    bestValArch: bench.space.format(bench.archAt(bv)),
    bestVal: val[bv]!,
    bestTest: test[bt]!,
    bestTestArch: bench.space.format(bench.archAt(bt)),
  };
}
