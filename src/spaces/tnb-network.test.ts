import { describe, expect, it } from 'vitest';
import { countTrainableParams } from '../nn/param-count.js';
import { testDataDir } from '../util/data-dir.js';
import { Rng } from '../util/rng.js';
import { expectNonZeroGrads, expectTrainStep } from '../../test/helpers/network-testing.js';
import { expectNaskitError } from '../../test/helpers/space-contract.js';
import { readGzCsv } from '../../test/helpers/read-gz-csv.js';
import { tnbMacro } from './tnb101-macro/index.js';
import { tnbMicro } from './tnb101-micro/index.js';

const TINY = { classes: 3, inputShape: [3, 32, 32] as const, channels: 4, cells: 1 };

describe('tnb101 networks', () => {
  it('micro: trains one step with every op (skip and zero across the stride-2 channel change)', async () => {
    const grads = await expectTrainStep(tnbMicro.build(tnbMicro.parse('64-41414-1_02_333'), TINY));
    expectNonZeroGrads(grads, 'layers/0/0/edge01/skip/conv1'); // factorized reduce out of the cell input
    expectNonZeroGrads(grads, 'edge12/conv1x1/conv/weight');
    expectNonZeroGrads(grads, 'edge03/conv3x3/conv/weight');
    // All-zero cells: the output is zeros of the cell's shape; the head still trains.
    await expectTrainStep(
      tnbMicro.build(tnbMicro.parse('64-41414-0_00_000'), { ...TINY, inputShape: [1, 28, 28] }),
    );
  });

  it('macro: trains one step and has the hand-counted size of 64-1234-basic', async () => {
    await expectTrainStep(tnbMacro.build(tnbMacro.parse('64-1234-basic'), TINY));
    const relu = (cin: number, cout: number, k: number) => cin * cout * k * k + 2 * cout;
    const block = (cin: number, cout: number, stride: number) =>
      relu(cin, cout, 3) + relu(cout, cout, 3) + (stride !== 1 || cin !== cout ? relu(cin, cout, 1) : 0);
    const layer = (cin: number, cout: number, stride: number) =>
      block(cin, cout, stride) + block(cout, cout, 1);
    const stem = relu(3, 32, 3) + relu(32, 64, 3);
    const expected =
      stem + layer(64, 64, 1) + layer(64, 128, 1) + layer(128, 128, 2) + layer(128, 256, 2) + 256 * 10 + 10;
    const net = tnbMacro.build(tnbMacro.parse('64-1234-basic'), { classes: 10, inputShape: [3, 256, 256] });
    expect(countTrainableParams(net)).toBe(expected);
  });

  it('rejects configs that do not apply', () => {
    const arch = tnbMicro.parse('64-41414-1_02_333');
    expectNaskitError(() => tnbMicro.build(arch, { ...TINY, channels: 5 }), 'invalid_config');
    expectNaskitError(() => tnbMicro.build(arch, { ...TINY, auxiliary: true }), 'invalid_config');
  });
});

const dir = testDataDir();
// NASLib's heads: class_object 100 classes, class_scene 63, room_layout 9 regression outputs (a linear head too).
const TASK_OUTPUTS: Record<string, number> = { class_object: 100, class_scene: 63, room_layout: 9 };

function tnbRows(): Record<string, string>[] {
  return readGzCsv(dir!, 'zc/zc_suite_zero_samples.csv.gz').filter(
    (r) => r.search_space === 'transbench101_micro' && r.dataset! in TASK_OUTPUTS,
  );
}

function expectTnbParity(rows: readonly Record<string, string>[]): void {
  for (const row of rows) {
    const net = tnbMicro.build(tnbMicro.parse(row.arch_str!), {
      classes: TASK_OUTPUTS[row.dataset!]!,
      inputShape: [3, 256, 256],
    });
    expect(countTrainableParams(net), `${row.dataset} ${row.arch_str}`).toBe(
      Math.round(Number(row.params) * 1e6),
    );
  }
}

describe.skipIf(!dir)('tnb101 micro parameter parity with NASLib (needs shared data)', () => {
  it('matches params of a seeded sample of 300 class_object / class_scene / room_layout rows', () => {
    const rows = tnbRows();
    expect(rows).toHaveLength(3 * 711);
    expectTnbParity(new Rng(4096).sampleIndices(rows.length, 300).map((i) => rows[i]!));
  });

  it.skipIf(!process.env.NASKIT_FULL_PARITY)(
    'matches all 2,133 rows (NASKIT_FULL_PARITY=1)',
    () => {
      expectTnbParity(tnbRows());
    },
    600_000,
  );
});
