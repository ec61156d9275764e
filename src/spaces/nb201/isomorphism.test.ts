import { describe, expect, it } from 'vitest';
import { NB201_EDGES } from './network.js';
import { nb201 } from './index.js';
import { nb201CellFunction, nb201IsomorphClasses } from './isomorphism.js';
import type { Nb201Arch, Nb201Op } from './ops.js';

/**
 * An independent reference: run the cell on numbers, each op a fixed nonlinear function with f(0) = 0
 * (so a zero node stays zero, as the rule says), and compare outputs on a few inputs. Two cells compute
 * the same function exactly when their outputs agree (up to the rounding of sums in another order).
 */
const OP_FN: Record<Nb201Op, (x: number) => number> = {
  none: () => 0,
  skip_connect: (x) => x,
  nor_conv_1x1: (x) => Math.tanh(1.7 * x + 0.31 * x * x),
  nor_conv_3x3: (x) => Math.sin(2.3 * x) - 0.4 * x ** 3,
  avg_pool_3x3: (x) => 0.9 * x * Math.sqrt(Math.abs(x)) + 0.07 * x,
};

function signature(arch: Nb201Arch): string {
  return [0.37, -1.21, 0.83]
    .map((input) => {
      const node = [input, 0, 0, 0];
      NB201_EDGES.forEach(([from, to], e) => (node[to]! += OP_FN[arch.edges[e]!](node[from]!)));
      return node[3]!.toFixed(9);
    })
    .join(',');
}

const cell = (text: string) => nb201.parse(text);

describe('NB201 isomorphism classes', () => {
  const classes = nb201IsomorphClasses();

  it('group the 15,625 encodings exactly as running them on numbers does', () => {
    const bySignature = new Map<string, string>();
    const byFunction = new Map<string, string>();
    for (const arch of nb201.enumerate()) {
      const s = signature(arch);
      const f = nb201CellFunction(arch);
      // The two partitions are equal when each block of one maps to exactly one block of the other.
      expect(bySignature.get(s) ?? f).toBe(f);
      expect(byFunction.get(f) ?? s).toBe(s);
      bySignature.set(s, f);
      byFunction.set(f, s);
    }
    expect(byFunction.size).toBe(classes.count);
    expect(byFunction.size).toBeGreaterThan(1000);
    expect(byFunction.size).toBeLessThan(15_625);
  });

  it('swapping nodes 1 and 2 is an isomorphism when no edge joins them', () => {
    const a = cell('|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|');
    const b = cell('|nor_conv_1x1~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|');
    expect(nb201CellFunction(a)).toBe(nb201CellFunction(b));
    const members = classes.of(a).map((m) => nb201.format(m));
    expect(members).toContain(nb201.format(a));
    expect(members).toContain(nb201.format(b));
    // Official index order, each encoding once.
    const indices = classes.of(a).map((m) => nb201.index(m));
    expect(indices).toEqual([...indices].sort((x, y) => x - y));
    expect(new Set(indices).size).toBe(indices.length);
  });

  it('keeps cells apart that differ in a live op, and merges every cut cell', () => {
    const a = cell('|nor_conv_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|');
    const b = cell('|nor_conv_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|');
    expect(nb201CellFunction(a)).not.toBe(nb201CellFunction(b));
    // Node 2 is zero (both its inputs are none), so the pool on 2→3 adds nothing: a cut cell.
    const cut = cell('|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|avg_pool_3x3~2|');
    expect(nb201CellFunction(cut)).toBe('zero');
    expect(classes.of(cut).every((m) => nb201CellFunction(m) === 'zero')).toBe(true);
  });

  it('counts a doubled input twice (skip + skip is not skip)', () => {
    const once = cell('|skip_connect~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|');
    const twice = cell('|skip_connect~0|+|none~0|none~1|+|skip_connect~0|skip_connect~1|none~2|');
    const both = cell('|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|');
    expect(nb201CellFunction(once)).toBe('input');
    expect(nb201CellFunction(twice)).toBe('input+input');
    expect(nb201CellFunction(both)).toBe('input');
  });
});
