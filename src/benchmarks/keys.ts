/**
 * Turning arch strings from a table into the space's canonical keys, with line numbers on failure, and a
 * small cache so one file read serves several datasets.
 */
import type { SearchSpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import { readCsvColumns, type CsvColumns, type CsvColumnSpec } from './csv.js';

const csvCache = new Map<string, Promise<CsvColumns>>();

/** Read a table once per process (the files are read-only benchmark data). */
export function readCsvCached(path: string, spec: CsvColumnSpec): Promise<CsvColumns> {
  const id = `${path}\u0000${JSON.stringify(spec)}`;
  let p = csvCache.get(id);
  if (p === undefined) {
    p = readCsvColumns(path, spec);
    csvCache.set(id, p);
    p.catch(() => csvCache.delete(id));
  }
  return p;
}

export interface CanonicalRows {
  keys: string[];
  archStrings: string[];
}

/** Parse every arch string with the space; an unparseable one is reported with its file and line. */
export function canonicalize<A>(
  space: SearchSpace<A>,
  texts: readonly string[],
  lines: Int32Array,
  path: string,
  column: string,
): CanonicalRows {
  const keys: string[] = new Array(texts.length);
  const archStrings: string[] = new Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    let arch: A;
    try {
      arch = space.parse(texts[i]!);
    } catch (err) {
      throw new NaskitError(
        'data_corrupt',
        `${path}:${lines[i]}: column ${column} holds '${texts[i]}', which the ${space.name} space cannot parse: ` +
          `${(err as Error).message}`,
        { cause: err },
      );
    }
    keys[i] = space.key(arch);
    archStrings[i] = space.format(arch);
  }
  return { keys, archStrings };
}

/**
 * Canonical rows for a table indexed by the space's official enumeration order (row i = i-th architecture
 * of `space.enumerate()`): each row's string only has to equal the enumerated architecture's key, which
 * skips parsing 15,625 strings. A string that differs is parsed and must name that same architecture.
 */
export function canonicalizeIndexed<A>(
  space: SearchSpace<A>,
  texts: readonly string[],
  lines: Int32Array,
  path: string,
  column: string,
): CanonicalRows {
  if (space.enumerate === undefined || space.size !== texts.length) {
    return canonicalize(space, texts, lines, path, column);
  }
  const keys: string[] = new Array(texts.length);
  const archStrings: string[] = new Array(texts.length);
  let i = 0;
  for (const arch of space.enumerate()) {
    const key = space.key(arch);
    if (texts[i] !== key) {
      const parsed = canonicalize(space, [texts[i]!], lines.subarray(i, i + 1), path, column);
      if (parsed.keys[0] !== key) {
        throw new NaskitError(
          'data_corrupt',
          `${path}:${lines[i]}: index ${i} holds ${texts[i]}, but ${space.name}'s architecture ${i} is ${key}; ` +
            'the table is not in the official index order',
        );
      }
    }
    keys[i] = key;
    archStrings[i] = space.format(arch);
    i++;
  }
  return { keys, archStrings };
}

/** Reject two rows with the same key, naming both lines. */
export function assertUniqueKeys(
  keys: readonly string[],
  lines: Int32Array,
  path: string,
  column: string,
): void {
  const firstLine = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) {
    const prev = firstLine.get(keys[i]!);
    if (prev !== undefined) {
      throw new NaskitError(
        'data_corrupt',
        `${path}:${lines[i]}: the ${column} on this line is the same architecture (key ${keys[i]}) as line ${prev}; ` +
          'each architecture may appear once: remove or merge the duplicate rows',
      );
    }
    firstLine.set(keys[i]!, lines[i]!);
  }
}
