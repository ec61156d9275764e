import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Forward, TrainStep } from '../../runtime/train-program.js';
import type { ParamStore } from '../../runtime/params.js';
import { expectNaskitError } from '../../../test/helpers/space-contract.js';
import { randomStore } from '../../../test/helpers/network-testing.js';
import { expectFedMatchesStatic } from '../../../test/helpers/fed-path-testing.js';
import { PATH_INPUT } from '../network-config.js';
import { nb201 } from './index.js';
import { NB201_OPS } from './ops.js';

const SMALL = { classes: 4, inputShape: [3, 8, 8] as const, channels: 4, cells: 1 };
const BATCH = 4;
const op = (name: (typeof NB201_OPS)[number]) => NB201_OPS.indexOf(name);

/**
 * Paths in NB201 edge order (0→1, 0→2, 1→2, 0→3, 1→3, 2→3): every op on some edge; the third leaves
 * node 1 with only `none` (zeros) and the fourth node 3 with only `none`.
 */
const PATHS: readonly (readonly number[])[] = [
  [
    op('nor_conv_3x3'),
    op('nor_conv_1x1'),
    op('avg_pool_3x3'),
    op('skip_connect'),
    op('none'),
    op('nor_conv_3x3'),
  ],
  [
    op('skip_connect'),
    op('avg_pool_3x3'),
    op('nor_conv_1x1'),
    op('none'),
    op('nor_conv_3x3'),
    op('skip_connect'),
  ],
  [
    op('none'),
    op('nor_conv_3x3'),
    op('skip_connect'),
    op('nor_conv_1x1'),
    op('avg_pool_3x3'),
    op('nor_conv_3x3'),
  ],
  [op('nor_conv_1x1'), op('nor_conv_3x3'), op('none'), op('none'), op('none'), op('none')],
];

describe('nb201 supernet with a fed path (one program for every path)', () => {
  const supernet = nb201.supernet({ ...SMALL, mode: 'single-path', affine: true });
  const fed = supernet.fedPath!();
  let store: ParamStore;
  let step: TrainStep;
  let forward: Forward;

  beforeAll(async () => {
    store = randomStore(fed, 21, BATCH);
    step = await TrainStep.create(fed, { batch: BATCH, threads: 1 });
    forward = await Forward.create(fed, { batch: BATCH, threads: 1 });
  });
  afterAll(async () => {
    await step?.release();
    await forward?.release();
  });

  it('declares the path input and the parameters of every op under the static build’s names', () => {
    expect(step.spec.graph.inputs.map((t) => [t.name, t.dtype, t.shape])).toContainEqual([
      PATH_INPUT,
      'int64',
      [6],
    ]);
    const names = new Set(step.spec.graph.params.map((p) => p.name));
    for (const path of PATHS) {
      const staticStore = randomStore(supernet.withPath(path), 1, BATCH);
      expect(staticStore.names().filter((n) => !names.has(n))).toEqual([]);
    }
  });

  it('gives each path the loss, logits, gradients and running statistics of its static build', async () => {
    // Two passes over the paths in one program: a path's results do not depend on what ran before.
    await expectFedMatchesStatic(supernet, { step, forward }, store, [...PATHS, ...PATHS], BATCH);
  });

  it('needs single-path mode', () => {
    expectNaskitError(() => nb201.supernet({ ...SMALL, mode: 'mixed' }).fedPath!(), 'invalid_argument');
  });
});
