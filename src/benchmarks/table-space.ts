/**
 * A search space cut down to the architectures a table holds. Needed when the table is a sample of the
 * space (the NB101 20k sample, the Suite-Zero samples): a search must only propose architectures it can
 * look up. Tables that cover their whole space get the space back unchanged.
 */
import type { SearchSpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { TabularBenchmark } from './table.js';

/** Nearest table architectures a mutation chooses among when no one-step neighbor is in the table. */
const NEAREST = 8;

/** One restricted space per table, so its caches (encodings, nearest lists) serve every seed. */
const restricted = new WeakMap<object, SearchSpace<unknown>>();

export function restrictToTable<A>(bench: TabularBenchmark<A>): SearchSpace<A> {
  if (bench.coversSpace()) return bench.space;
  let space = restricted.get(bench) as SearchSpace<A> | undefined;
  if (space === undefined) {
    space = buildRestricted(bench);
    restricted.set(bench, space as SearchSpace<unknown>);
  }
  return space;
}

function buildRestricted<A>(bench: TabularBenchmark<A>): SearchSpace<A> {
  const space = bench.space;
  const rows = bench.searchableRows();
  if (rows.length < 2) {
    throw new NaskitError(
      'benchmark_missing',
      `${bench.id} has ${rows.length} architecture(s) with a cell; a search needs at least 2`,
    );
  }
  const inTable = (arch: A): boolean => {
    const row = bench.rowOf(space.key(arch));
    return row >= 0 && bench.archStringAt(row) !== null;
  };
  const sample = (rng: Rng): A => bench.archAt(rows[rng.int(rows.length)]!);
  const neighbors = (arch: A): A[] => space.neighbors(arch).filter(inTable);
  const sampleOther = (rng: Rng, own: string): A => {
    for (;;) {
      const a = sample(rng);
      if (space.key(a) !== own) return a;
    }
  };
  const nearCache = new Map<string, A[]>();
  const kind = space.encodings[0]?.kind;
  let encoded: Float32Array[] | null = null;
  /** Rows of the NEAREST table architectures to `arch` by L1 distance of their encodings (itself excluded). */
  const nearestRows = (arch: A, own: string): number[] => {
    if (kind === undefined) return [];
    encoded ??= Array.from(rows, (r) => space.encode(bench.archAt(r), kind));
    const x = space.encode(arch, kind);
    const scored: { row: number; d: number }[] = [];
    rows.forEach((row, i) => {
      const e = encoded![i]!;
      let d = 0;
      for (let j = 0; j < x.length; j++) d += Math.abs(x[j]! - e[j]!);
      if (bench.keys[row] !== own) scored.push({ row, d });
    });
    scored.sort((p, q) => p.d - q.d || p.row - q.row);
    return scored.slice(0, NEAREST).map((c) => c.row);
  };

  return {
    name: space.name,
    description: `${space.description} (restricted to the ${rows.length} architectures with a cell in ${bench.id})`,
    ops: space.ops,
    size: rows.length,
    encodings: space.encodings,
    parse: (text) => space.parse(text),
    format: (arch) => space.format(arch),
    key: (arch) => space.key(arch),
    encode: (arch, kind) => space.encode(arch, kind),
    sample,
    /**
     * The nearest change that stays in the table: a one-step neighbor the table holds, else one of the
     * NEAREST table architectures closest in the space's first encoding (L1 distance). Both lists are
     * cached per architecture, so an evolution that keeps mutating one parent stays cheap.
     */
    mutate(arch: A, rng: Rng): A {
      const own = space.key(arch);
      let near = nearCache.get(own);
      if (near === undefined) {
        near = neighbors(arch);
        if (near.length === 0) near = nearestRows(arch, own).map((r) => bench.archAt(r));
        nearCache.set(own, near);
      }
      return near.length > 0 ? rng.pick(near) : sampleOther(rng, own);
    },
    neighbors,
    *enumerate() {
      for (const row of rows) yield bench.archAt(row);
    },
  };
}
