/**
 * Answers a strategy's queries from a tabular benchmark, charges the simulated cost and records every
 * query (key, canonical string, validation, test, cost). The strategy only ever sees the validation
 * metric; the test metric is kept for reporting.
 */
import type { TabularBenchmark } from '../benchmarks/table.js';
import { NaskitError } from '../util/errors.js';
import type { Evaluator, Observation } from './strategy.js';

/** Stop after this many queries and/or this many simulated training seconds (whichever comes first). */
export interface Budget {
  queries?: number;
  seconds?: number;
}

export interface QueryRecord {
  /** 1-based position in the run. */
  n: number;
  key: string;
  arch: string;
  val: number;
  test: number;
  /** Simulated training seconds of this query; null without a cost model. */
  cost: number | null;
  /** Simulated seconds spent once this query finished; null without a cost model. */
  elapsed: number | null;
}

export interface EvaluatorOptions {
  /** Metric the search maximizes; defaults to the benchmark's validation metric. */
  valMetric?: string;
  /** Metric reported as the result; defaults to the benchmark's test metric. */
  testMetric?: string;
}

export class BenchmarkEvaluator<A> implements Evaluator<A> {
  readonly history: QueryRecord[] = [];
  private readonly seen = new Map<string, Observation>();
  private readonly val: Float64Array;
  private readonly test: Float64Array;
  private seconds = 0;

  constructor(
    readonly bench: TabularBenchmark<A>,
    readonly budget: Budget,
    options: EvaluatorOptions = {},
  ) {
    checkBudget(budget, bench);
    this.val = bench.column(options.valMetric ?? bench.valMetric);
    this.test = bench.column(options.testMetric ?? bench.testMetric);
  }

  get queries(): number {
    return this.history.length;
  }

  /** Simulated seconds spent so far (0 when the benchmark has no cost model). */
  get elapsedSeconds(): number {
    return this.seconds;
  }

  canQuery(): boolean {
    const { queries, seconds } = this.budget;
    if (queries !== undefined && this.history.length >= queries) return false;
    if (seconds !== undefined && this.seconds >= seconds) return false;
    return true;
  }

  known(key: string): Observation | undefined {
    return this.seen.get(key);
  }

  async evaluate(arch: A): Promise<Observation> {
    if (!this.canQuery()) {
      throw new NaskitError(
        'invalid_argument',
        `budget exhausted after ${this.history.length} queries` +
          `${this.budget.seconds !== undefined ? ` and ${this.seconds.toFixed(0)} s` : ''}: ` +
          'a strategy must check canQuery() before each evaluate()',
      );
    }
    const key = this.bench.space.key(arch);
    const row = this.bench.rowOf(key);
    if (row < 0) this.bench.queryKey(key, this.bench.valMetric); // throws the table's not-found error
    const cost = this.bench.cost.kind === 'none' ? null : this.bench.costOfRow(row);
    if (cost !== null) this.seconds += cost;
    const val = this.val[row]!;
    this.history.push({
      n: this.history.length + 1,
      key,
      arch: this.bench.space.format(arch),
      val,
      test: this.test[row]!,
      cost,
      elapsed: cost === null ? null : this.seconds,
    });
    const obs: Observation = { key, val, cost };
    this.seen.set(key, obs);
    return obs;
  }
}

function checkBudget(budget: Budget, bench: TabularBenchmark<unknown>): void {
  const { queries, seconds } = budget;
  if (queries === undefined && seconds === undefined) {
    throw new NaskitError('invalid_argument', 'a search budget needs queries and/or seconds');
  }
  if (queries !== undefined && !(Number.isInteger(queries) && queries >= 1)) {
    throw new NaskitError('invalid_argument', `query budget must be a positive integer, got ${queries}`);
  }
  if (seconds !== undefined && !(seconds > 0)) {
    throw new NaskitError(
      'invalid_argument',
      `time budget must be a positive number of seconds, got ${seconds}`,
    );
  }
  if (seconds !== undefined && bench.cost.kind === 'none') {
    throw new NaskitError(
      'invalid_argument',
      `${bench.id} has no training-time data (${bench.cost.description}), so a time budget cannot be charged; ` +
        'use a query budget',
    );
  }
}
