import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releasePrograms } from '../../predictors/engine.js';
import type { Setting } from '../../predictors/settings.js';
import { unifiedGraph } from '../../predictors/unified-graph.js';
import { getSpace } from '../../spaces/index.js';
import { testDataDir } from '../../util/data-dir.js';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';
import { attachScoreFeatures, rawScores, scoreCachePath } from './score-features.js';

afterAll(releasePrograms);
const tempDir = tempDirs();

const ALL_3X3 =
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|';
const NB201 = [
  ALL_3X3,
  '|nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|nor_conv_1x1~2|',
  '|avg_pool_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|skip_connect~2|',
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|',
];

function setting(space: string, name: string, archs: string[], targets: number[]): Setting {
  const sp = getSpace(space);
  const graphs = archs.map((a) => unifiedGraph(space, sp.parse(a)));
  const spec = { name, space, dataset: name, metric: 'val_acc', maximize: true };
  return {
    spec: { ...spec, from: { kind: 'file', path: name } },
    name,
    space,
    graphs,
    archs,
    targets: Float64Array.from(targets),
    rows: archs.length,
  };
}

const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

describe('score features through the cache', () => {
  it('computes params and FLOPs once, resumes, and reuses the cache across tables', async () => {
    const dir = tempDir('naskit-scores-');
    const first = await rawScores('nb201', NB201.slice(0, 2), {
      proxies: ['params', 'flops'],
      cacheDir: dir,
    });
    // the CIFAR-10 benchmark network of the all-3x3 cell (nb201_cost_computed: 1.531546 M, 220.12 MFLOPs)
    expect(first.get('params')![0]).toBeCloseTo(1.531546, 5);
    expect(first.get('flops')![0]).toBeCloseTo(220.11969, 3);
    const path = scoreCachePath(dir, 'nb201', 0);
    expect(lines(path).length).toBe(1 + 2 * 2);
    // a larger table of the same space scores only what the cache lacks
    const logs: string[] = [];
    const all = await rawScores('nb201', NB201, {
      proxies: ['params', 'flops'],
      cacheDir: dir,
      log: (m) => logs.push(m),
    });
    expect(lines(path).length).toBe(1 + 2 * 4);
    expect(all.get('params')!.slice(0, 2)).toEqual(first.get('params'));
    expect(all.get('params')![1]!).toBeLessThan(all.get('params')![3]!);
    // everything cached: nothing is appended
    await rawScores('nb201', NB201, { proxies: ['params', 'flops'], cacheDir: dir });
    expect(lines(path).length).toBe(1 + 2 * 4);
  });

  it('attaches per-setting ranks across spaces and leaves proxies a space lacks at the median', async () => {
    const dir = tempDir('naskit-scores-');
    const logs: string[] = [];
    const micro = ['64-41414-0_00_000', '64-41414-3_33_333', '64-41414-2_02_222', '64-41414-1_13_021'];
    const nb = setting('nb201', 'nb201/x', NB201, [4, 1, 2, 3]);
    const mi = setting('tnb101-micro', 'tnb101-micro/y', micro, [1, 4, 2, 3]);
    const [a, b] = await attachScoreFeatures([nb, mi], { proxies: ['params'], cacheDir: dir });
    expect(a!.scores!.names).toEqual(['params']);
    const col = (s: Setting, f: number, dim: number) =>
      Array.from({ length: s.graphs.length }, (_, i) => s.scores!.matrix.values[i * dim + f]!);
    // params: the all-3x3 cell is the largest of its table, the all-zero micro cell the smallest of its own
    expect(Math.max(...col(a!, 0, 1))).toBe(col(a!, 0, 1)[0]);
    expect(Math.min(...col(b!, 0, 1))).toBe(col(b!, 0, 1)[0]);
    // epsilon has no TNB101 micro networks: the feature stays at the median, and the log says why
    const [c] = await attachScoreFeatures([mi], {
      proxies: ['params', 'epsilon'],
      cacheDir: dir,
      log: (m) => logs.push(m),
    });
    expect(col(c!, 0, 2)).toEqual(col(b!, 0, 1));
    expect(col(c!, 1, 2)).toEqual([0, 0, 0, 0]);
    expect(logs.join('\n')).toMatch(/epsilon cannot score tnb101-micro/);
  });

  const data = testDataDir();
  it.skipIf(!data)(
    'scores a network proxy on CIFAR-10 images into the same cache (skipped: no data dir)',
    async () => {
      const dir = tempDir('naskit-scores-');
      const out = await rawScores('nb201', NB201.slice(0, 3), {
        proxies: ['nwot'],
        cacheDir: dir,
        dataDir: data!,
      });
      const values = out.get('nwot')!;
      expect(values.every((v) => v !== null && Number.isFinite(v))).toBe(true);
      expect(new Set(values).size).toBe(3);
      expect(lines(join(dir, 'nb201.cifar10.s0.jsonl')).length).toBe(4);
    },
  );
});
