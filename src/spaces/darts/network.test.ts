import { describe, expect, it } from 'vitest';
import { Graph } from '../../graph/graph.js';
import { createContext } from '../../graph/network.js';
import { countTrainableParams } from '../../nn/param-count.js';
import { ParamStore } from '../../runtime/params.js';
import { Program } from '../../runtime/session.js';
import { TrainStep, buildTrainGraph } from '../../runtime/train-program.js';
import { testDataDir } from '../../util/data-dir.js';
import { Rng } from '../../util/rng.js';
import { expectNaskitError } from '../../../test/helpers/space-contract.js';
import { readGzCsv } from '../../../test/helpers/read-gz-csv.js';
import { expectNonZeroGrads, expectTrainStep, randomInput } from '../../../test/helpers/network-testing.js';
import { darts } from './index.js';

// DARTS (second order), DARTS' genotypes.py.
const DARTS_V2 = darts.parse(
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), " +
    "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], " +
    "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), " +
    "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])",
);

/** Every op in both cell types, with the stride-2 forms (inputs 0, 1 of the reduction cell) included. */
const ALL_OPS = darts.fromGenotype(
  [
    ['sep_conv_3x3', 0],
    ['sep_conv_5x5', 1],
    ['dil_conv_3x3', 0],
    ['dil_conv_5x5', 2],
    ['max_pool_3x3', 1],
    ['avg_pool_3x3', 3],
    ['skip_connect', 0],
    ['sep_conv_3x3', 4],
  ],
  [
    ['skip_connect', 0],
    ['max_pool_3x3', 1],
    ['avg_pool_3x3', 0],
    ['sep_conv_5x5', 1],
    ['dil_conv_3x3', 0],
    ['dil_conv_5x5', 1],
    ['sep_conv_3x3', 1],
    ['skip_connect', 4],
  ],
);

const CIFAR = { classes: 10, inputShape: [3, 32, 32] as const };
// 3 cells: normal, reduce, reduce (so the last cell also preprocesses with factorized reduce).
const TINY = { classes: 3, inputShape: [3, 8, 8] as const, channels: 4, cells: 3 };

describe('darts network', () => {
  it('has DARTS-V2’s published size: 3,349,342 parameters at C=36, 20 cells (auxiliary head not counted)', () => {
    expect(countTrainableParams(darts.build(DARTS_V2, { ...CIFAR, channels: 36, cells: 20 }))).toBe(
      3_349_342,
    );
    expect(countTrainableParams(darts.build(DARTS_V2, { ...CIFAR, auxiliary: true }))).toBe(3_349_342);
  });

  it('adds DARTS’ auxiliary head in training graphs only (476,426 parameters at C=36, 10 classes)', () => {
    const net = darts.build(DARTS_V2, { ...CIFAR, auxiliary: true });
    const train = buildTrainGraph(net, 2);
    const auxiliary = train.trainable.filter((p) => p.name.startsWith('auxiliary/'));
    // 1×1 conv 576→128 + BN, 2×2 conv 128→768 + BN, linear 768→10.
    expect(auxiliary.reduce((n, p) => n + p.size, 0)).toBe(576 * 128 + 256 + 128 * 768 * 4 + 1536 + 7690);
    const g = new Graph('aux');
    const { logits, auxLogits } = net.forwardWithAux(createContext(g, true), g.input('x', [2, 3, 32, 32]));
    expect(logits.shape).toEqual([2, 10]);
    expect(auxLogits?.shape).toEqual([2, 10]);
    const evalGraph = new Graph('aux-eval');
    expect(
      net.forwardWithAux(createContext(evalGraph, false), evalGraph.input('x', [2, 3, 32, 32])).auxLogits,
    ).toBeNull();
    expectNaskitError(
      () => buildTrainGraph(darts.build(DARTS_V2, { ...TINY, auxiliary: true }), 1),
      'invalid_config',
    );
  });

  it('trains one step with every op in normal and reduction cells', async () => {
    const grads = await expectTrainStep(darts.build(ALL_OPS, TINY));
    for (const op of ['sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'])
      expectNonZeroGrads(grads, `${op}/pw`);
    expectNonZeroGrads(grads, 'cells/1/edge_0_2/skip_connect/conv1'); // factorized reduce at stride 2
    expectNonZeroGrads(grads, 'cells/2/pre0/conv2'); // preprocessing after a reduction
  });

  it('builds odd sizes (28×28×1, 7×7 at the second reduction) and computes the auxiliary loss gradient', async () => {
    await expectTrainStep(darts.build(ALL_OPS, { ...TINY, inputShape: [1, 28, 28] }));
    const net = darts.build(ALL_OPS, { ...TINY, inputShape: [3, 32, 32], auxiliary: true });
    const g = new Graph('aux-train');
    const { logits, auxLogits } = net.forwardWithAux(
      createContext(g, true),
      g.input('input', [2, 3, 32, 32]),
    );
    const program = await Program.compile(g, [logits, auxLogits!], { threads: 1 });
    try {
      const store = ParamStore.fromGraph(g, new Rng(0));
      const feeds: Record<string, Float32Array> = { input: randomInput(net, 2, 1) };
      for (const name of program.paramNames) feeds[name] = store.get(name);
      const out = await program.run(feeds);
      for (const v of Object.values(out))
        expect(Array.from(v as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await program.release();
    }
  });

  it('applies drop-path in training only, with a fresh mask every step', async () => {
    const net = darts.build(ALL_OPS, { ...TINY, dropPath: 0.5 });
    const train = buildTrainGraph(net, 4);
    expect(train.graph.nodes.filter((n) => n.op.type === 'RandomUniform').length).toBeGreaterThan(0);
    const g = new Graph('eval');
    net.forward(createContext(g, false), g.input('x', [4, 3, 8, 8]));
    expect(g.nodes.some((n) => n.op.type === 'RandomUniform')).toBe(false);
    const store = ParamStore.fromGraph(train.graph, new Rng(3));
    const step = await TrainStep.create(net, { batch: 4, threads: 1 });
    try {
      const input = randomInput(net, 4, 2);
      const labels = BigInt64Array.from([0n, 1n, 2n, 0n]);
      const losses = new Set<number>();
      for (let i = 0; i < 4; i++) losses.add((await step.run(store, input, labels)).loss);
      expect(losses.size).toBeGreaterThan(1);
    } finally {
      await step.release();
    }
    expectNaskitError(() => darts.build(ALL_OPS, { ...TINY, dropPath: 1 }), 'invalid_config');
    expectNaskitError(
      () =>
        buildTrainGraph(
          { ...net, forward: (ctx, x) => net.forward({ ...ctx, options: { dropPathProb: 2 } }, x) },
          1,
        ),
      'invalid_argument',
    );
  });
});

const dir = testDataDir();

const NB301_INPUTS: Record<string, { classes: number; inputShape: readonly [number, number, number] }> = {
  cifar10: CIFAR,
  svhn: CIFAR,
  scifar100: { classes: 100, inputShape: [3, 32, 32] },
  ninapro: { classes: 18, inputShape: [1, 16, 52] },
};

function nb301Rows(): Record<string, string>[] {
  return readGzCsv(dir!, 'zc/zc_suite_zero_samples.csv.gz').filter((r) => r.search_space === 'nasbench301');
}

function expectNb301Parity(rows: readonly Record<string, string>[]): void {
  for (const row of rows) {
    const setting = NB301_INPUTS[row.dataset!]!;
    const net = darts.build(darts.parse(row.arch_str!), {
      ...setting,
      channels: 32,
      cells: 8,
      affine: false,
    });
    expect(countTrainableParams(net), `${row.dataset} ${row.arch_key}`).toBe(
      Math.round(Number(row.params) * 1e6),
    );
  }
}

describe.skipIf(!dir)('darts parameter parity with NASLib’s NB301 models (needs shared data)', () => {
  it('matches the params of a seeded sample of 300 NB301 rows (C=32, 8 cells, non-affine op BN)', () => {
    const rows = nb301Rows();
    expect(rows.length).toBe(725 + 3 * 199);
    expectNb301Parity(new Rng(301).sampleIndices(rows.length, 300).map((i) => rows[i]!));
  });

  it.skipIf(!process.env.NASKIT_FULL_PARITY)(
    'matches all 1,322 NB301 rows (NASKIT_FULL_PARITY=1)',
    () => {
      expectNb301Parity(nb301Rows());
    },
    600_000,
  );
});
