/**
 * User tables in one documented format, so any space can get a benchmark:
 *
 *   CSV (optionally .csv.gz), comma-separated, header row, '.' decimals.
 *   arch          required  the architecture in a form the space parses; canonicalized with space.key
 *   val_acc       required  the metric a search maximizes (every row needs a number)
 *   test_acc      optional  the metric reported as the result; when absent, test = val
 *   train_time_s  optional  training time in seconds; when present, each query charges it
 *   any other     optional  numeric metric columns, queried by their header name (empty cell = NaN)
 *
 * Errors name the file and line: an arch the space cannot parse, two rows with the same architecture
 * after canonicalization, a missing required column, a non-numeric cell, a row with too many cells.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { SearchSpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import { columnOf, readCsvColumns } from './csv.js';
import { measuredCost, noCost } from './cost.js';
import { assertUniqueKeys, canonicalize } from './keys.js';
import { TabularBenchmark, type MetricColumn } from './table.js';

export const GENERIC_ARCH_COLUMN = 'arch';

export async function loadGenericTable<A>(
  path: string,
  space: SearchSpace<A>,
  options: { dataset?: string } = {},
): Promise<TabularBenchmark<A>> {
  if (!existsSync(path)) {
    throw new NaskitError(
      'data_missing',
      `table file ${path} does not exist; check the path given with --table`,
    );
  }
  const csv = await readCsvColumns(path, {
    text: [GENERIC_ARCH_COLUMN],
    numeric: 'rest',
    required: [GENERIC_ARCH_COLUMN, 'val_acc'],
    purpose: `${space.name} table`,
  });
  if (csv.rowCount === 0) {
    throw new NaskitError('data_corrupt', `${path} has a header but no rows; add one row per architecture`);
  }
  const val = columnOf(csv.numeric, 'val_acc', path);
  val.forEach((x, i) => {
    if (!Number.isFinite(x)) {
      throw new NaskitError(
        'data_corrupt',
        `${path}:${csv.lines[i]}: val_acc is empty or not finite; every row needs a validation value`,
      );
    }
  });
  const canon = canonicalize(
    space,
    columnOf(csv.text, GENERIC_ARCH_COLUMN, path),
    csv.lines,
    path,
    GENERIC_ARCH_COLUMN,
  );
  assertUniqueKeys(canon.keys, csv.lines, path, GENERIC_ARCH_COLUMN);

  const hasTest = csv.numeric.has('test_acc');
  const notes = hasTest
    ? []
    : [`${path} has no test_acc column: test_acc is the validation metric (test = val)`];
  const columns: MetricColumn[] = [];
  for (const [name, values] of csv.numeric) {
    columns.push({ info: { name, description: `column ${name} of ${path}`, unit: '' }, values });
  }
  if (!hasTest) {
    columns.push({
      info: { name: 'test_acc', description: 'same as val_acc (the table has no test_acc)', unit: '' },
      values: val,
    });
  }
  const time = csv.numeric.get('train_time_s');
  return new TabularBenchmark({
    space,
    dataset: options.dataset ?? basename(path).replace(/\.csv(\.gz)?$/i, ''),
    source: path,
    keys: canon.keys,
    archStrings: canon.archStrings,
    columns,
    valMetric: 'val_acc',
    testMetric: 'test_acc',
    cost: time
      ? measuredCost(time, `measured: column train_time_s of ${path}`)
      : noCost(`none: ${path} has no train_time_s column; use a query budget`),
    notes,
  });
}
