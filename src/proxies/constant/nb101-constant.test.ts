import { describe, expect, it } from 'vitest';
import { nb101 } from '../../spaces/index.js';
import { Rng } from '../../util/rng.js';
import { ConstantEngine } from './engine.js';
import { constantNetworkOutput } from './full-network.js';

const SHAPE = [3, 8, 8] as const;
const BATCH = 6;
// 10 stem channels: a module output split over 3 vertices gives 4/3/3 (then 7/7/6 ...), so the
// uneven split and truncation paths of the benchmark's channel rule are exercised.
const CHANNELS = 10;

describe('nb101 one-channel constant-weight program', () => {
  it('matches the full-width network with every weight set to the constant', async () => {
    const rng = new Rng(3);
    const x = Float32Array.from({ length: BATCH * 3 * 8 * 8 }, () => rng.normal());
    // The space's template program (spaces/nb101/constant-program.ts) run by the proxies' engine.
    const engine = ConstantEngine.create(nb101.proxyHooks!.constantWeights!, x, SHAPE, 2, {
      channels: CHANNELS,
      cells: 1,
    });
    const cells = [
      // input→output directly plus three parallel vertices feeding the output (projection added).
      {
        matrix: [
          [0, 1, 1, 1, 1],
          [0, 0, 0, 0, 1],
          [0, 0, 0, 0, 1],
          [0, 0, 0, 0, 1],
          [0, 0, 0, 0, 0],
        ],
        ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'output'],
      },
      // a chain with a skip from vertex 1 to 3 (truncation when 1 is wider than 3).
      {
        matrix: [
          [0, 1, 0, 0, 0],
          [0, 0, 1, 1, 0],
          [0, 0, 0, 1, 1],
          [0, 0, 0, 0, 1],
          [0, 0, 0, 0, 0],
        ],
        ops: ['input', 'conv1x1-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'output'],
      },
      // input straight to output only.
      {
        matrix: [
          [0, 1],
          [0, 0],
        ],
        ops: ['input', 'output'],
      },
    ].map((c) => nb101.fromSpec(c.matrix, c.ops as never));
    try {
      for (const arch of cells) {
        const [low, high] = await engine.outputs(arch, [0.05, 2]);
        for (const [w, got] of [
          [0.05, low!],
          [2, high!],
        ] as const) {
          const net = nb101.build(arch, { classes: 1, inputShape: SHAPE, channels: CHANNELS, cells: 1 });
          const want = await constantNetworkOutput(net, x, w);
          for (let i = 0; i < BATCH; i++) {
            expect(Math.abs(got[i]! - want[i]!), `${nb101.format(arch)} w=${w} image ${i}`).toBeLessThan(
              1e-4 * (Math.abs(want[i]!) + 1e-6),
            );
          }
        }
      }
    } finally {
      await engine.release();
    }
  });
});
