import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageDataset } from '../../data/dataset.js';
import { scoreArchitectures } from '../../proxies/run.js';
import { nb201 } from '../../spaces/index.js';
import type { AnySpace } from '../../spaces/space.js';
import { Rng } from '../../util/rng.js';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';
import { parseRunConfig } from './config.js';
import { makeScorers } from './scorers.js';
import { sampleDistinct, scorePhase, type ScoredRecord } from './search-phase.js';
import { ResultsStore } from './store.js';

const tempDir = tempDirs();
const space = nb201 as AnySpace;

// Seeded 8×8 images, 3 classes: enough for a proxy batch of 32.
const n = 48;
const train: ImageDataset = {
  name: 'synthetic',
  pixels: Uint8Array.from({ length: n * 3 * 64 }, (_, i) => (i * 97 + 13) % 256),
  labels: Int32Array.from({ length: n }, (_, i) => i % 3),
  n,
  channels: 3,
  height: 8,
  width: 8,
  classes: 3,
  classNames: ['a', 'b', 'c'],
};
const normalization = { mean: [127, 127, 127], std: [64, 64, 64] };
// The first two share their conv pattern (one group program); the third is alone (its own network).
const archs = [
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|',
  '|none~0|+|none~0|none~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|',
];
const quiet = { start() {}, update() {}, stop() {}, log() {} };

async function scoreAlone(proxies: string[], texts: readonly string[]): Promise<(number | null)[]> {
  const config = parseRunConfig({ search: { proxies } }, 'test');
  const [scorer] = makeScorers(space, config, train, normalization, new Rng(0), 1);
  const values = await scoreArchitectures({
    context: scorer!.context,
    proxies: [scorer!.definition],
    archs: texts.map((t) => space.parse(t)),
  });
  return values.get(scorer!.name)!.map((v) => v.value);
}

function storeIn(prefix: string): ResultsStore {
  const path = join(tempDir(prefix), 'results.jsonl');
  return ResultsStore.create(path, { run_id: 'test', config_hash: 'test', created: 'now' });
}

describe('run scorers', () => {
  it('score a mix of shared and lone conv patterns exactly as the proxy scores each cell', async () => {
    const viaRun = await scoreAlone(['synflow'], archs);
    expect(viaRun.every(Number.isFinite)).toBe(true);
    // Each cell alone (its own network), one context each: the values of the shared program to the bit.
    for (const [i, text] of archs.entries()) {
      expect(await scoreAlone(['synflow'], [text]), `arch ${i}`).toEqual([viaRun[i]]);
    }
  }, 60_000);

  it('record scores in the store: worker threads give the same records, a resumed phase scores only what is missing', async () => {
    const config = parseRunConfig({ search: { proxies: ['snip', 'params'] } }, 'test');
    const sample = sampleDistinct(space, 8, new Rng(5));
    const phase = async (store: ResultsStore, threads: number): Promise<ScoredRecord[]> =>
      scorePhase(sample, makeScorers(space, config, train, normalization, new Rng(0), threads), store, quiet);
    const scores = (records: readonly ScoredRecord[]) => records.map((r) => [r.arch, r.index, r.scores]);

    const one = storeIn('naskit-scorers-');
    const here = await phase(one, 1);
    expect(here.map((r) => Object.keys(r.scores))).toEqual(sample.map(() => ['snip', 'params']));
    expect(here.every((r) => Number.isFinite(r.scores.snip) && Number.isFinite(r.scores.params))).toBe(true);
    expect(one.of('scored')).toHaveLength(8);

    const spread = await phase(storeIn('naskit-scorers-'), 2);
    expect(scores(spread)).toEqual(scores(here));

    // A store that already holds three records: only the other five are scored and appended.
    const resumed = storeIn('naskit-scorers-');
    for (const record of here.slice(0, 3)) resumed.append(record);
    const again = await phase(resumed, 1);
    expect(scores(again)).toEqual(scores(here));
    expect(again.slice(0, 3)).toEqual(here.slice(0, 3));
    expect(resumed.of('scored')).toHaveLength(8);
  }, 120_000);
});
