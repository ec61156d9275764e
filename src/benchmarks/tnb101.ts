/**
 * TransNAS-Bench-101 micro space (all 4,096 cells): final-epoch validation metric of 7 tasks plus a few
 * zero-cost proxies. The table has no test split and no training times.
 */
import type { SearchSpace } from '../spaces/space.js';
import { dataFile } from '../util/data-dir.js';
import { columnOf } from './csv.js';
import { noCost } from './cost.js';
import { assertUniqueKeys, canonicalize, readCsvCached } from './keys.js';
import { TabularBenchmark, type MetricColumn } from './table.js';

export const TNB101_TASKS = [
  'class_scene',
  'class_object',
  'jigsaw',
  'room_layout',
  'segmentsemantic',
  'autoencoder',
  'normal',
] as const;
export type Tnb101Task = (typeof TNB101_TASKS)[number];

/** What NASLib's VAL_ACCURACY is for each task (higher is better for all of them). */
export const TNB101_TASK_METRIC: Record<Tnb101Task, { what: string; unit: string }> = {
  class_scene: { what: 'valid top-1 accuracy', unit: '%' },
  class_object: { what: 'valid top-1 accuracy', unit: '%' },
  jigsaw: { what: 'valid top-1 accuracy', unit: '%' },
  room_layout: { what: 'valid negative L2 loss (higher is better)', unit: '-L2' },
  segmentsemantic: { what: 'valid pixel accuracy', unit: '%' },
  autoencoder: { what: 'valid SSIM', unit: 'SSIM' },
  normal: { what: 'valid SSIM', unit: 'SSIM' },
};

const FILE = 'tnb101/tnb101_micro_val_zc.csv.gz';
export const TNB_NO_TEST_NOTE =
  'TransNAS-Bench-101 tables here have no test split: test_acc is the validation metric (test = val)';

export async function loadTnb101Micro<A>(
  dataDir: string,
  space: SearchSpace<A>,
  task: Tnb101Task,
): Promise<TabularBenchmark<A>> {
  const path = dataFile(dataDir, FILE, `TNB101 micro ${task}`);
  const csv = await readCsvCached(path, {
    text: ['arch_str'],
    numeric: 'rest',
    required: ['arch_str', `val_${task}`],
    purpose: 'TNB101 micro table',
    missingMarkers: [-1e8],
  });
  const canon = canonicalize(space, columnOf(csv.text, 'arch_str', path), csv.lines, path, 'arch_str');
  assertUniqueKeys(canon.keys, csv.lines, path, 'arch_str');

  const m = TNB101_TASK_METRIC[task];
  const val = columnOf(csv.numeric, `val_${task}`, path);
  const columns: MetricColumn[] = [
    {
      info: {
        name: 'val_acc',
        description: `${task}: final-epoch ${m.what}; column val_${task}`,
        unit: m.unit,
      },
      values: val,
    },
    {
      info: { name: 'test_acc', description: `same as val_acc (${TNB_NO_TEST_NOTE})`, unit: m.unit },
      values: val,
    },
  ];
  for (const proxy of ['zen', 'synflow', 'epe_nas', 'fisher']) {
    const values = csv.numeric.get(`${proxy}_${task}`);
    if (values === undefined) continue;
    columns.push({
      info: { name: proxy, description: `${proxy} proxy score (NASLib); NaN where it failed`, unit: 'score' },
      values,
    });
  }
  return new TabularBenchmark({
    space,
    dataset: task,
    source: path,
    keys: canon.keys,
    archStrings: canon.archStrings,
    columns,
    valMetric: 'val_acc',
    testMetric: 'test_acc',
    cost: noCost('none: the TNB101 table has no training times; use a query budget'),
    notes: [TNB_NO_TEST_NOTE],
  });
}
