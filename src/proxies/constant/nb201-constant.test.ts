import { describe, expect, it } from 'vitest';
import { nb201 } from '../../spaces/index.js';
import { Rng } from '../../util/rng.js';
import { ConstantEngine, type ConstantEngineOptions } from './engine.js';
import { constantNetworkOutput } from './full-network.js';

// The space's one-channel program (spaces/nb201/constant-program.ts) run by the proxies' engine.
const hooks = nb201.proxyHooks!.constantWeights!;

const CHANNELS = 4;
const CELLS = 1;
const SHAPE = [3, 8, 8] as const;
const BATCH = 6;

function images(seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: BATCH * 3 * 8 * 8 }, () => rng.normal());
}

function engine(x: Float32Array, slots: number, options: ConstantEngineOptions = {}) {
  return ConstantEngine.create(hooks, x, SHAPE, slots, { channels: CHANNELS, cells: CELLS, ...options });
}

function relErr(a: ArrayLike<number>, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (Math.abs(b[i]!) + 1e-30));
  return worst;
}

describe('nb201 one-channel constant-weight programs', () => {
  it('match the full-width network with every weight set to the constant', async () => {
    const x = images(1);
    const run = engine(x, 2);
    const archs = [
      '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
      '|avg_pool_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|',
      '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
    ].map((s) => nb201.parse(s));
    try {
      for (const arch of archs) {
        const [low, high] = await run.outputs(arch, [0.01, 1.5]);
        for (const [w, got] of [
          [0.01, low!],
          [1.5, high!],
        ] as const) {
          const net = nb201.build(arch, { classes: 1, inputShape: SHAPE, channels: CHANNELS, cells: CELLS });
          const want = await constantNetworkOutput(net, x, w);
          expect(relErr(got, want), `${nb201.format(arch)} w=${w}`).toBeLessThan(1e-4);
        }
      }
      expect(run.programCount).toBe(3);
    } finally {
      await run.release();
    }
  });

  it('gives bit-identical outputs for cells with the same live part', async () => {
    const x = images(2);
    const run = engine(x, 1);
    // Node 1 feeds nothing (dead), node 2 gets only `none` (zero): both edges into/out of them are idle.
    const full = nb201.parse('|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|avg_pool_3x3~2|');
    const live = hooks.canonical(full);
    expect(nb201.format(live)).toBe('|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|');
    try {
      const [a] = await run.outputs(full, [0.3]);
      const [b] = await run.outputs(live, [0.3]);
      expect(Array.from(a!)).toEqual(Array.from(b!));
    } finally {
      await run.release();
    }
  });
});

describe('nb201 constant-weight programs in float64', () => {
  it('agree with float32 at ordinary scales and keep values float32 flushes to zero', async () => {
    const x = images(4);
    const arch = nb201.parse(
      '|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|none~0|nor_conv_3x3~1|skip_connect~2|',
    );
    const f32 = engine(x, 1);
    const f64 = engine(x, 1, { dtype: 'float64' });
    try {
      const [a] = await f32.outputs(arch, [0.7]);
      const [b] = await f64.outputs(arch, [0.7]);
      expect(b).toBeInstanceOf(Float64Array);
      expect(relErr(b!, a as Float32Array)).toBeLessThan(1e-4);
      // A conv-only cell with a tiny constant: every float32 value underflows, float64 keeps them.
      const convOnly = nb201.parse('|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|none~0|none~1|nor_conv_3x3~2|');
      const [tiny32] = await f32.outputs(convOnly, [1e-9]);
      const [tiny64] = await f64.outputs(convOnly, [1e-9]);
      expect(Array.from(tiny32!).every((v) => v === 0)).toBe(true);
      expect(Array.from(tiny64!).some((v) => v !== 0)).toBe(true);
    } finally {
      await f32.release();
      await f64.release();
    }
  });
});
