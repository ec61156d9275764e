import { describe, expect, it } from 'vitest';
import { benchCompile } from './bench-compile.js';

describe('benchCompile', () => {
  it("times a small supernet's training graph with and without ORT's CSE and with every ORT pass", async () => {
    const r = await benchCompile({
      space: 'nb201',
      cells: 1,
      channels: 4,
      batch: 2,
      threads: 1,
      compareOrtCse: true,
      compareAllPasses: true,
    });
    expect(r.nodes).toBeGreaterThan(500);
    expect(r.create_ms).toBeGreaterThan(0);
    expect(r.create_with_ort_cse_ms).toBeGreaterThan(0);
    expect(r.create_cpu_ms).toBeGreaterThanOrEqual(0);
    expect(r.load_1min).toBeGreaterThanOrEqual(0);
    expect(r.create_with_all_passes?.wall_ms).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a space without a supernet', async () => {
    await expect(benchCompile({ space: 'nb101' })).rejects.toThrow(/has no supernet; use darts or nb201/);
  });
});
