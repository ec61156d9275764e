import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectNaskitError } from '../../test/helpers/space-contract.js';
import { cifar10Archive, type TarInput } from '../../test/helpers/tar-writer.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';
import { loadDataset } from './catalog.js';
import { importCifar10 } from './cifar-import.js';
import type { ImageDataset } from './dataset.js';

const tempDir = tempDirs();

const TRAIN = 'cifar10_train_first10k.bin.gz';
const TEST = 'cifar10_test_first1k.bin.gz';

function archiveFile(bytes: Uint8Array, name = 'cifar-10-binary.tar.gz'): string {
  const path = join(tempDir('naskit-cifar-archive-'), name);
  writeFileSync(path, bytes);
  return path;
}

function expectSameImages(got: ImageDataset, want: ImageDataset, n = want.n): void {
  expect(got.n).toBe(n);
  expect([...got.labels]).toEqual([...want.labels.subarray(0, n)]);
  expect(Buffer.from(got.pixels).equals(want.pixels.subarray(0, n * 3072))).toBe(true);
}

describe('importCifar10', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('writes the files --dataset cifar10 reads, with the images of data_batch_1 and test_batch', () => {
    const { bytes, batches } = cifar10Archive();
    const dataDir = join(tempDir('naskit-cifar-import-'), 'new', 'data');
    const result = importCifar10(archiveFile(bytes), { dataDir });
    expect(result.archiveImages).toEqual({ train: 17, test: 5 });
    expect(result.files.map((f) => [f.path, f.images, f.status])).toEqual([
      [join(dataDir, 'images', TRAIN), 7, 'written'],
      [join(dataDir, 'images', TEST), 5, 'written'],
    ]);
    for (const f of result.files) expect(f.bytes).toBe(statSync(f.path).size);
    // Nothing else is left in the folder (the temporary one is gone).
    expect(readdirSync(join(dataDir, 'images')).sort()).toEqual([TEST, TRAIN]);
    // Read back the way `--dataset cifar10 --data-dir DIR` reads it.
    const loaded = loadDataset('cifar10', dataDir);
    expectSameImages(loaded.train, batches.get('data_batch_1.bin')!);
    expectSameImages(loaded.test, batches.get('test_batch.bin')!);
  });

  it('keeps the first 1,000 test images; reads a plain (unzipped) tar and $NASKIT_DATA', () => {
    const { bytes, batches } = cifar10Archive([2, 1, 1, 1, 1, 1003], 2);
    const dataDir = tempDir('naskit-cifar-env-');
    vi.stubEnv('NASKIT_DATA', dataDir);
    const result = importCifar10(archiveFile(gunzipSync(bytes), 'cifar-10-binary.tar'));
    expect(result.files.map((f) => f.images)).toEqual([2, 1000]);
    expect(result.archiveImages).toEqual({ train: 6, test: 1003 });
    expectSameImages(loadDataset('cifar10', dataDir).test, batches.get('test_batch.bin')!, 1000);
  });

  it('says when the folder already holds the same images, refuses different ones without force', () => {
    const dataDir = tempDir('naskit-cifar-again-');
    const first = cifar10Archive([4, 1, 1, 1, 1, 3], 3);
    importCifar10(archiveFile(first.bytes), { dataDir });
    const images = join(dataDir, 'images');
    writeFileSync(join(images, 'mnist_train-images-idx3-ubyte.gz'), 'another set');
    const before = readdirSync(images).sort();

    // Identical images, even compressed differently: nothing is written.
    writeFileSync(join(images, TEST), gzipSync(gunzipSync(readFileSync(join(images, TEST))), { level: 1 }));
    const recompressed = statSync(join(images, TEST)).mtimeMs;
    const again = importCifar10(archiveFile(first.bytes), { dataDir });
    expect(again.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged']);
    expect(statSync(join(images, TEST)).mtimeMs).toBe(recompressed);

    const second = cifar10Archive([4, 1, 1, 1, 1, 3], 4);
    const err = expectNaskitError(
      () => importCifar10(archiveFile(second.bytes), { dataDir }),
      'store_conflict',
    );
    expect(err.message).toMatch(
      /cifar10_train_first10k\.bin\.gz and .*cifar10_test_first1k\.bin\.gz already hold different data; pass --force/,
    );
    expectSameImages(loadDataset('cifar10', dataDir).train, first.batches.get('data_batch_1.bin')!);

    const forced = importCifar10(archiveFile(second.bytes), { dataDir, force: true });
    expect(forced.files.map((f) => f.status)).toEqual(['replaced', 'replaced']);
    expectSameImages(loadDataset('cifar10', dataDir).train, second.batches.get('data_batch_1.bin')!);
    expect(readdirSync(images).sort()).toEqual(before);
    expect(readFileSync(join(images, 'mnist_train-images-idx3-ubyte.gz'), 'utf8')).toBe('another set');
  });

  it('needs a data directory', () => {
    vi.stubEnv('NASKIT_DATA', '');
    const archive = archiveFile(cifar10Archive().bytes);
    expect(expectNaskitError(() => importCifar10(archive), 'invalid_argument').message).toMatch(
      /pass --data-dir DIR/,
    );
  });

  const renamed = (change: (name: string) => string) => (entries: TarInput[]) =>
    entries.map((e) => ({ ...e, name: change(e.name) }));
  const badArchives: Array<[string, () => Uint8Array, string, RegExp]> = [
    ['a missing archive', () => new Uint8Array(0), 'data_missing', /cannot read .*ENOENT/],
    [
      'an empty file',
      () => new Uint8Array(0),
      'data_corrupt',
      /is not a gzip file \(it starts with bytes none/,
    ],
    [
      'a zip file',
      () => Buffer.from('PK\x03\x04 rest of a zip'),
      'data_corrupt',
      /not a gzip file \(it starts with bytes 50 4b 03 04\)/,
    ],
    ['gzip of something else', () => gzipSync('hello'), 'data_corrupt', /is not a tar archive/],
    [
      'a truncated gzip',
      () => cifar10Archive().bytes.subarray(0, 3000),
      'data_corrupt',
      /gzip data is damaged or truncated/,
    ],
    [
      'the python version',
      () =>
        cifar10Archive(
          undefined,
          1,
          renamed((n) => n.replace('-bin', '-py').replace(/\.bin$/, '')),
        ).bytes,
      'data_corrupt',
      /holds the CIFAR-10 python version \(cifar-10-python\.tar\.gz\).*expected the CIFAR-10 binary version, cifar-10-binary\.tar\.gz/,
    ],
    [
      'the MATLAB version',
      () =>
        cifar10Archive(
          undefined,
          1,
          renamed((n) => n.replace('-bin', '-mat').replace(/\.bin$/, '.mat')),
        ).bytes,
      'data_corrupt',
      /holds the CIFAR-10 MATLAB version/,
    ],
    [
      'a missing batch',
      () => cifar10Archive(undefined, 1, (e) => e.filter((x) => !x.name.endsWith('data_batch_4.bin'))).bytes,
      'data_corrupt',
      /has no data_batch_4\.bin \(it holds 7 files\); expected .*cifar-10-binary\.tar\.gz/,
    ],
    [
      'a truncated batch',
      () =>
        cifar10Archive(undefined, 1, (e) =>
          e.map((x) =>
            x.name.endsWith('data_batch_3.bin')
              ? { ...x, data: (x.data as Uint8Array).subarray(0, 3073 + 100) }
              : x,
          ),
        ).bytes,
      'data_corrupt',
      /data_batch_3\.bin is 3173 bytes, not a whole number of 3073-byte records \(1 records, then 100 bytes\)/,
    ],
    [
      'a label out of range',
      () =>
        cifar10Archive(undefined, 1, (e) =>
          e.map((x) =>
            x.name.endsWith('test_batch.bin')
              ? { ...x, data: Uint8Array.from(x.data as Uint8Array, (b, i) => (i === 3073 ? 10 : b)) }
              : x,
          ),
        ).bytes,
      'data_corrupt',
      /test_batch\.bin: record 1 has label 10, expected 0\.\.9/,
    ],
  ];
  it.each(badArchives)(
    'rejects %s with a message naming the expected archive, writing nothing',
    (what, make, code, message) => {
      const dataDir = join(tempDir('naskit-cifar-bad-'), 'data');
      const archive = what === 'a missing archive' ? join(dataDir, 'nowhere.tar.gz') : archiveFile(make());
      const err = expectNaskitError(() => importCifar10(archive, { dataDir }), code);
      expect(err.message).toMatch(message);
      expect(err.message).toContain('cifar-10-binary.tar.gz');
      expect(existsSync(dataDir)).toBe(false);
    },
  );

  it('says so when DIR/images is a file', () => {
    const dataDir = tempDir('naskit-cifar-file-');
    mkdirSync(join(dataDir, 'sub'));
    writeFileSync(join(dataDir, 'sub', 'images'), 'a file where the folder goes');
    const err = expectNaskitError(
      () => importCifar10(archiveFile(cifar10Archive().bytes), { dataDir: join(dataDir, 'sub') }),
      'invalid_argument',
    );
    expect(err.message).toMatch(/images folder .*is a file/);
  });
});
