import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { expectNaskitError, runSpaceContract } from '../../../test/helpers/space-contract.js';
import { tnbMacro } from './index.js';
import { doublings, downsamples } from './ops.js';

runSpaceContract(tnbMacro, {
  network: { classes: 3, inputShape: [3, 32, 32], channels: 4, cells: 1 },
  invalid: [
    '',
    '64-123-basic',
    '64-1234567-basic',
    '64-1111-basic',
    '64-3333-basic',
    '64-4444-basic',
    '64-1235-basic',
    '64-41414-0_00_000',
    '(1, 2, 0, 3, 4, 0)',
  ],
  enumerate: true,
});

describe('tnb101-macro rules', () => {
  it('counts 3,256 skeletons from first principles: Σ_n (Σ_{d=1..4} C(n,d)) (Σ_{c=1..3} C(n,c))', () => {
    const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k);
    let total = 0;
    for (let n = 4; n <= 6; n++) {
      let down = 0;
      let dbl = 0;
      for (let d = 1; d <= Math.min(4, n); d++) down += choose(n, d);
      for (let c = 1; c <= 3; c++) dbl += choose(n, c);
      total += down * dbl;
    }
    expect(total).toBe(3256);
    const all = [...tnbMacro.enumerate()];
    expect(all.length).toBe(total);
    const byLength = [4, 5, 6].map((n) => all.filter((a) => a.blocks.length === n).length);
    expect(byLength).toEqual([210, 750, 2296]);
    for (const a of all) {
      expect(downsamples(a.blocks)).toBeGreaterThanOrEqual(1);
      expect(downsamples(a.blocks)).toBeLessThanOrEqual(4);
      expect(doublings(a.blocks)).toBeGreaterThanOrEqual(1);
      expect(doublings(a.blocks)).toBeLessThanOrEqual(3);
    }
  });

  it('converts the NASLib 6-slot tuple', () => {
    const a = tnbMacro.parse('64-41414-basic');
    expect(tnbMacro.toNaslib(a)).toEqual([4, 1, 4, 1, 4, 0]);
    expect(tnbMacro.format(tnbMacro.parse('(4, 1, 4, 1, 4, 0)'))).toBe('64-41414-basic');
    expect(tnbMacro.format(tnbMacro.parse('123400'))).toBe('64-1234-basic');
  });

  it('says which rule a skeleton breaks', () => {
    expect(expectNaskitError(() => tnbMacro.parse('64-3333-basic'), 'invalid_arch').message).toContain(
      '0 channel-doubling blocks (digits 2/4), allowed 1..3',
    );
    expect(expectNaskitError(() => tnbMacro.parse('64-123456-basic'), 'invalid_arch').message).toContain(
      'block 5 has digit 5',
    );
    expect(expectNaskitError(() => tnbMacro.parse('64-41414-0_00_000'), 'invalid_arch').message).toContain(
      'tnb101-micro',
    );
  });

  it('moves edit one block and stay inside the rules; sampling covers the space uniformly', () => {
    const a = tnbMacro.parse('64-1234-basic');
    const nbrs = tnbMacro.neighbors(a).map((n) => tnbMacro.format(n));
    expect(nbrs).toContain('64-2234-basic');
    expect(nbrs).toContain(
      '64-234-basic'.replace('234', '1234').replace('1234', '1234') === '' ? '' : '64-12341-basic',
    );
    expect(nbrs).not.toContain('64-123-basic');
    const rng = new Rng(1);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const len = tnbMacro.sample(rng).blocks.length;
      counts.set(String(len), (counts.get(String(len)) ?? 0) + 1);
    }
    // Uniform over skeletons: P(6 blocks) = 2296 / 3256 ≈ 0.705.
    expect((counts.get('6') ?? 0) / 20000).toBeCloseTo(2296 / 3256, 1);
  });
});
