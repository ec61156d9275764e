import { describe, expect, it } from 'vitest';
import { sumLandscape, toyBenchmark, toySpace, type ToyArch } from '../../test/helpers/fake-space.js';
import { Rng } from '../util/rng.js';
import type { TabularBenchmark } from './table.js';
import { restrictToTable } from './table-space.js';

/** A table holding every 7th architecture of a 4-edge, 4-op toy space: most one-step neighbours are absent. */
function sparseTable(): TabularBenchmark<ToyArch> {
  const space = toySpace(4, ['a', 'b', 'c', 'd']);
  const archs = [...space.enumerate!()].filter((_, i) => i % 7 === 0);
  return toyBenchmark(space, { val: sumLandscape, test: sumLandscape }, archs);
}

describe('restrictToTable on a sampled table', () => {
  const bench = sparseTable();
  const space = restrictToTable(bench);

  it('is built once per table and its mutations stay in the table, never the parent itself', () => {
    expect(restrictToTable(bench)).toBe(space);
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const parent = space.sample(rng);
      const child = space.mutate(parent, rng);
      expect(bench.has(child)).toBe(true);
      expect(space.key(child)).not.toBe(space.key(parent));
    }
  });

  it('without an in-table neighbour, mutates to one of the closest table architectures', () => {
    const full = toySpace(4, ['a', 'b', 'c', 'd']);
    const rng = new Rng(4);
    let isolated = 0;
    for (let i = 0; i < 50; i++) {
      const parent = space.sample(rng);
      if (full.neighbors(parent).some((n) => bench.has(n))) continue;
      isolated++;
      const child = space.mutate(parent, rng);
      const dist = (a: ToyArch, b: ToyArch) => a.ops.reduce((s, o, e) => s + (o === b.ops[e] ? 0 : 2), 0);
      const others = [...space.enumerate!()].filter((a) => space.key(a) !== space.key(parent));
      const nearest = Math.min(...others.map((a) => dist(a, parent)));
      // One-hot L1 distance is 2 per changed edge; a child is within the 8 nearest, so at most one step further.
      expect(dist(child, parent)).toBeLessThanOrEqual(nearest + 2);
    }
    expect(isolated).toBeGreaterThan(0);
  });
});
