/**
 * A tabular benchmark for one (search space, dataset): metric columns stored as Float64Arrays, one row
 * per architecture, looked up by the space's canonical key (`space.key(arch)`) and nothing else.
 */
import type { SearchSpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import type { CostModel } from './cost.js';

export interface MetricInfo {
  /** Name used in queries: 'val_acc', 'test_acc', 'val_acc_12', 'params', 'latency:pixel3', ... */
  name: string;
  /** What it measures, which split and how many epochs, and where it comes from. */
  description: string;
  /** '%', 'M', 'MFLOPs', 'ms', 's', 'SSIM', 'score', ... */
  unit: string;
}

export interface MetricColumn {
  info: MetricInfo;
  values: Float64Array;
}

export interface TableInit<A> {
  space: SearchSpace<A>;
  dataset: string;
  /** Where the rows come from (file paths), for messages and reports. */
  source: string;
  /** Canonical key of each row. */
  keys: readonly string[];
  /**
   * Arch string of each row, or null when the table has no cell for that row. Either already canonical and
   * checked against `keys` (`archStringsChecked: true`), or any form the space parses; then `archAt` checks
   * on first use that it parses to the row's key, so huge tables need not be parsed up front.
   */
  archStrings: readonly (string | null)[];
  archStringsChecked?: boolean;
  columns: readonly MetricColumn[];
  /** Metric a search optimizes (the validation metric) and the metric reported as the result. */
  valMetric: string;
  testMetric: string;
  cost: CostModel;
  /** Caveats users should know (e.g. "no test split: test_acc = val_acc"). */
  notes?: readonly string[];
}

export class TabularBenchmark<A = unknown> {
  readonly space: SearchSpace<A>;
  readonly dataset: string;
  readonly source: string;
  readonly size: number;
  readonly keys: readonly string[];
  readonly valMetric: string;
  readonly testMetric: string;
  readonly cost: CostModel;
  readonly notes: readonly string[];
  private readonly archStrings: readonly (string | null)[];
  private readonly rowOfKey = new Map<string, number>();
  private readonly columns = new Map<string, MetricColumn>();
  private searchable: Int32Array | null = null;
  /** Rows whose arch string is known to parse to the row's key (all of them when checked at load). */
  private readonly checkedRows: Uint8Array;

  constructor(init: TableInit<A>) {
    this.space = init.space;
    this.dataset = init.dataset;
    this.source = init.source;
    this.keys = init.keys;
    this.size = init.keys.length;
    this.archStrings = init.archStrings;
    this.valMetric = init.valMetric;
    this.testMetric = init.testMetric;
    this.cost = init.cost;
    this.notes = init.notes ?? [];
    this.checkedRows = new Uint8Array(this.size).fill(init.archStringsChecked === false ? 0 : 1);
    if (init.archStrings.length !== this.size) {
      throw new NaskitError(
        'data_corrupt',
        `${this.id}: ${init.archStrings.length} arch strings for ${this.size} keys`,
      );
    }
    init.keys.forEach((key, row) => {
      const prev = this.rowOfKey.get(key);
      if (prev !== undefined) {
        throw new NaskitError('data_corrupt', `${this.id}: rows ${prev} and ${row} have the same key ${key}`);
      }
      this.rowOfKey.set(key, row);
    });
    for (const col of init.columns) {
      if (col.values.length !== this.size) {
        throw new NaskitError(
          'data_corrupt',
          `${this.id}: metric ${col.info.name} has ${col.values.length} values for ${this.size} rows`,
        );
      }
      this.columns.set(col.info.name, col);
    }
    for (const m of [this.valMetric, this.testMetric]) this.metric(m);
  }

  /** 'nb201/cifar10'. */
  get id(): string {
    return `${this.space.name}/${this.dataset}`;
  }

  get metricNames(): string[] {
    return [...this.columns.keys()];
  }

  metricInfo(name: string): MetricInfo {
    return this.metric(name).info;
  }

  /** The whole column of a metric, indexed by row; for hot loops (do not modify). */
  column(name: string): Float64Array {
    return this.metric(name).values;
  }

  /** Row of a key, or -1 when the table does not have that architecture. */
  rowOf(key: string): number {
    return this.rowOfKey.get(key) ?? -1;
  }

  has(arch: A): boolean {
    return this.rowOfKey.has(this.space.key(arch));
  }

  hasKey(key: string): boolean {
    return this.rowOfKey.has(key);
  }

  query(arch: A, metric: string): number {
    return this.queryKey(this.space.key(arch), metric);
  }

  queryKey(key: string, metric: string): number {
    const row = this.rowOfKey.get(key);
    if (row === undefined) throw this.notInTable(key);
    return this.metric(metric).values[row]!;
  }

  queryRow(row: number, metric: string): number {
    if (!(row >= 0 && row < this.size)) {
      throw new NaskitError('invalid_argument', `${this.id}: row ${row} is out of range 0..${this.size - 1}`);
    }
    return this.metric(metric).values[row]!;
  }

  /** Simulated cost in seconds of training the architecture in a row; NaN when the table has no cost model. */
  costOfRow(row: number): number {
    return this.cost.seconds(row);
  }

  /** The table's string for a row's architecture (parse it, or use `archAt`), or null if it has no cell. */
  archStringAt(row: number): string | null {
    return this.archStrings[row] ?? null;
  }

  /** The architecture of a row, parsed from the table's string. */
  archAt(row: number): A {
    const text = this.archStrings[row];
    if (text === undefined || text === null) {
      throw new NaskitError(
        'not_found',
        `${this.id}: row ${row} (key ${this.keys[row]}) has no architecture string in ${this.source}`,
      );
    }
    const arch = this.space.parse(text);
    if (this.checkedRows[row] === 0) {
      const key = this.space.key(arch);
      if (key !== this.keys[row]) {
        throw new NaskitError(
          'data_corrupt',
          `${this.id}: row ${row} of ${this.source} is keyed ${this.keys[row]}, but its cell ${text} has key ${key}`,
        );
      }
      this.checkedRows[row] = 1;
    }
    return arch;
  }

  /** Rows whose architecture is known, i.e. the ones a search can propose. */
  searchableRows(): Int32Array {
    if (this.searchable === null) {
      const rows: number[] = [];
      this.archStrings.forEach((s, i) => {
        if (s !== null) rows.push(i);
      });
      this.searchable = Int32Array.from(rows);
    }
    return this.searchable;
  }

  /** True when every architecture of the space (by key) is in the table with its cell. */
  coversSpace(): boolean {
    return this.space.size !== null && this.searchableRows().length === this.space.size;
  }

  private metric(name: string): MetricColumn {
    const col = this.columns.get(name);
    if (col === undefined) {
      throw new NaskitError(
        'invalid_argument',
        `${this.id} has no metric '${name}'; valid metrics: ${this.metricNames.join(', ')}`,
      );
    }
    return col;
  }

  private notInTable(key: string): NaskitError {
    return new NaskitError(
      'not_found',
      `${this.id}: architecture ${key} is not in the table (${this.size} rows from ${this.source}); ` +
        'query only architectures the table holds (see searchableRows) or use a table that covers the space',
    );
  }
}
