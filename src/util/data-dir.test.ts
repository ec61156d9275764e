import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledDataDir, dataFile, resolveDataDir } from './data-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'naskit-datadir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveDataDir', () => {
  it('prefers --data-dir, then NASKIT_DATA, then the tables shipped in data/', () => {
    const saved = process.env.NASKIT_DATA;
    try {
      delete process.env.NASKIT_DATA;
      expect(resolveDataDir()).toBe(bundledDataDir());
      expect(resolveDataDir(dir)).toBe(dir);
      process.env.NASKIT_DATA = dir;
      expect(resolveDataDir()).toBe(dir);
    } finally {
      if (saved === undefined) delete process.env.NASKIT_DATA;
      else process.env.NASKIT_DATA = saved;
    }
  });

  it('says when the folder is missing or is a file', () => {
    expect(() => resolveDataDir(join(dir, 'nope'))).toThrow(/does not exist \(from --data-dir\)/);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => resolveDataDir(file)).toThrow(/is a file, not a folder/);
  });
});

describe('dataFile', () => {
  it('takes a file from the folder, else the shipped table, else says what is missing and where', () => {
    writeFileSync(join(dir, 'own.csv'), 'x');
    expect(dataFile(dir, 'own.csv', 'a test')).toBe(join(dir, 'own.csv'));
    const table = 'nb201/nb201_accuracies.csv.gz';
    expect(dataFile(dir, table, 'NB201')).toBe(join(bundledDataDir(), table));
    expect(() => dataFile(dir, 'images/cifar10_train_first10k.bin.gz', 'the cifar10 train set')).toThrow(
      new RegExp(`the cifar10 train set needs images/cifar10_train_first10k.bin.gz, looked for it at ${dir}`),
    );
  });
});
