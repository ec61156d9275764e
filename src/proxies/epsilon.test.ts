import { describe, expect, it } from 'vitest';
import { nb201, type Nb201Arch } from '../spaces/index.js';
import { testDataDir } from '../util/data-dir.js';
import { ConstantEngine } from './constant/engine.js';
import { createProxyContext } from './context.js';
import { loadProxyBatch } from './data-batch.js';
import { EPSILON_PAIRS, epsilon } from './epsilon.js';

const dir = testDataDir();
const NB201_CELLS = 15_625;
const ALL_CONV =
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|';

function isConstant(v: ArrayLike<number>): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

describe.skipIf(!dir)('epsilon on NB201 (needs the shared data folder)', () => {
  it('is NaN exactly for the cells without a parameter-free path (real proxy, batch 256)', async () => {
    const context = createProxyContext({ space: 'nb201', dataDir: dir!, seed: 0 });
    const scorer = await epsilon.create(context);
    const archs = [
      ALL_CONV,
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|',
      '|nor_conv_1x1~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|nor_conv_3x3~2|',
      '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
    ].map((s) => nb201.parse(s));
    try {
      const scores = await scorer.score(archs);
      scores.forEach((s, i) =>
        expect(s.value === null, nb201.format(archs[i]!)).toBe(!nb201.hasParameterFreePath(archs[i]!)),
      );
      expect(scores[0]!.failure).toMatch(/low-constant output is constant/);
      // The published code's value for the best-known cell family is in the usual range.
      expect(scores[1]!.value).toBeGreaterThan(0.3);
    } finally {
      await scorer.release();
    }
  }, 60_000);

  it('structural rule on all 15,625 cells: the 1e-7 network output is constant iff no skip/avg-pool path', async () => {
    // The rule is about float32 underflow along parametrized paths, so it is checked with a small
    // batch (8 of the proxy's images) and many cells per run; the full batch-256 check is the slow
    // test below and `naskit proxies eval --space nb201 --proxies epsilon --all`.
    const batch = loadProxyBatch('cifar10', dir!, 256, 0);
    const images = batch.images.subarray(0, 8 * 3 * 32 * 32);
    const perRun = 64;
    const hooks = nb201.proxyHooks!.constantWeights!;
    const engine = ConstantEngine.create(hooks, images, batch.shape, perRun);
    const byPattern = new Map<string, Nb201Arch[]>();
    const seen = new Set<string>();
    for (let i = 0; i < NB201_CELLS; i++) {
      const live = hooks.canonical(nb201.fromIndex(i));
      const key = nb201.format(live);
      if (seen.has(key)) continue;
      seen.add(key);
      const group = hooks.programKey(live);
      byPattern.set(group, [...(byPattern.get(group) ?? []), live]);
    }
    let checked = 0;
    try {
      for (const cells of byPattern.values()) {
        for (let start = 0; start < cells.length; start += perRun) {
          const part = cells.slice(start, start + perRun);
          const outputs = await engine.run(part.map((arch) => ({ arch, weight: EPSILON_PAIRS.nb201![0] })));
          part.forEach((arch, j) => {
            expect(isConstant(outputs[j]!), nb201.format(arch)).toBe(!nb201.hasParameterFreePath(arch));
            checked++;
          });
        }
      }
    } finally {
      await engine.release();
    }
    // Every cell is represented by its live part (bit-identical outputs, see constant/nb201-constant.test.ts).
    expect(checked).toBe(seen.size);
    expect(seen.size).toBe(9445);
  }, 300_000);

  it.skipIf(process.env.NASKIT_SLOW_TESTS !== '1')(
    'slow (NASKIT_SLOW_TESTS=1): the real proxy is NaN iff no parameter-free path on all 15,625 cells',
    async () => {
      const context = createProxyContext({ space: 'nb201', dataDir: dir!, seed: 0 });
      const scorer = await epsilon.create(context);
      const archs = Array.from({ length: NB201_CELLS }, (_, i): Nb201Arch => nb201.fromIndex(i));
      try {
        const scores = await scorer.score(archs);
        scores.forEach((s, i) => expect(s.value === null).toBe(!nb201.hasParameterFreePath(archs[i]!)));
      } finally {
        await scorer.release();
      }
    },
    3_600_000,
  );
});
