import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NaskitError } from '../util/errors.js';
import { ScoreCache } from './cache.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const ID = { space: 'nb201', dataset: 'cifar10', seed: 0 };

function tempFile(): string {
  return join(tempDir('naskit-cache-'), 'scores.jsonl');
}

describe('ScoreCache', () => {
  it('writes scores and failures and reads them back in a new process', () => {
    const path = tempFile();
    const cache = ScoreCache.open(path, ID);
    cache.put('epsilon', 'a', { value: 0.5, seconds: 0.01 });
    cache.put('epsilon', 'b', { value: null, failure: 'epsilon is NaN: x', seconds: 0.02 });
    cache.close();
    const again = ScoreCache.open(path, ID);
    expect(again.get('epsilon', 'a')).toEqual({ value: 0.5, seconds: 0.01 });
    expect(again.get('epsilon', 'b')).toEqual({ value: null, failure: 'epsilon is NaN: x', seconds: 0.02 });
    expect(again.get('synflow', 'a')).toBeUndefined();
    again.close();
  });

  it('drops a line torn by an interrupted write and keeps appending cleanly', () => {
    const path = tempFile();
    const cache = ScoreCache.open(path, ID);
    cache.put('epsilon', 'a', { value: 1, seconds: 0 });
    cache.close();
    appendFileSync(path, '{"proxy":"epsilon","key":"b","val');
    const resumed = ScoreCache.open(path, ID);
    expect(resumed.size).toBe(1);
    resumed.put('epsilon', 'c', { value: 3, seconds: 0 });
    resumed.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(ScoreCache.open(path, ID).get('epsilon', 'c')?.value).toBe(3);
  });

  it('refuses a cache made for another space, dataset or seed, and a file that is not a cache', () => {
    const path = tempFile();
    ScoreCache.open(path, ID).close();
    expect(() => ScoreCache.open(path, { ...ID, seed: 1 })).toThrow(/seed/);
    const other = tempFile();
    writeFileSync(other, 'hello\n');
    try {
      ScoreCache.open(other, ID);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(NaskitError);
      expect((err as NaskitError).code).toBe('data_corrupt');
    }
  });
});
