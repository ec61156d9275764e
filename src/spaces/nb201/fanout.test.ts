import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../graph/network.js';
import { Forward, TrainStep, buildEvalGraph, buildTrainGraph } from '../../runtime/train-program.js';
import { randomInput, randomStore } from '../../../test/helpers/network-testing.js';
import { nb201 } from './index.js';
import { NB201_FANOUT_OPTION, nb201Network } from './network.js';

const ARCHS = [
  // Every edge a 3×3 conv: node 0 feeds three, node 1 two, node 2 one.
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  // Both conv ops leaving node 0, plus every parameter-free op.
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|nor_conv_3x3~0|skip_connect~1|nor_conv_1x1~2|',
  // Node 1 is all zero; node 0 feeds a 1×1 pair and a 3×3.
  '|none~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|',
];
const SMALL = { channels: 4, cellsPerStage: 2, classes: 5, inputShape: [3, 8, 8] as const };
const BATCH = 4;

const build = (arch: string, fuse: boolean): NetworkSpec =>
  nb201Network(nb201.parse(arch), { ...SMALL, fuseConvFanout: fuse });

const convNodes = (net: NetworkSpec, buildOptions: Record<string, unknown> = {}): number =>
  buildEvalGraph(net, 1, buildOptions).graph.nodes.filter((n) => n.op.type === 'Conv').length;

/** |a - b| <= 1e-5 (1 + |b|) everywhere. */
function expectClose(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  b.forEach((v, i) => (worst = Math.max(worst, Math.abs(a[i]! - v) / (1 + Math.abs(v)))));
  expect(worst, what).toBeLessThan(1e-5);
}

describe('nb201 network with conv fan-out', () => {
  it('declares the same parameters, shapes and order as the unfused network', () => {
    for (const arch of ARCHS) {
      const [fused, separate] = [true, false].map((f) =>
        buildTrainGraph(build(arch, f), BATCH).graph.params.map((p) => `${p.name} ${p.shape.join('x')}`),
      );
      expect(fused, arch).toEqual(separate);
    }
  });

  it.each(ARCHS)(
    'gives the unfused loss, logits, gradients, running stats and eval logits (%s)',
    async (arch) => {
      const separateNet = build(arch, false);
      const fusedNet = build(arch, true);
      // Random values everywhere (BN scale, shift and running stats too), the same for both.
      const separateStore = randomStore(separateNet, 7, BATCH);
      const fusedStore = separateStore.clone();
      const input = randomInput(separateNet, BATCH, 8);
      const labels = BigInt64Array.from({ length: BATCH }, (_, i) => BigInt(i % SMALL.classes));
      const run = async (net: NetworkSpec, store: typeof separateStore) => {
        const step = await TrainStep.create(net, { batch: BATCH, threads: 1 });
        const forward = await Forward.create(net, { batch: BATCH, threads: 1 });
        try {
          const train = await step.run(store, input, labels);
          // After the step: inference mode reads the running stats the step wrote back.
          return { train, logits: await forward.run(store, input) };
        } finally {
          await step.release();
          await forward.release();
        }
      };
      const separate = await run(separateNet, separateStore);
      const fused = await run(fusedNet, fusedStore);
      expect(fused.train.loss).toBeCloseTo(separate.train.loss, 5);
      expectClose(fused.train.logits, separate.train.logits, 'training-mode logits');
      expect([...fused.train.grads.keys()]).toEqual([...separate.train.grads.keys()]);
      for (const [name, g] of separate.train.grads) expectClose(fused.train.grads.get(name)!, g, name);
      for (const name of separateStore.bufferNames()) {
        expectClose(fusedStore.get(name), separateStore.get(name), name);
      }
      expectClose(fused.logits, separate.logits, 'eval-mode logits');
    },
    60_000,
  );

  it('fuses each node’s conv edges of one op into one Conv', () => {
    const [allConv3, mixed, withZeroNode] = ARCHS as [string, string, string];
    // Stem 1, two reductions 3 each, then per cell: 6 vs 3 (nodes 0, 1, 2 each one Conv).
    expect(convNodes(build(allConv3, false))).toBe(1 + 6 + 6 * 6);
    expect(convNodes(build(allConv3, true))).toBe(1 + 6 + 6 * 3);
    // Node 0: 3×3 pair + 1×1; node 2: 1×1.
    expect(convNodes(build(mixed, true))).toBe(1 + 6 + 6 * 3);
    // Node 0: 1×1 pair; node 1: 3×3.
    expect(convNodes(build(withZeroNode, true))).toBe(1 + 6 + 6 * 2);
  });

  it('is off through the space unless the build option asks for it; the config flag wins', () => {
    const arch = nb201.parse(ARCHS[0]!);
    const config = { classes: 5, inputShape: [3, 8, 8] as const, channels: 4, cells: 2 };
    const viaSpace = nb201.build(arch, config);
    expect(convNodes(viaSpace)).toBe(43);
    expect(convNodes(viaSpace, { [NB201_FANOUT_OPTION]: true })).toBe(25);
    expect(convNodes(build(ARCHS[0]!, false), { [NB201_FANOUT_OPTION]: true })).toBe(43);
  });
});
