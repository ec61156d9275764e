import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDataDir } from '../util/data-dir.js';
import { builtinSettingSpecs, loadSetting, parseMetric, pickSpecs, tableSetting } from './settings.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const dir = tempDir('naskit-settings-');
const table = join(dir, 'my_bench.csv');
// Rows 1 and 2 are the same graph (the dead conv3x3 on edge 0→1 is pruned), so they merge.
writeFileSync(
  table,
  [
    'arch,val_acc,loss',
    '"|nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|nor_conv_1x1~2|",1,5',
    '"|nor_conv_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|",2,4',
    '"|avg_pool_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|",4,2',
    '"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",9,1',
  ].join('\n'),
);

describe('settings', () => {
  it('turns a generic-format table into a setting, merging isomorphic graphs', async () => {
    const spec = tableSetting(table, 'nb201');
    expect(spec.name).toBe('nb201/my_bench');
    const s = await loadSetting(spec);
    expect(s.rows).toBe(4);
    expect(s.graphs.length).toBe(3);
    expect([...s.targets].sort((a, b) => a - b)).toEqual([1, 3, 9]);
  });

  it('negates lower-is-better metrics and names the setting after the metric', async () => {
    const spec = tableSetting(table, 'nb201', 'loss:min');
    expect(spec).toMatchObject({ name: 'nb201/my_bench:loss', metric: 'loss', maximize: false });
    const s = await loadSetting(spec);
    expect([...s.targets].sort((a, b) => a - b)).toEqual([-5, -3, -1]);
  });

  it('reports bad names with the valid choices', () => {
    expect(parseMetric('val_acc:max')).toEqual({ metric: 'val_acc', maximize: true });
    expect(() => tableSetting(table, 'nope')).toThrow(/unknown search space 'nope'; valid names/);
    expect(() => pickSpecs([tableSetting(table, 'nb201')], ['nb201/other'])).toThrow(
      /valid settings: nb201\/my_bench/,
    );
  });

  const data = testDataDir();
  describe.skipIf(!data)('on the shared data (skipped: no data dir)', () => {
    it('lists at least 12 built-in settings across four spaces', () => {
      const names = builtinSettingSpecs().map((s) => s.name);
      expect(names.length).toBeGreaterThanOrEqual(12);
      for (const n of [
        'nb201/cifar10',
        'nb201/ImageNet16-120',
        'tnb101-micro/jigsaw',
        'nb101/cifar10',
        'darts/cifar10',
      ]) {
        expect(names).toContain(n);
      }
    });

    it('loads NB201 CIFAR-100 as 5,257 unique graphs with accuracies in %', async () => {
      const s = await loadSetting(pickSpecs(builtinSettingSpecs(), ['nb201/cifar100'])[0]!, data!);
      expect(s.rows).toBe(15625);
      expect(s.graphs.length).toBe(5257);
      const max = Math.max(...s.targets);
      expect(max).toBeGreaterThan(70);
      expect(max).toBeLessThanOrEqual(73.26);
    });
  });
});
