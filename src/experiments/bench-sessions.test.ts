import { describe, expect, it } from 'vitest';
import { benchSessions } from './bench-sessions.js';

describe('benchSessions', () => {
  it('creates, runs and releases programs and samples RSS every tenth of the cycles', async () => {
    const r = await benchSessions({ cycles: 10, batch: 2, threads: 1 });
    expect(r.samples.map(([c]) => c)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.rss_warm_mb).toBe(r.samples[0]![1]);
    expect(r.growth_mb).toBeCloseTo(r.rss_end_mb - r.rss_warm_mb, 1);
    expect(r.ms_per_cycle).toBeGreaterThan(0);
    expect(r.session_mb).toBeGreaterThan(0);
  }, 60_000);

  it('refuses too few cycles', async () => {
    await expect(benchSessions({ cycles: 3 })).rejects.toThrow(/--cycles must be an integer >= 10, got 3/);
  });
});
