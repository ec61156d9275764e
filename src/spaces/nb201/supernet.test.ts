import { describe, expect, it } from 'vitest';
import { buildEvalGraph } from '../../runtime/train-program.js';
import { ParamStore } from '../../runtime/params.js';
import { Rng } from '../../util/rng.js';
import { expectNaskitError } from '../../../test/helpers/space-contract.js';
import {
  compiledUsage,
  evalLogits,
  expectNonZeroGrads,
  expectTrainStep,
  maxAbsDiff,
  randomInput,
  randomStore,
} from '../../../test/helpers/network-testing.js';
import { nb201 } from './index.js';
import { NB201_OPS } from './ops.js';

const SMALL = { classes: 4, inputShape: [3, 8, 8] as const, channels: 4, cells: 1 };
const ARCH = nb201.parse(
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
);

describe('nb201 supernet, mixed (DARTS) mode', () => {
  it('declares α as alpha/cell [6, 5] and trains one step with gradients into α and every op', async () => {
    const net = nb201.supernet({ ...SMALL, mode: 'mixed' });
    expect(net.alphas).toEqual([{ name: 'alpha/cell', edges: net.edges }]);
    const grads = await expectTrainStep(net);
    expect(grads.get('alpha/cell')).toHaveLength(30);
    expectNonZeroGrads(grads, 'alpha/cell');
    expectNonZeroGrads(grads, 'nor_conv_1x1/conv/weight');
    expectNonZeroGrads(grads, 'nor_conv_3x3/conv/weight');
  });

  it('with one-hot α gives the discrete network’s logits (weights copied by name)', async () => {
    const supernet = nb201.supernet({ ...SMALL, mode: 'mixed', affine: true });
    const store = randomStore(supernet, 7);
    const alpha = store.get('alpha/cell');
    alpha.fill(0);
    supernet.pathOf(ARCH).forEach((op, edge) => {
      alpha[edge * NB201_OPS.length + op] = 40;
    });
    const net = nb201.build(ARCH, SMALL);
    const discrete = ParamStore.fromGraph(buildEvalGraph(net, 2).graph, new Rng(0));
    const missing = discrete.names().filter((n) => !store.has(n));
    expect(missing).toEqual([]);
    discrete.copyFrom(store);
    const input = randomInput(net, 2, 3);
    const expected = await evalLogits(net, discrete, input, 2);
    const actual = await evalLogits(supernet, store, input, 2);
    expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-5 * Math.max(1, ...Array.from(expected, Math.abs)));
  });

  it('derives the argmax op of every edge', () => {
    const supernet = nb201.supernet({ ...SMALL, mode: 'mixed' });
    const alpha = new Float32Array(30);
    supernet.pathOf(ARCH).forEach((op, edge) => {
      alpha[edge * 5 + op] = 1;
    });
    expect(nb201.format(supernet.derive(() => alpha))).toBe(nb201.format(ARCH));
    expectNaskitError(() => supernet.derive(() => new Float32Array(29)), 'shape_mismatch');
  });
});

describe('nb201 supernet, single-path mode', () => {
  const supernet = nb201.supernet({ ...SMALL, mode: 'single-path', affine: true });

  it('builds only the chosen ops: the compiled program reads exactly the discrete network’s parameters', async () => {
    const path = supernet.pathOf(ARCH);
    const single = await compiledUsage(supernet.withPath(path));
    const discrete = await compiledUsage(nb201.build(ARCH, SMALL));
    expect(single.params).toEqual(discrete.params);
    expect(single.params.some((n) => n.includes('nor_conv_1x1'))).toBe(true);
    const mixed = await compiledUsage(nb201.supernet({ ...SMALL, mode: 'mixed', affine: true }));
    expect(single.nodes).toBeLessThan(mixed.nodes / 2);
    expect(mixed.params.filter((n) => n !== 'alpha/cell')).toEqual(expect.arrayContaining(single.params));
  });

  it('shares weights across paths: same names, same outputs as the discrete network', async () => {
    const other = nb201.parse(
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|',
    );
    const netA = supernet.withPath(supernet.pathOf(ARCH));
    const netB = supernet.withPath(supernet.pathOf(other));
    const store = randomStore(netA, 11);
    store.addFromGraph(buildEvalGraph(netB, 2).graph, new Rng(11));
    // Edge 0→1 runs nor_conv_3x3 in both paths: one tensor, read by both builds.
    const shared = 'cells/0/edge01/nor_conv_3x3/conv/weight';
    expect((await compiledUsage(netA)).params).toContain(shared);
    expect((await compiledUsage(netB)).params).toContain(shared);
    const input = randomInput(netA, 2, 5);
    const viaSupernet = await evalLogits(netA, store, input, 2);
    const viaNetwork = await evalLogits(nb201.build(ARCH, SMALL), store, input, 2);
    expect(maxAbsDiff(viaSupernet, viaNetwork)).toBe(0);
    await expectTrainStep(netB);
  });

  it('needs a valid path', () => {
    const g = () => buildEvalGraph(supernet, 1);
    expectNaskitError(g, 'invalid_argument');
    expectNaskitError(() => buildEvalGraph(supernet.withPath([0, 1, 2]), 1), 'invalid_argument');
    expectNaskitError(() => buildEvalGraph(supernet.withPath([0, 1, 2, 3, 4, 5]), 1), 'invalid_argument');
    expectNaskitError(
      () => nb201.supernet({ ...SMALL, mode: 'mixed' }).withPath([0, 0, 0, 0, 0, 0]),
      'invalid_argument',
    );
  });
});
