import { describe, expect, it } from 'vitest';
import { grad } from '../graph/autodiff.js';
import { Graph } from '../graph/graph.js';
import { conv } from '../graph/ops/conv.js';
import { reduceSum } from '../graph/ops/reduce-sum.js';
import { relu } from '../graph/ops/relu.js';
import { Rng } from '../util/rng.js';
import { LARGE_GRAPH_NODES, Program, disabledOrtPasses, ortLevel } from './session.js';

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

  it('allOrtPasses (every ORT graph transformer) computes what the default selection does', async () => {
    const g = new Graph('all-passes');
    const x = g.input('x', [2, 3, 5, 5]);
    const w = g.input('w', [4, 3, 1, 1]);
    const loss = reduceSum(relu(conv(x, w)), [0, 1, 2, 3]);
    const outputs = [loss, ...grad(loss, [w])];
    const rng = new Rng(4);
    const feeds = {
      x: Float32Array.from({ length: 150 }, () => rng.normal()),
      w: Float32Array.from({ length: 12 }, () => rng.normal()),
    };
    const results = [];
    for (const allOrtPasses of [false, true]) {
      const program = await Program.compile(g, outputs, { threads: 1, allOrtPasses });
      results.push(await program.run(feeds));
      await program.release();
    }
    expect(results[1]).toEqual(results[0]);
  });
});

describe('disabledOrtPasses', () => {
  const names = (value: string) => new Set(value.split(';').filter(Boolean));

  it('always drops CSE and the passes that cannot fire on naskit graphs, keeps the useful ones', () => {
    const small = names(disabledOrtPasses(1000));
    expect(small.has('CommonSubexpressionElimination')).toBe(true);
    expect(small.has('AttentionFusion')).toBe(true);
    for (const kept of [
      'Level1_RuleBasedTransformer',
      'ConstantFolding',
      'NchwcTransformer',
      'ConvActivationFusion',
    ]) {
      expect(small.has(kept), kept).toBe(false);
    }
  });

  it('large graphs keep only constant folding, the layout passes and MatMul-transpose fusion', () => {
    const large = names(disabledOrtPasses(LARGE_GRAPH_NODES + 1));
    expect(large.has('Level1_RuleBasedTransformer')).toBe(true);
    expect(large.has('ReshapeFusion')).toBe(true);
    for (const kept of [
      'ConstantFolding',
      'MatmulTransposeFusion',
      'TransposeOptimizer_CPUExecutionProvider',
      'NchwcTransformer',
    ]) {
      expect(large.has(kept), kept).toBe(false);
    }
  });

  it('large graphs run unoptimized (session creation dominates), unless every pass is asked for', () => {
    expect(ortLevel(LARGE_GRAPH_NODES)).toBe('all');
    expect(ortLevel(LARGE_GRAPH_NODES + 1)).toBe('disabled');
    expect(ortLevel(LARGE_GRAPH_NODES + 1, { allOrtPasses: true })).toBe('all');
    expect(ortLevel(10, { fewRuns: true })).toBe('disabled');
  });

  it('fits the 1024 characters ORT accepts for the value', () => {
    expect(disabledOrtPasses(LARGE_GRAPH_NODES + 1).length).toBeLessThanOrEqual(1024);
  });

  it('ortCse and allOrtPasses switch the selection off', () => {
    expect(names(disabledOrtPasses(LARGE_GRAPH_NODES + 1, { allOrtPasses: true }))).toEqual(
      new Set(['CommonSubexpressionElimination']),
    );
    expect(disabledOrtPasses(10, { ortCse: true, allOrtPasses: true })).toBe('');
    expect(names(disabledOrtPasses(10, { ortCse: true })).has('CommonSubexpressionElimination')).toBe(false);
  });
});
