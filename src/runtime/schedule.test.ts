import { describe, expect, it } from 'vitest';
import { makeSchedule } from './schedule.js';

describe('learning-rate schedules', () => {
  it('constant', () => {
    const s = makeSchedule({ kind: 'constant', lr: 0.05 });
    expect([s(0), s(1000)]).toEqual([0.05, 0.05]);
  });

  it('cosine matches CosineAnnealingLR', () => {
    const s = makeSchedule({ kind: 'cosine', lr: 0.1, total: 200, etaMin: 0 });
    expect(s(0)).toBe(0.1);
    expect(s(100)).toBeCloseTo(0.05, 12);
    expect(s(50)).toBeCloseTo(0.05 * (1 + Math.SQRT1_2), 12);
    expect(s(200)).toBeCloseTo(0, 12);
    // PyTorch's recursive form gives the same values; step from 0.1 with T_max=4, eta_min=0.01:
    const p = makeSchedule({ kind: 'cosine', lr: 0.1, total: 4, etaMin: 0.01 });
    expect([0, 1, 2, 3, 4].map(p).map((v) => +v.toFixed(10))).toEqual([
      0.1, 0.0868198052, 0.055, 0.0231801948, 0.01,
    ]);
  });

  it('cosine with warmup ramps linearly, then anneals over the rest', () => {
    const s = makeSchedule({ kind: 'cosine', lr: 0.4, total: 10, warmup: 4, etaMin: 0.0 });
    expect([0, 1, 2, 3].map(s)).toEqual([0.1, 0.2, 0.30000000000000004, 0.4]);
    expect(s(4)).toBe(0.4);
    expect(s(7)).toBeCloseTo(0.2, 12);
    expect(s(10)).toBeCloseTo(0, 12);
  });

  it('step decays by gamma every stepSize', () => {
    const s = makeSchedule({ kind: 'step', lr: 1, stepSize: 30, gamma: 0.1 });
    expect([s(0), s(29), s(30), s(60)].map((v) => +v.toPrecision(12))).toEqual([1, 1, 0.1, 0.01]);
  });

  it('rejects bad configs and step indices', () => {
    expect(() => makeSchedule({ kind: 'cosine', lr: 0.1, total: 5, warmup: 5 })).toThrow(
      /larger than warmup/,
    );
    expect(() => makeSchedule({ kind: 'step', lr: 0.1, stepSize: 0, gamma: 0.1 })).toThrow(/stepSize/);
    expect(() => makeSchedule({ kind: 'constant', lr: -1 })).toThrow(/>= 0/);
    expect(() => makeSchedule({ kind: 'constant', lr: 1 })(-1)).toThrow(/step index/);
  });
});
