import { describe, expect, it } from 'vitest';
import { countTrainableParams } from '../../nn/param-count.js';
import { testDataDir } from '../../util/data-dir.js';
import { Rng } from '../../util/rng.js';
import { expectNaskitError } from '../../../test/helpers/space-contract.js';
import { readGzCsv } from '../../../test/helpers/read-gz-csv.js';
import { expectNonZeroGrads, expectTrainStep } from '../../../test/helpers/network-testing.js';
import { nb101, type Nb101Arch } from './index.js';
import { vertexChannels } from './network.js';

const CIFAR = { classes: 10, inputShape: [3, 32, 32] as const };

describe('nb101 vertex channels', () => {
  it('splits the output over the vertices feeding it and propagates maxima backwards', () => {
    // 0→1, 0→2, 1→3, 2→3, 3→4(out), 1→4: output fed by 1 and 3.
    const m = [
      [0, 1, 1, 0, 0],
      [0, 0, 0, 1, 1],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0],
    ];
    expect(vertexChannels(64, 129, m)).toEqual([64, 65, 64, 64, 129]);
    expect(
      vertexChannels(64, 128, [
        [0, 1],
        [0, 0],
      ]),
    ).toEqual([64, 128]);
    expectNaskitError(() => vertexChannels(4, 1, m), 'invalid_config');
  });
});

describe('nb101 network', () => {
  it('trains one step with every op, including truncation, projections and the input→output edge', async () => {
    // Vertices 1 (conv3x3), 2 (conv1x1), 3 (maxpool) all feed the output; 1→3 needs truncation (odd split);
    // the input feeds vertices 1, 2 and the output.
    const arch = nb101.fromSpec(
      [
        [0, 1, 1, 0, 1],
        [0, 0, 0, 1, 1],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0],
      ],
      ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'output'],
    );
    const net = nb101.build(arch, { classes: 3, inputShape: [3, 8, 8], channels: 8, cells: 1 });
    const grads = await expectTrainStep(net);
    expectNonZeroGrads(grads, 'vertex_1/op/conv/weight');
    expectNonZeroGrads(grads, 'vertex_2/op/conv/weight');
    expectNonZeroGrads(grads, 'vertex_1/projection');
    expectNonZeroGrads(grads, 'output/projection');
    expectNonZeroGrads(grads, 'dense/weight');
  });

  it('builds the input→output-only module and odd-sized inputs (28×28×1, 7×7 after two pools)', async () => {
    const direct = nb101.fromSpec(
      [
        [0, 1],
        [0, 0],
      ],
      ['input', 'output'],
    );
    await expectTrainStep(
      nb101.build(direct, { classes: 10, inputShape: [1, 28, 28], channels: 4, cells: 1 }),
    );
    const arch = nb101.fromSpec(
      [
        [0, 1, 0],
        [0, 0, 1],
        [0, 0, 0],
      ],
      ['input', 'maxpool3x3', 'output'],
    );
    await expectTrainStep(nb101.build(arch, { classes: 10, inputShape: [3, 10, 10], channels: 4, cells: 1 }));
  });

  it('has the published size of the ResNet-like cell family: 2-vertex module = 3 projections per stack', () => {
    // Input→output only: each module is one 1×1 projection (conv + BN) to the module's channels.
    const direct = nb101.fromSpec(
      [
        [0, 1],
        [0, 0],
      ],
      ['input', 'output'],
    );
    const stem = 3 * 9 * 128 + 2 * 128;
    const proj = (cin: number, cout: number) => cin * cout + 2 * cout;
    const stacks =
      3 * proj(128, 128) + proj(128, 256) + 2 * proj(256, 256) + proj(256, 512) + 2 * proj(512, 512);
    expect(countTrainableParams(nb101.build(direct, CIFAR))).toBe(stem + stacks + 512 * 10 + 10);
  });
});

const dir = testDataDir();

function specRows(): Record<string, string>[] {
  return readGzCsv(dir!, 'nb101/nb101_sample20k.csv.gz').filter((r) => r.adjacency !== '');
}

/**
 * Parameter counts of every vertex ordering of the pruned cell (same module hash). nasbench gives the
 * +1 channels of an uneven split to the first vertices in order, so isomorphic cells can differ in size,
 * and the table's cell may be another ordering of the module the benchmark trained.
 */
function isomorphCounts(arch: Nb101Arch): Set<number> {
  const { matrix, ops } = nb101.pruned(arch);
  const n = matrix.length;
  const counts = new Set<number>();
  const permute = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) {
      const order = [0, ...prefix, n - 1];
      const m = order.map((i) => order.map((j) => matrix[i]![j]!));
      if (!m.every((r, i) => r.every((x, j) => x === 0 || j > i))) return;
      const iso = nb101.fromSpec(
        m,
        order.map((i) => ops[i]!),
      );
      expect(nb101.key(iso)).toBe(nb101.key(arch));
      counts.add(countTrainableParams(nb101.build(iso, CIFAR)));
      return;
    }
    rest.forEach((v, i) => permute([...prefix, v], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute(
    [],
    Array.from({ length: n - 2 }, (_, i) => i + 1),
  );
  return counts;
}

/** Returns the hashes that matched only through another vertex ordering. */
function expectParity(rows: readonly Record<string, string>[]): string[] {
  const viaIsomorph: string[] = [];
  for (const row of rows) {
    const arch = nb101.fromTable(row.adjacency!, row.ops!);
    const expected = Number(row.trainable_parameters);
    if (countTrainableParams(nb101.build(arch, CIFAR)) === expected) continue;
    expect(
      [...isomorphCounts(arch)],
      `${row.module_hash}: no vertex ordering has ${expected} parameters`,
    ).toContain(expected);
    viaIsomorph.push(row.module_hash!);
  }
  return viaIsomorph;
}

describe.skipIf(!dir)('nb101 parameter parity with nb101_sample20k.csv.gz (needs shared data)', () => {
  it('matches trainable_parameters on a seeded sample of 1,000 cells', () => {
    const rows = specRows();
    expect(rows).toHaveLength(10_256);
    expect(expectParity(new Rng(101).sampleIndices(rows.length, 1000).map((i) => rows[i]!))).toEqual([]);
  });

  it('matches a module whose table cell is another vertex ordering than the one trained', () => {
    const row = specRows().find((r) => r.module_hash === '087fdce1f8eca0a97f91fb060f45e5d2')!;
    expect(expectParity([row])).toEqual([row.module_hash]);
  });

  // About 15 s: run with NASKIT_FULL_PARITY=1. One cell (087fdce1…) matches only via another ordering.
  it.skipIf(!process.env.NASKIT_FULL_PARITY)(
    'matches on all 10,256 cells with a spec (NASKIT_FULL_PARITY=1)',
    () => {
      expect(expectParity(specRows())).toEqual(['087fdce1f8eca0a97f91fb060f45e5d2']);
    },
    600_000,
  );
});
