/** Jobs as they travel: the schema, the size limit, content ids, the wire form, data references. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/helpers/temp-dirs.js';
import { NaskitError } from '../util/errors.js';
import { dataRefOf, openDataRef, resolveDataRef } from './data-ref.js';
import {
  errorFromText,
  errorText,
  fromWire,
  jobId,
  MAX_JOB_BYTES,
  parseJob,
  parseResult,
  toWire,
} from './jobs.js';
import { redactUrl, checkRedisUrl } from './connection.js';

const tempDir = tempDirs();

const seedJob = {
  format: 1,
  kind: 'search-seed',
  space: 'nb201',
  dataset: 'cifar10',
  strategy: 're',
  params: { population: '20' },
  budget: { queries: 30 },
  seed: 4,
} as const;

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof NaskitError ? err.code : 'not a NaskitError';
  }
  return undefined;
}

describe('job schema', () => {
  it('accepts the documented kinds and refuses anything else', () => {
    expect(parseJob(seedJob)).toEqual(seedJob);
    const chunk = {
      format: 1,
      kind: 'proxy-chunk',
      space: 'nb201',
      dataset: 'fashion-mnist',
      proxies: ['params'],
      archs: ['|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'],
      seed: 0,
    };
    expect(parseJob(chunk)).toEqual(chunk);
    for (const bad of [
      { ...seedJob, kind: 'shell' },
      { ...seedJob, command: 'rm -rf /' },
      { ...seedJob, space: '../nb201' },
      { ...seedJob, budget: {} },
      { ...seedJob, seed: 1.5 },
      { ...seedJob, params: { 'a/b': '1' } },
      { ...seedJob, table: { path: 'mine.csv', sha256: 'xyz' } },
      { ...chunk, archs: [] },
      { ...seedJob, format: 2 },
      null,
      'search-seed',
    ]) {
      expect(
        code(() => parseJob(bad)),
        JSON.stringify(bad),
      ).toBe('invalid_argument');
    }
  });

  it('refuses a job over the size limit before looking at it', () => {
    const archs = Array.from({ length: 4000 }, () => 'x'.repeat(300));
    expect(() => parseJob({ ...seedJob, kind: 'proxy-chunk', proxies: ['params'], archs, seed: 0 })).toThrow(
      new RegExp(`over the ${MAX_JOB_BYTES}-byte limit`),
    );
  });

  it('names a job by its content, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(seedJob).reverse());
    expect(jobId(parseJob(reordered))).toBe(jobId(parseJob(seedJob)));
    expect(jobId(parseJob({ ...seedJob, seed: 5 }))).not.toBe(jobId(parseJob(seedJob)));
    expect(jobId(parseJob(seedJob))).toMatch(/^search-seed-[0-9a-f]{64}$/);
  });

  it('carries NaN and infinities through JSON, and checks results', () => {
    const run = {
      seed: 1,
      history: [{ n: 1, key: 'k', arch: 'a', val: NaN, test: -Infinity, cost: null, elapsed: null }],
      final: null,
    };
    const wire = JSON.parse(JSON.stringify(toWire(run)));
    expect(fromWire(wire)).toEqual(run);
    expect(parseResult('search-seed', wire)).toEqual(run);
    expect(code(() => parseResult('search-seed', { seed: 1 }))).toBe('data_corrupt');
  });

  it('keeps the error code across the queue', () => {
    const text = errorText(new NaskitError('invalid_arch', 'bad cell'));
    expect(errorFromText(text)).toEqual({ code: 'invalid_arch', message: 'bad cell' });
    expect(errorFromText('plain')).toEqual({ message: 'plain' });
  });
});

describe('data references', () => {
  it('resolve inside the data folder only', () => {
    const root = tempDir('naskit-ref-');
    const data = join(root, 'data');
    mkdirSync(join(data, 'tables'), { recursive: true });
    writeFileSync(join(data, 'tables', 'mine.csv'), 'arch,val_acc\n');
    writeFileSync(join(root, 'secret.csv'), 'no');
    symlinkSync(join(root, 'secret.csv'), join(data, 'escape.csv'));
    expect(resolveDataRef(data, 'tables/mine.csv', '--table')).toBe(join(data, 'tables', 'mine.csv'));
    for (const bad of [
      '/etc/passwd',
      '../secret.csv',
      'tables/../../secret.csv',
      './tables/mine.csv',
      'a\\b',
    ]) {
      expect(
        code(() => resolveDataRef(data, bad, '--table')),
        bad,
      ).toBe('invalid_argument');
    }
    expect(() => resolveDataRef(data, 'escape.csv', '--table')).toThrow(/outside the data folder/);
    expect(code(() => resolveDataRef(data, 'tables/none.csv', '--table'))).toBe('data_missing');
  });

  it('a worker refuses a file that differs from the coordinator’s', () => {
    const a = tempDir('naskit-ref-a-');
    const b = tempDir('naskit-ref-b-');
    writeFileSync(join(a, 't.csv'), 'arch,val_acc\nx,1\n');
    writeFileSync(join(b, 't.csv'), 'arch,val_acc\nx,2\n');
    const { ref } = dataRefOf(a, 't.csv', 'table');
    expect(openDataRef(a, ref, 'table')).toBe(join(a, 't.csv'));
    expect(() => openDataRef(b, ref, 'table')).toThrow(/differs from the coordinator's/);
  });
});

describe('Redis URLs', () => {
  it('accept redis:// and rediss:// and never show the password', () => {
    expect(() => checkRedisUrl('redis://:pw@127.0.0.1:6379/2')).not.toThrow();
    expect(() => checkRedisUrl('rediss://user:pw@example.org:6380')).not.toThrow();
    expect(redactUrl('redis://:hunter2@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
    expect(code(() => checkRedisUrl('http://127.0.0.1'))).toBe('invalid_argument');
    expect(code(() => checkRedisUrl('127.0.0.1:6379'))).toBe('invalid_argument');
    try {
      checkRedisUrl('ftp://:hunter2@host');
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});
