import { describe, expect, it } from 'vitest';
import { testDataDir } from '../../util/data-dir.js';
import { benchProxies } from './bench.js';

const dir = testDataDir();

describe.skipIf(!dir)('bench proxies (needs the shared data folder)', () => {
  it('times each proxy alone and all together on a seeded NB201 sample', async () => {
    const r = await benchProxies({
      dataDir: dir!,
      n: 2,
      proxies: ['params', 'l2_norm', 'nwot'],
      together: true,
    });
    expect(r.n).toBe(2);
    expect(Object.keys(r.proxies)).toEqual(['params', 'l2_norm', 'nwot']);
    for (const p of Object.values(r.proxies)) {
      expect(p.sec_per_arch).toBeGreaterThan(0);
      expect(p.failures).toBe(0);
    }
    expect(r.together!.sec_per_arch).toBeGreaterThan(0);
  }, 30_000);

  it('rejects an empty sample', async () => {
    await expect(benchProxies({ dataDir: dir!, n: 0 })).rejects.toThrow(/--n must be a positive integer/);
  });
});
