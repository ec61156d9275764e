import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { encodeCifar, loadCifar, parseCifar } from './cifar.js';
import { makeDataset } from './dataset.js';
import { syntheticDataset } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'naskit-cifar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof NaskitError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('CIFAR binary format', () => {
  it('reads a record laid out by hand: label byte, then R, G, B planes', () => {
    const record = new Uint8Array(3073);
    record[0] = 7;
    record[1] = 11; // R(0,0)
    record[1 + 1024] = 22; // G(0,0)
    record[1 + 2048 + 1023] = 33; // B(31,31)
    const { pixels, labels } = parseCifar(record, 'cifar10', 'rec.bin');
    expect([...labels]).toEqual([7]);
    expect([pixels[0], pixels[1024], pixels[3071]]).toEqual([11, 22, 33]);
  });

  it('CIFAR-10 files (plain and gzipped) load and concatenate', () => {
    const a = syntheticDataset({ n: 5, classes: 10 }, new Rng(1));
    const b = syntheticDataset({ n: 3, classes: 10 }, new Rng(2));
    writeFileSync(join(dir, 'a.bin'), encodeCifar(a, 'cifar10'));
    writeFileSync(join(dir, 'b.bin.gz'), gzipSync(encodeCifar(b, 'cifar10')));
    const ds = loadCifar([join(dir, 'a.bin'), join(dir, 'b.bin.gz')], 'cifar10');
    expect(ds.n).toBe(8);
    expect([...ds.labels]).toEqual([...a.labels, ...b.labels]);
    expect(ds.pixels.subarray(5 * 3072)).toEqual(b.pixels);
    expect(ds.classNames[3]).toBe('cat');
  });

  it('CIFAR-100 records carry the coarse then the fine label', () => {
    const base = syntheticDataset({ n: 4, classes: 4 }, new Rng(3));
    const ds = makeDataset({
      name: 'c100',
      pixels: base.pixels,
      channels: 3,
      height: 32,
      width: 32,
      labels: Int32Array.of(99, 0, 42, 7),
      coarseLabels: Int32Array.of(19, 4, 0, 7),
      classes: 100,
    });
    const bytes = encodeCifar(ds, 'cifar100');
    expect(bytes.length).toBe(4 * 3074);
    expect([bytes[0], bytes[1]]).toEqual([19, 99]);
    writeFileSync(join(dir, 'c100.bin'), bytes);
    const back = loadCifar([join(dir, 'c100.bin')], 'cifar100');
    expect([...back.labels]).toEqual([99, 0, 42, 7]);
    expect([...back.coarseLabels!]).toEqual([19, 4, 0, 7]);
    expect(back.pixels).toEqual(ds.pixels);
    expect(back.classes).toBe(100);
  });

  it('refuses truncated files and out-of-range labels with file and offset', () => {
    const ds = syntheticDataset({ n: 2, classes: 10 }, new Rng(4));
    const bytes = encodeCifar(ds, 'cifar10');
    expect(messageOf(() => parseCifar(bytes.subarray(0, 5000), 'cifar10', 'cut.bin'))).toMatch(
      /^data_corrupt: cut\.bin: .*at byte 3073: records are 3073 bytes, the file has 5000/,
    );
    const bad = Uint8Array.from(bytes);
    bad[3073] = 10;
    expect(messageOf(() => parseCifar(bad, 'cifar10', 'bad.bin'))).toMatch(
      /record 1 at byte 3073 has label 10, expected 0\.\.9/,
    );
    expect(messageOf(() => parseCifar(bytes, 'cifar100', 'ten.bin'))).toMatch(/is it a CIFAR-10 file/);
  });
});
