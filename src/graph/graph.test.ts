import { describe, expect, it } from 'vitest';
import { Graph } from './graph.js';
import { grad } from './autodiff.js';
import { add } from './ops/add.js';
import { mul } from './ops/mul.js';
import { randomUniform } from './ops/random-uniform.js';
import { reduceSum } from './ops/reduce-sum.js';
import { relu } from './ops/relu.js';
import { reshape } from './ops/reshape.js';
import { Program } from '../runtime/session.js';

describe('Graph: equal subexpressions are built once', () => {
  it('returns the existing node for the same op, inputs and attributes', () => {
    const g = new Graph('cse');
    const x = g.input('x', [2, 3]);
    const a = relu(x);
    expect(relu(x)).toBe(a);
    expect(reshape(x, [3, 2])).toBe(reshape(x, [3, 2]));
    expect(reshape(x, [6])).not.toBe(reshape(x, [3, 2]));
    expect(reduceSum(x, [0])).not.toBe(reduceSum(x, [1]));
    expect(add(a, x)).not.toBe(add(x, a)); // operand order is kept as written
    const relus = g.nodes.filter((n) => n.op.type === 'Relu');
    expect(relus).toHaveLength(1);
    expect(relus[0]!.aliases).toEqual(['Relu_1']); // the second request, kept by name
  });

  it('shares small constants by value and dtype, not large ones', () => {
    const g = new Graph('consts');
    expect(g.int64s([3, 2])).toBe(g.int64s([3, 2]));
    expect(g.scalar(1)).toBe(g.scalar(1));
    expect(g.scalar(1)).not.toBe(g.scalar(1, 'float64'));
    expect(g.scalar(0)).not.toBe(g.scalar(-0));
    const big = new Float32Array(1000).fill(1);
    expect(g.constant(big, [1000])).not.toBe(g.constant(big.slice(), [1000]));
  });

  it('never merges random ops', () => {
    const g = new Graph('random');
    expect(randomUniform(g, [4], { seed: 1 })).not.toBe(randomUniform(g, [4], { seed: 1 }));
  });

  it('gradients through a merged node are the sum over its uses', async () => {
    const g = new Graph('fanout');
    const x = g.input('x', [3]);
    const w = g.param('w', [3]);
    // relu(w) is requested twice and built once; d/dw sum(x * relu(w) + relu(w)) = (x + 1) * [w > 0].
    const loss = reduceSum(add(mul(x, relu(w)), relu(w)), [0]);
    const [gw] = grad(loss, [w]);
    const program = await Program.compile(g, [gw!], { threads: 1 });
    try {
      const out = await program.run({ x: Float32Array.from([1, 2, 3]), w: Float32Array.from([1, -1, 2]) });
      expect(Array.from(out[program.model.outputNames[0]!] as Float32Array)).toEqual([2, 0, 4]);
    } finally {
      await program.release();
    }
  });
});
