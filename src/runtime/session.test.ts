import { describe, expect, it } from 'vitest';
import { grad } from '../graph/autodiff.js';
import { Graph } from '../graph/graph.js';
import { conv } from '../graph/ops/conv.js';
import { reduceSum } from '../graph/ops/reduce-sum.js';
import { relu } from '../graph/ops/relu.js';
import { Rng } from '../util/rng.js';
import { Program } from './session.js';

describe('Program.compile', () => {
  it('fewRuns (no graph optimizations, no memory pattern) computes what the default compile does', async () => {
    const g = new Graph('few-runs');
    const x = g.input('x', [2, 3, 6, 6]);
    const w1 = g.input('w1', [4, 3, 3, 3]);
    const w2 = g.input('w2', [2, 4, 1, 1]);
    const y = conv(relu(conv(x, w1, null, { pads: [1, 1, 1, 1] })), w2);
    const loss = reduceSum(y, [0, 1, 2, 3]);
    const outputs = [loss, ...grad(loss, [w1, w2])];
    const rng = new Rng(3);
    const feeds = {
      x: Float32Array.from({ length: 216 }, () => rng.normal()),
      w1: Float32Array.from({ length: 108 }, () => rng.normal()),
      w2: Float32Array.from({ length: 8 }, () => rng.normal()),
    };
    const results = [];
    for (const fewRuns of [false, true]) {
      const program = await Program.compile(g, outputs, { threads: 1, fewRuns });
      try {
        // Three runs: the second run of a memory-patterned session is where a difference would show.
        for (let i = 0; i < 3; i++) results.push(await program.run(feeds));
      } finally {
        await program.release();
      }
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });
});
