import { describe, expect, it } from 'vitest';
import { nb201, spaceNames } from '../spaces/index.js';
import { bundledDataDir, testDataDir } from '../util/data-dir.js';
import { Rng } from '../util/rng.js';
import { openBenchmark } from './catalog.js';
import { SECONDS_PER_IMAGE_MFLOP } from './cost.js';
import { restrictToTable } from './table-space.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const dir = testDataDir();
const BEST_TEST_C10 =
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';

function max(values: Float64Array): { value: number; row: number } {
  let row = 0;
  values.forEach((v, i) => {
    if (v > values[row]!) row = i;
  });
  return { value: values[row]!, row };
}

describe('benchmark catalog errors (no data needed)', () => {
  it('a data dir without a table reads the copy shipped in data/ (a folder of images alone is enough)', async () => {
    const empty = tempDir('naskit-nodata-');
    const fromEmpty = await openBenchmark({ space: 'nb201', dataset: 'cifar10', dataDir: empty });
    const shipped = await openBenchmark({ space: 'nb201', dataset: 'cifar10', dataDir: bundledDataDir() });
    expect(fromEmpty.size).toBe(shipped.size);
    expect(fromEmpty.query(nb201.parse(BEST_TEST_C10), 'test_acc')).toBe(
      shipped.query(nb201.parse(BEST_TEST_C10), 'test_acc'),
    );
  });

  it('unknown datasets and spaces list the valid ones', () => {
    expect(() => openBenchmark({ space: 'nb201', dataset: 'mnist', dataDir: '.' })).toThrow(
      /unknown dataset 'mnist' for space nb201; valid datasets: cifar10, cifar100, ImageNet16-120, ninapro/,
    );
    expect(() => openBenchmark({ space: 'nb999', dataset: 'cifar10' })).toThrow(
      /unknown search space 'nb999'; valid names/,
    );
    expect(() => openBenchmark({ space: 'nb201', dataset: 'svhn', source: 'table', dataDir: '.' })).toThrow(
      /nb201\/svhn has no 'table' benchmark; available: suite-zero/,
    );
  });
});

describe.skipIf(!dir)('real benchmark tables (shared data)', () => {
  // Load speed is measured by `naskit bench query` (docs/benchmarks.md), not here: a timed test fails on a busy machine.
  it('NB201 cifar10: rows follow the official index, metrics match the README figures', async () => {
    const heap = process.memoryUsage().heapUsed;
    const bench = await openBenchmark({ space: 'nb201', dataset: 'cifar10', dataDir: dir! });
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(200e6);
    expect(bench.size).toBe(15625);
    expect(bench.rowOf(BEST_TEST_C10)).toBe(6111);
    expect(nb201.index(nb201.parse(BEST_TEST_C10))).toBe(6111);
    const test = max(bench.column('test_acc'));
    expect(test).toEqual({ value: expect.closeTo(94.3733, 4), row: 6111 });
    expect(max(bench.column('val_acc')).value).toBeCloseTo(91.57, 2);
    expect(max(bench.column('test_acc_12')).value).toBeCloseTo(89.16, 2);
    expect(bench.query(nb201.fromIndex(0), 'flops')).toBeCloseTo(15.64737, 5);
    expect(bench.query(nb201.fromIndex(0), 'params')).toBeCloseTo(0.129306, 6);
    const lat = bench.column('latency:titan_rtx_256');
    expect(lat.reduce((a, b) => a + b, 0) / lat.length).toBeCloseTo(18.86, 1);
    expect(bench.metricNames.filter((m) => m.startsWith('latency:'))).toHaveLength(27);
    expect(bench.metricNames.slice(0, 4)).toEqual(['val_acc', 'test_acc', 'val_acc_12', 'test_acc_12']);
    expect(bench.metricInfo('val_acc').description).toMatch(/cifar10valid_val_200_naslib/);
    // Zen failures (-1e8) read as NaN.
    expect(bench.column('zen').filter((z) => Number.isNaN(z)).length).toBe(341);
    expect(bench.cost.kind).toBe('modelled');
    expect(bench.costOfRow(0)).toBeCloseTo(200 * 25_000 * SECONDS_PER_IMAGE_MFLOP * 15.64737, 6);
    expect(restrictToTable(bench)).toBe(bench.space);
    expect(() => bench.query(nb201.fromIndex(0), 'latency:gameboy')).toThrow(/valid metrics: val_acc/);
  });

  it('NB201 cifar100 and ImageNet16-120 use their own columns', async () => {
    const c100 = await openBenchmark({ space: 'nb201', dataset: 'cifar100', dataDir: dir! });
    expect(max(c100.column('test_acc'))).toEqual({ value: expect.closeTo(73.5133, 4), row: 9930 });
    expect(max(c100.column('val_acc')).value).toBeCloseTo(73.26, 2);
    const img = await openBenchmark({ space: 'nb201', dataset: 'imagenet16', dataDir: dir! });
    expect(img.dataset).toBe('ImageNet16-120');
    expect(max(img.column('test_acc'))).toEqual({ value: expect.closeTo(47.3111, 4), row: 857 });
  });

  it('Suite-Zero samples: NB201 cifar10 rows with proxies, test = val', async () => {
    const zc = await openBenchmark({
      space: 'nb201',
      dataset: 'cifar10',
      source: 'suite-zero',
      dataDir: dir!,
    });
    expect(zc.size).toBe(725);
    expect(max(zc.column('val_acc')).value).toBeCloseTo(91.36, 2);
    expect(zc.metricNames).toEqual(
      expect.arrayContaining(['nwot', 'jacov', 'synflow', 'zen', 'flops', 'params']),
    );
    expect(zc.column('test_acc')).toBe(zc.column('val_acc'));
    const space = restrictToTable(zc);
    expect(space.size).toBe(725);
    const arch = space.sample(new Rng(1));
    expect(zc.has(space.mutate(arch, new Rng(2)))).toBe(true);
  });

  it.skipIf(!spaceNames.includes('tnb101-micro'))(
    'TNB101 micro: 4,096 cells, 7 tasks, test = val',
    async () => {
      const jig = await openBenchmark({ space: 'tnb101-micro', dataset: 'jigsaw', dataDir: dir! });
      expect(jig.size).toBe(4096);
      expect(max(jig.column('val_acc')).value).toBeCloseTo(95.37, 2);
      expect(jig.column('test_acc')).toBe(jig.column('val_acc'));
      const room = await openBenchmark({ space: 'tnb101-micro', dataset: 'room_layout', dataDir: dir! });
      expect(max(room.column('val_acc')).value).toBeCloseTo(-0.601, 3);
      expect(room.metricInfo('val_acc').unit).toBe('-L2');
    },
  );

  it.skipIf(!spaceNames.includes('nb101'))(
    'NB101 sample: keyed by module hash, measured training time',
    async () => {
      const bench = await openBenchmark({ space: 'nb101', dataset: 'cifar10', dataDir: dir! });
      expect(bench.size).toBe(20001);
      expect(bench.searchableRows().length).toBe(10256);
      const best = max(bench.column('val_acc'));
      expect(best.value).toBeCloseTo(94.91, 2);
      expect(bench.keys[best.row]!.startsWith('096f593e')).toBe(true);
      expect(bench.cost.kind).toBe('measured');
    },
  );
});
