/** Jobs as they travel: the schema, the size limit, content ids, the wire form, data references. */
import * as nodeCrypto from 'node:crypto';
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
  JOB_FORMAT,
  JOB_HEADER,
  jobId,
  MAX_FINAL_RESULT_BYTES,
  MAX_JOB_BYTES,
  MAX_RESULT_BYTES,
  NASKIT_VERSION,
  parseJob,
  parseResult,
  resultToWire,
  toWire,
} from './jobs.js';
import { redactUrl, checkRedisUrl } from './connection.js';

const tempDir = tempDirs();

const runData = { dataset: 'mnist', fingerprint: '0123456789abcdef', seed: 3, val_images: 200 };
const shortJob = {
  ...JOB_HEADER,
  kind: 'run-short',
  space: 'nb201',
  arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
  network: { channels: 8, cells: 1 },
  data: runData,
  images: 256,
  epochs: 1,
  batch_size: 64,
  lr: 0.1,
} as const;
const finalJob = {
  ...JOB_HEADER,
  kind: 'run-final',
  space: 'nb201',
  arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
  network: { channels: 8, cells: 1 },
  data: runData,
  train_on: 'train+val',
  images: 512,
  schedule: [
    [0, 3],
    [2, 2],
  ],
  batch_size: 64,
  lr: 0.1,
};

const seedJob = {
  ...JOB_HEADER,
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
      ...JOB_HEADER,
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
      { ...seedJob, format: JOB_FORMAT + 1 },
      { ...seedJob, naskit: undefined },
      { ...chunk, images: { ...runData, dataset: '../x' } },
      { ...shortJob, epochs: 0 },
      { ...shortJob, network: { channels: 8, cells: 11 } },
      { ...shortJob, data: { ...runData, fingerprint: 'not hex' } },
      { ...finalJob, schedule: [] },
      { ...finalJob, schedule: [[1, 3]] },
      { ...finalJob, train_on: 'test' },
      { ...finalJob, path: '/tmp/x' },
      null,
      'search-seed',
    ]) {
      expect(
        code(() => parseJob(bad)),
        JSON.stringify(bad),
      ).toBe('invalid_argument');
    }
  });

  it('accepts a run’s short and final trainings', () => {
    expect(parseJob(shortJob)).toEqual(shortJob);
    expect(parseJob(finalJob)).toEqual(finalJob);
    const chunk = {
      ...JOB_HEADER,
      kind: 'proxy-chunk',
      space: 'nb201',
      dataset: 'mnist',
      proxies: ['epsilon'],
      archs: ['|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'],
      seed: 0,
      images: runData,
    };
    expect(parseJob(chunk)).toEqual(chunk);
  });

  it('a job of another naskit version is refused with both versions named, and has another id', () => {
    const other = { ...seedJob, naskit: '0.0.9' };
    expect(() => parseJob(other)).toThrow(
      new RegExp(`job of naskit 0\\.0\\.9 .*this is naskit ${NASKIT_VERSION.replace(/\./g, '\\.')}`),
    );
    expect(code(() => parseJob(other))).toBe('invalid_argument');
    expect(NASKIT_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    // The id hashes the version and the format with the rest: another build never shares its results.
    const { createHash } = nodeCrypto;
    const canonical = (job: object) =>
      JSON.stringify(Object.fromEntries(Object.entries(job).sort(([a], [b]) => (a < b ? -1 : 1))));
    const idOf = (job: object) => `search-seed-${createHash('sha256').update(canonical(job)).digest('hex')}`;
    expect(jobId(parseJob(seedJob))).toBe(idOf(seedJob));
    expect(idOf(other)).not.toBe(idOf(seedJob));
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

  it('final-training weights travel as base64 under a larger limit than other results', () => {
    const weights = new Uint8Array([0, 1, 2, 250, 251, 255]);
    // A Buffer (what encodeSafetensors makes) travels as base64 too, not as its toJSON list of numbers.
    const fromBuffer = resultToWire('run-final', { weights: Buffer.from(weights) }) as { weights: unknown };
    expect(fromBuffer.weights).toBe(Buffer.from(weights).toString('base64'));
    const result = {
      epochs: [{ epoch: 0, loss: 1.5, accuracy: 40, seconds: 1, lr: 0.1, completed: 1, curve: [[3, 1.5]] }],
      evaluation: { test_accuracy: 50, test_loss: NaN, test_images: 10, seconds: 0.5 },
      weights,
    };
    const wire = JSON.parse(JSON.stringify(resultToWire('run-final', result)));
    expect(typeof wire.weights).toBe('string');
    expect(parseResult('run-final', wire)).toEqual(result);
    expect(code(() => parseResult('run-final', { ...wire, weights: 'not base64!' }))).toBe('data_corrupt');
    // Over the common limit is fine for a final training, not for a candidate's short training.
    const big = 'A'.repeat(MAX_RESULT_BYTES + 8);
    expect(parseResult('run-final', { ...wire, weights: big }).weights.length).toBeGreaterThan(
      MAX_RESULT_BYTES / 2,
    );
    const short = {
      val_accuracy: 50,
      val_loss: 1,
      params: 10,
      history: [],
      curve: [],
      train_seconds: 1,
      seconds: big,
    };
    expect(() => parseResult('run-short', short)).toThrow(/over the \d+-byte limit of its kind/);
    expect(() => resultToWire('run-short', short)).toThrow(/over the \d+-byte limit/);
    const huge = { ...result, weights: new Uint8Array(MAX_FINAL_RESULT_BYTES) };
    expect(() => resultToWire('run-final', huge)).toThrow(/leave out --remote-final/);
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
