import { describe, expect, it } from 'vitest';
import { spearman } from '../stats/correlation.js';
import { normalQuantile, transformTargets } from './targets.js';

describe('target transforms', () => {
  it('normalQuantile inverts the normal CDF', () => {
    // scipy.stats.norm.ppf at these points
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874040841, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 7);
    expect(() => normalQuantile(1)).toThrow(/\(0, 1\)/);
  });

  it('z-scores by the reference statistics', () => {
    const z = transformTargets('zscore', [1, 2, 3, 10], [1, 3]);
    expect([...z]).toEqual([-1, 0, 1, 8]);
  });

  it('rank scores keep the order, ignore outliers and place unseen values between reference ranks', () => {
    const ref = [10, 85, 90, 91, 94];
    const onRef = transformTargets('rank', ref, ref);
    expect(spearman(onRef, ref, { nonFinite: 'throw' })).toBeCloseTo(1, 12);
    // symmetric around the median; the 10% outlier is just the lowest rank
    expect(onRef[2]).toBeCloseTo(0, 6);
    expect(onRef[0]).toBeCloseTo(-onRef[4]!, 6);
    expect(onRef[1]! - onRef[0]!).toBeCloseTo(onRef[4]! - onRef[3]!, 6);
    const unseen = transformTargets('rank', [5, 87, 99], ref);
    expect(unseen[0]).toBeLessThan(onRef[0]!);
    expect(unseen[1]).toBeGreaterThan(onRef[1]!);
    expect(unseen[1]).toBeLessThan(onRef[2]!);
    expect(unseen[2]).toBeGreaterThan(onRef[4]!);
  });

  it('gives tied values the same score', () => {
    const z = transformTargets('rank', [3, 1, 3, 2], [3, 1, 3, 2]);
    expect(z[0]).toBe(z[2]);
    expect(() => transformTargets('rank', [1], [])).toThrow(/reference set is empty/);
  });
});
