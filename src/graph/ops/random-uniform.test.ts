import { describe, expect, it } from 'vitest';
import { Graph } from '../graph.js';
import { Program } from '../../runtime/session.js';
import { expectNaskitError } from '../../../test/helpers/space-contract.js';
import { randomUniform } from './random-uniform.js';

async function draws(seed: number, runs: number): Promise<Float32Array[]> {
  const g = new Graph('random');
  const u = randomUniform(g, [4, 256], { seed, low: -1, high: 3 });
  const program = await Program.compile(g, [u], { threads: 1 });
  try {
    const out: Float32Array[] = [];
    for (let i = 0; i < runs; i++)
      out.push((await program.run({}))[program.model.outputNames[0]!] as Float32Array);
    return out;
  } finally {
    await program.release();
  }
}

describe('randomUniform', () => {
  it('draws in [low, high) with the right mean, fresh values per run, the same sequence per seed', async () => {
    const [a, b] = await draws(5, 2);
    expect(a).toHaveLength(1024);
    expect(a!.every((v) => v >= -1 && v < 3)).toBe(true);
    const mean = a!.reduce((s, v) => s + v, 0) / a!.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.15);
    expect(Array.from(a!)).not.toEqual(Array.from(b!));
    const again = await draws(5, 2);
    expect(Array.from(again[1]!)).toEqual(Array.from(b!));
    const other = await draws(6, 1);
    expect(Array.from(other[0]!)).not.toEqual(Array.from(a!));
  });

  it('rejects bad seeds and ranges', () => {
    const g = new Graph('random');
    expectNaskitError(() => randomUniform(g, [2], { seed: 1.5 }), 'invalid_argument');
    expectNaskitError(() => randomUniform(g, [2], { seed: 1, low: 1, high: 1 }), 'invalid_argument');
  });
});
