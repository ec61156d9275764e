/**
 * A search space cut down to the architectures a table holds. Needed when the table is a sample of the
 * space (the NB101 20k sample, the Suite-Zero samples): a search must only propose architectures it can
 * look up. Tables that cover their whole space get the space back unchanged.
 */
import type { SearchSpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { TabularBenchmark } from './table.js';

/** Random walks of 1..MAX_WALK mutations are tried, TRIES_PER_LENGTH each, before falling back to a sample. */
const MAX_WALK = 4;
const TRIES_PER_LENGTH = 64;

export function restrictToTable<A>(bench: TabularBenchmark<A>): SearchSpace<A> {
  const space = bench.space;
  if (bench.coversSpace()) return space;
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
    /** The nearest change that stays in the table: one-step neighbors first, then longer random walks. */
    mutate(arch: A, rng: Rng): A {
      const own = space.key(arch);
      const near = space.neighbors(arch).filter(inTable);
      if (near.length > 0) return rng.pick(near);
      for (let length = 2; length <= MAX_WALK; length++) {
        for (let t = 0; t < TRIES_PER_LENGTH; t++) {
          let a = arch;
          for (let s = 0; s < length; s++) a = space.mutate(a, rng);
          if (space.key(a) !== own && inTable(a)) return a;
        }
      }
      for (;;) {
        const a = sample(rng);
        if (space.key(a) !== own) return a;
      }
    },
    neighbors: (arch) => space.neighbors(arch).filter(inTable),
    *enumerate() {
      for (const row of rows) yield bench.archAt(row);
    },
  };
}
