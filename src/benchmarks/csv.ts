/**
 * Column-wise CSV reading for benchmark tables. Rows stream through csv-parse (gunzipped on the fly for
 * `.gz` files) straight into typed columns, so a 15,625-row table never exists as 15,625 row objects.
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';
import { NaskitError } from '../util/errors.js';

export interface CsvColumnSpec {
  /** Columns kept as strings. */
  text: readonly string[];
  /** Columns parsed as numbers (an empty cell becomes NaN); 'rest' means every column not in `text`. */
  numeric: readonly string[] | 'rest';
  /** Columns that must be present; defaults to every column named in `text` and `numeric`. */
  required?: readonly string[];
  /** What the table is for, used in error messages ("NB201 accuracies"). */
  purpose: string;
  /** Numbers that mean "not available" in this table (e.g. -1e8 for a failed proxy); read as NaN. */
  missingMarkers?: readonly number[];
}

export interface CsvColumns {
  readonly path: string;
  readonly header: readonly string[];
  readonly rowCount: number;
  readonly text: ReadonlyMap<string, readonly string[]>;
  readonly numeric: ReadonlyMap<string, Float64Array>;
  /** 1-based line number in the file of each data row (the header is line 1). */
  readonly lines: Int32Array;
}

/** Spellings of non-finite numbers that Python/pandas write into CSVs. */
const PYTHON_SPECIALS = new Map<string, number>([
  ['nan', NaN],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['infinity', Infinity],
  ['-infinity', -Infinity],
]);

/** Growable float64 buffer, so columns are typed from the start instead of boxed number arrays. */
class FloatColumn {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export function columnOf<T>(map: ReadonlyMap<string, T>, name: string, path: string): T {
  const c = map.get(name);
  if (c === undefined) throw new NaskitError('data_corrupt', `column ${name} was not read from ${path}`);
  return c;
}

/** Read the named columns of a CSV (optionally gzipped) file. */
export async function readCsvColumns(path: string, spec: CsvColumnSpec): Promise<CsvColumns> {
  let header: string[] | null = null;
  let textIdx: number[] = [];
  let numIdx: number[] = [];
  let textNames: string[] = [];
  let numNames: string[] = [];
  const textCols: string[][] = [];
  const numCols: FloatColumn[] = [];
  const lines: number[] = [];
  const markers = spec.missingMarkers ?? [];

  const setHeader = (names: string[], line: number): void => {
    header = names;
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) throw corrupt(path, line, `duplicate column name '${n}' in the header`);
      seen.add(n);
    }
    textNames = [...spec.text];
    numNames = spec.numeric === 'rest' ? names.filter((n) => !spec.text.includes(n)) : [...spec.numeric];
    const required = spec.required ?? [...textNames, ...numNames];
    const missing = required.filter((n) => !seen.has(n));
    if (missing.length > 0) {
      throw new NaskitError(
        'data_corrupt',
        `${spec.purpose}: ${path} has no column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
          `(line 1 has: ${names.join(', ')}); expected ${required.join(', ')}`,
      );
    }
    textNames = textNames.filter((n) => seen.has(n));
    numNames = numNames.filter((n) => seen.has(n));
    textIdx = textNames.map((n) => names.indexOf(n));
    numIdx = numNames.map((n) => names.indexOf(n));
    for (let i = 0; i < textIdx.length; i++) textCols.push([]);
    for (let i = 0; i < numIdx.length; i++) numCols.push(new FloatColumn());
  };

  const onRecord = (record: string[], line: number): void => {
    if (header === null) {
      setHeader(record, line);
      return;
    }
    lines.push(line);
    for (let c = 0; c < textIdx.length; c++) textCols[c]!.push(record[textIdx[c]!]!);
    for (let c = 0; c < numIdx.length; c++) {
      const cell = record[numIdx[c]!]!;
      let x = cell === '' ? NaN : Number(cell);
      if (Number.isNaN(x)) x = PYTHON_SPECIALS.get(cell.toLowerCase()) ?? NaN;
      if (Number.isNaN(x) && cell !== '' && !PYTHON_SPECIALS.has(cell.toLowerCase())) {
        throw corrupt(path, line, `column ${numNames[c]} holds '${cell}', which is not a number`);
      }
      if (markers.length > 0 && markers.includes(x)) x = NaN;
      numCols[c]!.push(x);
    }
  };

  const source = createReadStream(path);
  // Rows are consumed inside on_record (which returns null, so nothing flows further): this avoids one
  // object per row on the stream and still gives exact line numbers.
  let failure: unknown = null;
  const parser = parse({
    skip_empty_lines: true,
    on_record: (record: string[], context: { lines: number }) => {
      if (failure === null) {
        try {
          onRecord(record, context.lines);
        } catch (err) {
          failure = err;
        }
      }
      return null;
    },
  });
  const sink = new Writable({ objectMode: true, write: (_chunk, _enc, done) => done() });
  try {
    if (path.endsWith('.gz')) await pipeline(source, createGunzip(), parser, sink);
    else await pipeline(source, parser, sink);
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw corrupt(path, line ?? 0, `${spec.purpose}: ${err.message}`, err);
    }
    throw new NaskitError(
      'data_corrupt',
      `${spec.purpose}: could not read ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (failure !== null) throw failure;
  if (header === null) {
    throw new NaskitError('data_corrupt', `${spec.purpose}: ${path} is empty (expected a header row)`);
  }

  const text = new Map<string, string[]>();
  textNames.forEach((n, i) => text.set(n, textCols[i]!));
  const numeric = new Map<string, Float64Array>();
  numNames.forEach((n, i) => numeric.set(n, numCols[i]!.finish()));
  return {
    path,
    header: header as string[],
    rowCount: lines.length,
    text,
    numeric,
    lines: Int32Array.from(lines),
  };
}

function corrupt(path: string, line: number, what: string, cause?: unknown): NaskitError {
  return new NaskitError(
    'data_corrupt',
    `${path}:${line}: ${what}`,
    cause === undefined ? undefined : { cause },
  );
}
