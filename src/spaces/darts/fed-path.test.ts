import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainStep } from '../../runtime/train-program.js';
import type { ParamStore } from '../../runtime/params.js';
import { Rng } from '../../util/rng.js';
import { expectNaskitError } from '../../../test/helpers/space-contract.js';
import { randomStore } from '../../../test/helpers/network-testing.js';
import { expectFedMatchesStatic } from '../../../test/helpers/fed-path-testing.js';
import { PATH_INPUT } from '../network-config.js';
import { darts } from './index.js';
import { DARTS_SUPERNET_OPS } from './supernet.js';

// 3 cells: normal, reduce, reduce (reductions at 1/3 and 2/3 of the layers).
const SMALL = { classes: 3, inputShape: [3, 8, 8] as const, channels: 4, cells: 3 };
const BATCH = 2;

/** A path with `none` and -1 (unused) edges, then two sampled genotypes' paths. */
function paths(supernet: ReturnType<typeof darts.supernet>): number[][] {
  const op = (name: string) => DARTS_SUPERNET_OPS.indexOf(name);
  const sparse = new Array<number>(28).fill(-1);
  sparse[0] = op('none');
  sparse[1] = op('sep_conv_3x3');
  for (const row of [2, 5, 9]) sparse[row] = op('skip_connect');
  sparse[14] = op('max_pool_3x3');
  for (const row of [16, 19, 23]) sparse[row] = op('dil_conv_3x3');
  const rng = new Rng(5);
  return [sparse, ...[0, 1].map(() => supernet.pathOf(darts.sample(rng)))];
}

describe('darts supernet with a fed path (one program for every path)', () => {
  const supernet = darts.supernet({ ...SMALL, mode: 'single-path', affine: true });
  const fed = supernet.fedPath!();
  let store: ParamStore;
  let step: TrainStep;

  beforeAll(async () => {
    store = randomStore(fed, 31, BATCH);
    step = await TrainStep.create(fed, { batch: BATCH, threads: 1 });
  });
  afterAll(async () => {
    await step?.release();
  });

  it('declares the path input [28] and gives each path its static build’s training step', async () => {
    expect(step.spec.graph.inputs.find((t) => t.name === PATH_INPUT)?.shape).toEqual([28]);
    // The fed program has over 20k nodes (its branches count), so ORT runs it unoptimized while the
    // small static builds run fully optimized: other kernels, other rounding, amplified up to ~1e-3 in
    // the stem's gradient through the non-affine BNs. A wrong path is off by 0.1–1.
    await expectFedMatchesStatic(supernet, { step }, store, paths(supernet), BATCH, 3e-3);
  });

  it('needs single-path mode', () => {
    expectNaskitError(() => darts.supernet({ ...SMALL, mode: 'mixed' }).fedPath!(), 'invalid_argument');
  });
});
