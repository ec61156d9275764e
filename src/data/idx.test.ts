import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { encodeIdx, loadIdxDataset, parseIdx, readIdx, writeIdxDataset } from './idx.js';
import { syntheticDataset } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'naskit-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(fn: () => unknown): NaskitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NaskitError) return e;
    throw e;
  }
  throw new Error('expected a NaskitError');
}

describe('IDX', () => {
  it('parses the MNIST header layout (big-endian dims after 0x00 0x00 0x08 rank)', () => {
    const bytes = Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6);
    const { dims, data } = parseIdx(bytes, 'x.idx');
    expect(dims).toEqual([2, 1, 3]);
    expect([...data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(encodeIdx(dims, data)).toEqual(bytes);
  });

  it('reads plain and gzipped files alike', () => {
    const bytes = encodeIdx([4], Uint8Array.of(9, 8, 7, 6));
    writeFileSync(join(dir, 'plain'), bytes);
    writeFileSync(join(dir, 'zipped'), gzipSync(bytes));
    expect(readIdx(join(dir, 'plain'))).toEqual(readIdx(join(dir, 'zipped')));
  });

  it('refuses corrupt files, naming the file, the offset and the expected value', () => {
    const good = encodeIdx([2, 2], Uint8Array.of(1, 2, 3, 4));
    const magic = Uint8Array.from(good);
    magic[0] = 0x1f;
    expect(errorOf(() => parseIdx(magic, 'a.idx')).message).toMatch(
      /a\.idx: .*at byte 0: magic starts with 0x1f 0x00, expected 0x00 0x00/,
    );
    const type = Uint8Array.from(good);
    type[2] = 0x0d;
    expect(errorOf(() => parseIdx(type, 'a.idx')).message).toMatch(
      /at byte 2: type byte is 0x0d, expected 0x08/,
    );
    const truncated = errorOf(() => parseIdx(good.subarray(0, good.length - 1), 'a.idx'));
    expect(truncated.code).toBe('data_corrupt');
    expect(truncated.message).toMatch(
      /at byte 15: dimensions \[2, 2\] need 16 bytes, the file has 15 \(truncated\)/,
    );
    expect(errorOf(() => parseIdx(good.subarray(0, 6), 'a.idx')).message).toMatch(/header needs 12 bytes/);
    const gz = gzipSync(good);
    writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 6));
    expect(errorOf(() => readIdx(join(dir, 'cut.gz'))).message).toMatch(
      /cut\.gz: gzip data is damaged or truncated/,
    );
  });

  it('bring your own data: writeIdxDataset then loadIdxDataset round-trips grey and colour sets', () => {
    for (const channels of [1, 3]) {
      const ds = syntheticDataset({ n: 12, classes: 4, channels, height: 5, width: 6 }, new Rng(channels));
      const images = join(dir, `byo${channels}-images.gz`);
      const labels = join(dir, `byo${channels}-labels`);
      writeIdxDataset(ds, images, labels);
      expect(readFileSync(images)[0]).toBe(0x1f); // gzipped because of the name
      expect(readIdx(images).dims).toEqual(channels === 1 ? [12, 5, 6] : [12, 3, 5, 6]);
      const back = loadIdxDataset({ images, labels, name: 'byo' });
      expect(back.pixels).toEqual(ds.pixels);
      expect(back.labels).toEqual(ds.labels);
      expect([back.channels, back.height, back.width, back.classes]).toEqual([channels, 5, 6, 4]);
    }
  });

  it('refuses mismatched image and label files', () => {
    const images = join(dir, 'mm-images');
    const labels = join(dir, 'mm-labels');
    writeFileSync(images, encodeIdx([3, 2, 2], new Uint8Array(12)));
    writeFileSync(labels, encodeIdx([2], Uint8Array.of(0, 1)));
    expect(errorOf(() => loadIdxDataset({ images, labels, name: 'mm' })).message).toMatch(
      /holds 2 labels but .* holds 3 images/,
    );
    writeFileSync(labels, encodeIdx([5], Uint8Array.of(2, 1, 0, 9, 9)));
    expect(errorOf(() => loadIdxDataset({ images, labels, name: 'mm' })).message).toMatch(/holds 5 labels/);
    const firstThree = loadIdxDataset({ images, labels, name: 'mm', firstLabelsOnly: true });
    expect([...firstThree.labels]).toEqual([2, 1, 0]);
    writeFileSync(labels, encodeIdx([3], Uint8Array.of(0, 1, 12)));
    const err = errorOf(() => loadIdxDataset({ images, labels, name: 'mm', classNames: ['a', 'b', 'c'] }));
    expect(err.message).toMatch(/label 12 at byte 10 is out of range for 3 classes/);
  });
});
