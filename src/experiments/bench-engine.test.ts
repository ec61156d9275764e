import { describe, expect, it } from 'vitest';
import { benchEngine } from './bench-engine.js';

describe('benchEngine', () => {
  // Forward Convs: stem 1, two reductions 3 each, 15 cells of 3 fused (one per node) or 6 per edge.
  it.each([
    { fanout: true, forwardConvs: 52 },
    { fanout: false, forwardConvs: 97 },
  ])(
    'times the NB201 network and breaks a training step down by op type (fanout $fanout)',
    async ({ fanout, forwardConvs }) => {
      const r = await benchEngine({ batch: 2, repeats: 1, warmup: 1, threads: 1, profile: true, fanout });
      expect(r.fanout).toBe(fanout);
      expect(r.params).toBe(1531546);
      expect(r.forward_ms).toBeGreaterThan(0);
      expect(r.train_step_ms).toBeGreaterThan(r.forward_ms / 10);
      const p = r.profile!;
      expect(p.runs).toBe(2);
      const backwardConv = p.ops.find((o) => o.phase === 'backward' && o.op === 'Conv');
      expect(backwardConv?.nodes).toBeGreaterThan(fanout ? 25 : 50);
      expect(p.ops.find((o) => o.phase === 'forward' && o.op === 'Conv')?.nodes).toBe(forwardConvs);
      expect(p.arithmetic_ms).toBeGreaterThan(p.conv_forward_ms);
      expect(p.kernel_ms).toBeGreaterThan(p.arithmetic_ms);
      expect(p.floor_ms).toBeCloseTo((r.train_step_ms * p.arithmetic_ms) / p.kernel_ms, 0);
      expect(p.floor_ms).toBeLessThan(r.train_step_ms);
    },
    120_000,
  );
});
