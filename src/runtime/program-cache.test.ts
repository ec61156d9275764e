import { describe, expect, it } from 'vitest';
import { Graph } from '../graph/graph.js';
import { relu } from '../graph/ops/relu.js';
import { ProgramCache } from './program-cache.js';

function reluGraph(n: number): { g: Graph; y: ReturnType<typeof relu> } {
  const g = new Graph('cached');
  return { g, y: relu(g.input('x', [n])) };
}

describe('ProgramCache', () => {
  it('shares one program between equal graphs and keeps idle ones up to its capacity', async () => {
    const cache = new ProgramCache(1);
    const a = reluGraph(4);
    const first = await cache.acquire(a.g, [a.y], { threads: 1 });
    const b = reluGraph(4); // built again: same model bytes
    const second = await cache.acquire(b.g, [b.y], { threads: 1 });
    expect(second.program).toBe(first.program);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
    expect(await first.program.run({ x: Float32Array.from([-1, 2, -3, 4]) })).toEqual({
      [first.program.model.outputNames[0]!]: Float32Array.from([0, 2, 0, 4]),
    });

    const c = reluGraph(8); // another input shape: another program
    const third = await cache.acquire(c.g, [c.y], { threads: 1 });
    expect(third.program).not.toBe(first.program);
    expect(cache.size).toBe(2);
    first.release();
    second.release();
    third.release();
    await new Promise((r) => setTimeout(r, 10));
    expect(cache.size).toBe(1); // the least recently used idle program went
    await expect(first.program.run({ x: new Float32Array(4) })).rejects.toThrow(/after release/);
    expect(await third.program.run({ x: new Float32Array(8) })).toBeDefined();
    await cache.clear();
    await expect(cache.acquire(a.g, [a.y])).rejects.toThrow(/after clear/);
  });

  it('keys on threads too and refuses a bad capacity', async () => {
    const cache = new ProgramCache();
    const a = reluGraph(2);
    const one = await cache.acquire(a.g, [a.y], { threads: 1 });
    const two = await cache.acquire(a.g, [a.y], { threads: 2 });
    expect(two.program).not.toBe(one.program);
    await cache.clear();
    expect(() => new ProgramCache(-1)).toThrow(/capacity must be an integer >= 0, got -1/);
  });
});
