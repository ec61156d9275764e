import { describe, expect, it } from 'vitest';
import type { InitSpec } from '../graph/init-spec.js';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { initialize, kaimingStd, xavierStd } from './init.js';

const N = 200_000;

function stats(values: Float32Array): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length), min, max };
}

function draw(spec: InitSpec, seed = 1, n = N): Float32Array {
  return initialize(spec, new Float32Array(n), new Rng(seed));
}

describe('initialize', () => {
  it('fills constants', () => {
    expect([...draw({ kind: 'zeros' }, 1, 4)]).toEqual([0, 0, 0, 0]);
    expect([...draw({ kind: 'ones' }, 1, 3)]).toEqual([1, 1, 1]);
    expect([...draw({ kind: 'constant', value: 0.25 }, 1, 2)]).toEqual([0.25, 0.25]);
  });

  it('normal has the requested mean and std', () => {
    const s = stats(draw({ kind: 'normal', mean: 0.5, std: 2 }));
    expect(s.mean).toBeCloseTo(0.5, 1);
    expect(s.std).toBeGreaterThan(1.98);
    expect(s.std).toBeLessThan(2.02);
  });

  it('uniform stays in range with the uniform variance', () => {
    const s = stats(draw({ kind: 'uniform', low: -1, high: 3 }));
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThan(3);
    expect(s.mean).toBeCloseTo(1, 1);
    expect(s.std).toBeCloseTo(4 / Math.sqrt(12), 2);
  });

  it('kaiming normal: std = gain/sqrt(fan), gain sqrt(2) by default, mode picks the fan', () => {
    const spec: InitSpec = { kind: 'kaimingNormal', fanIn: 144, fanOut: 576 };
    expect(kaimingStd(spec)).toBeCloseTo(Math.SQRT2 / 12, 12);
    const s = stats(draw(spec));
    expect(Math.abs(s.mean)).toBeLessThan(0.001);
    expect(s.std / (Math.SQRT2 / 12)).toBeCloseTo(1, 2);
    const fanOut = stats(draw({ kind: 'kaimingNormal', fanIn: 144, fanOut: 576, mode: 'fanOut', gain: 1 }));
    expect(fanOut.std / (1 / 24)).toBeCloseTo(1, 2);
  });

  it('kaiming uniform: bound = gain*sqrt(3/fan)', () => {
    const bound = Math.SQRT2 * Math.sqrt(3 / 27);
    const s = stats(draw({ kind: 'kaimingUniform', fanIn: 27, fanOut: 144 }));
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.max).toBeGreaterThan(bound * 0.999);
    expect(s.std / (bound / Math.sqrt(3))).toBeCloseTo(1, 2);
  });

  it('xavier: std = gain*sqrt(2/(fanIn+fanOut)), uniform bound sqrt(3) times that', () => {
    expect(xavierStd({ kind: 'xavierNormal', fanIn: 100, fanOut: 300 })).toBeCloseTo(Math.sqrt(2 / 400), 12);
    const n = stats(draw({ kind: 'xavierNormal', fanIn: 100, fanOut: 300, gain: 2 }));
    expect(n.std / (2 * Math.sqrt(2 / 400))).toBeCloseTo(1, 2);
    const bound = Math.sqrt(6 / 400);
    const u = stats(draw({ kind: 'xavierUniform', fanIn: 100, fanOut: 300 }));
    expect(u.max).toBeLessThanOrEqual(bound);
    expect(u.min).toBeGreaterThanOrEqual(-bound);
    expect(u.std / (bound / Math.sqrt(3))).toBeCloseTo(1, 2);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const spec: InitSpec = { kind: 'kaimingNormal', fanIn: 9, fanOut: 9 };
    expect(draw(spec, 7, 100)).toEqual(draw(spec, 7, 100));
    expect(draw(spec, 7, 100)).not.toEqual(draw(spec, 8, 100));
  });

  it('rejects invalid specs with the parameter named', () => {
    const cases: InitSpec[] = [
      { kind: 'normal', std: -1 },
      { kind: 'uniform', low: 2, high: 1 },
      { kind: 'kaimingNormal', fanIn: 0, fanOut: 3 },
      { kind: 'xavierUniform', fanIn: 3, fanOut: Number.NaN },
      { kind: 'constant', value: Infinity },
    ];
    for (const spec of cases) {
      const err = (() => {
        try {
          initialize(spec, new Float32Array(2), new Rng(0), "param 'w'");
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(NaskitError);
      expect((err as NaskitError).code).toBe('invalid_argument');
      expect((err as NaskitError).message).toContain("param 'w'");
    }
  });
});
