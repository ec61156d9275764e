import { describe, expect, it } from 'vitest';
import { nb201 } from '../spaces/index.js';
import { testDataDir } from '../util/data-dir.js';
import { createProxyContext } from './context.js';
import { DEGENERATE_SCORE, calibrate, epsilonRobust, robustParts, robustScore } from './epsilon-robust.js';

const dir = testDataDir();

describe('epsilon-robust parts and score', () => {
  const ramp = Float32Array.from({ length: 8 }, (_, i) => i);
  const square = Float32Array.from({ length: 8 }, (_, i) => i * i);
  const flat = new Float32Array(8).fill(0);

  it('keeps a finite epsilon, marks a constant low output as missing and a constant high output as no signal', () => {
    expect(robustParts([ramp, square], 10).eps).toBeGreaterThan(0);
    expect(robustParts([flat, square], 10)).toEqual({ eps: null, signal: true, logParams: 10 });
    expect(robustParts([flat, flat], 10).signal).toBe(false);
    expect(() => robustParts([Float32Array.from([Number.NaN, 1]), square], 1)).toThrow(/NaN\/Inf/);
  });

  it('standardizes both parts, imputes the 99th percentile and puts signal-free networks last', () => {
    const parts = [0.2, 0.4, 0.6, 0.8].map((eps, i) => ({ eps, signal: true, logParams: 10 + i }));
    const c = calibrate([...parts, { eps: null, signal: true, logParams: 12 }]);
    expect(c.finite).toBe(4);
    // 99th percentile of [0.2, 0.4, 0.6, 0.8], linear interpolation: 0.6 + 0.97 · 0.2.
    expect(c.fillEps).toBeCloseTo(0.794, 10);
    const more = robustScore({ eps: 0.8, signal: true, logParams: 13 }, c);
    const less = robustScore({ eps: 0.6, signal: true, logParams: 13 }, c);
    const imputed = robustScore({ eps: null, signal: true, logParams: 13 }, c);
    expect(more).toBeGreaterThan(less);
    expect(imputed).toBeGreaterThan(less);
    expect(imputed).toBeLessThan(more);
    expect(robustScore({ eps: 0.8, signal: false, logParams: 13 }, c)).toBe(DEGENERATE_SCORE);
    expect(() => calibrate(parts.slice(0, 1))).toThrow(/calibration/);
  });
});

describe.skipIf(!dir)('epsilon-robust on NB201 (needs the shared data folder)', () => {
  it('scores cells where epsilon is NaN, and ranks the all-none cell last', async () => {
    const context = createProxyContext({ space: 'nb201', dataDir: dir!, seed: 0 });
    const scorer = await epsilonRobust.create(context);
    const archs = [
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|',
      '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
    ].map((s) => nb201.parse(s));
    try {
      const scores = await scorer.score(archs);
      for (const s of scores) expect(Number.isFinite(s.value)).toBe(true);
      expect(scores[2]!.value).toBe(DEGENERATE_SCORE);
      expect(scores[0]!.value).toBeGreaterThan(scores[2]!.value!);
    } finally {
      await scorer.release();
    }
  }, 120_000);
});
