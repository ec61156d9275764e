import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getSpace } from '../spaces/index.js';
import { Rng } from '../util/rng.js';
import { ScoreCache } from './cache.js';
import { createProxyContext } from './context.js';
import { resolveProxies } from './index.js';
import { scoreArchitectures } from './run.js';
import { chunkByGroup, chunkSize } from './workers.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const space = getSpace('nb201');
const rng = new Rng(11);
const archs = Array.from({ length: 8 }, () => space.sample(rng));
const proxies = resolveProxies(['synflow', 'params']);
const values = (scores: Map<string, { value: number | null }[]>) =>
  Object.fromEntries([...scores].map(([name, v]) => [name, v.map((x) => x.value)]));

describe('scoring on worker threads', () => {
  it('gives the scores of the calling thread, in order, and fills the cache', async () => {
    const here = await scoreArchitectures({
      context: createProxyContext({ space: 'nb201' }),
      proxies,
      archs,
    });
    const path = join(tempDir('naskit-workers-'), 'scores.jsonl');
    const cache = ScoreCache.open(path, { space: 'nb201', dataset: 'cifar10', seed: 0 });
    // One score already cached: the workers skip it and it comes back from the cache.
    cache.put('synflow', space.key(archs[3]), { value: 42, seconds: 0 });
    const progress: number[] = [];
    const spread = await scoreArchitectures({
      context: createProxyContext({ space: 'nb201', workers: 2 }),
      proxies,
      archs,
      cache,
      onProgress: (p) => progress.push(p.done),
    });
    cache.close();
    const expected = values(here);
    expected.synflow![3] = 42;
    expect(values(spread)).toEqual(expected);
    expect(Math.max(...progress)).toBe(archs.length);
    const reread = ScoreCache.open(path, { space: 'nb201', dataset: 'cifar10', seed: 0 });
    expect(archs.map((a) => reread.get('params', space.key(a))?.value)).toEqual(expected.params);
    reread.close();
  });

  it("passes a worker's error on with its code", async () => {
    // jacov needs images; a context without a data dir fails inside each worker.
    const run = scoreArchitectures({
      context: createProxyContext({ space: 'nb201', workers: 2 }),
      proxies: resolveProxies(['jacov']),
      archs,
    });
    await expect(run).rejects.toMatchObject({ code: 'data_missing' });
  });
});

describe('chunkByGroup', () => {
  const group = (x: string) => x[0]!;
  it('cuts only where the program group changes, once a chunk has its size', () => {
    const todo = ['a1', 'a2', 'a3', 'b1', 'c1', 'c2', 'd1'];
    expect(chunkByGroup(todo, group, 2)).toEqual([['a1', 'a2', 'a3'], ['b1', 'c1', 'c2'], ['d1']]);
    expect(chunkByGroup(todo, group, 1)).toEqual([['a1', 'a2', 'a3'], ['b1'], ['c1', 'c2'], ['d1']]);
    expect(chunkByGroup(todo, group, 100)).toEqual([todo]);
    expect(chunkByGroup([], group, 3)).toEqual([]);
  });

  it('sizes chunks at about a dozen per worker, within bounds', () => {
    expect(chunkSize(15625, 2)).toBe(256);
    expect(chunkSize(1000, 2)).toBe(42);
    expect(chunkSize(10, 2)).toBe(4);
  });
});
