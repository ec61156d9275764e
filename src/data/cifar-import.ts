/**
 * `naskit data import cifar10`: turn the official CIFAR-10 binary archive (cifar-10-binary.tar.gz,
 * downloaded by the user) into the files loadImageDataset reads from a data directory:
 * images/cifar10_train_first10k.bin.gz (all of data_batch_1) and images/cifar10_test_first1k.bin.gz
 * (the first 1,000 records of test_batch), the layout of the project's shared data folder. Batches
 * 2–5 and the rest of test_batch are checked but not written: no reader uses them.
 */
import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { NaskitError } from '../util/errors.js';
import { prepareOutDir } from '../util/out-dir.js';
import { readMaybeGzip } from './files.js';
import { readTar, type TarEntry } from './tar.js';

export const CIFAR10_ARCHIVE = 'cifar-10-binary.tar.gz';
const EXPECTED = `expected the CIFAR-10 binary version, ${CIFAR10_ARCHIVE} from https://www.cs.toronto.edu/~kriz/cifar.html`;
const RECORD = 1 + 3 * 32 * 32;
const CLASSES = 10;
const TRAIN_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_BATCH = 'test_batch.bin';
/** The official archive unpacks to about 185 MB; a file that unpacks to far more is not it. */
const MAX_UNPACKED = 1 << 30;

/** What loadImageDataset('cifar10', …) reads, and where each file's records come from. */
const OUTPUTS = [
  { file: 'cifar10_train_first10k.bin.gz', batch: 'data_batch_1.bin', records: 10_000 },
  { file: 'cifar10_test_first1k.bin.gz', batch: TEST_BATCH, records: 1_000 },
] as const;

/** Archives people download instead of the binary one, told apart by the names inside. */
const OTHER_VERSIONS: ReadonlyArray<{ what: string; matches: RegExp }> = [
  {
    what: 'the CIFAR-10 python version (cifar-10-python.tar.gz)',
    matches: /cifar-10-batches-py\/|(^|\/)data_batch_1$/,
  },
  { what: 'the CIFAR-10 MATLAB version (cifar-10-matlab.tar.gz)', matches: /cifar-10-batches-mat\/|\.mat$/ },
  {
    what: 'CIFAR-100 (naskit reads its binary files directly: --dataset cifar100:train.bin,test.bin)',
    matches: /cifar-100-/,
  },
];

export interface ImportedFile {
  path: string;
  images: number;
  /** Size on disk (gzip-compressed). */
  bytes: number;
  /** 'unchanged': the folder already held these exact images; 'replaced': different ones, with --force. */
  status: 'written' | 'replaced' | 'unchanged';
}

export interface ImportResult {
  archive: string;
  dataDir: string;
  /** Images in the archive: the five training batches and the test batch. */
  archiveImages: { train: number; test: number };
  files: ImportedFile[];
}

export interface ImportOptions {
  /** `--data-dir`; else $NASKIT_DATA. */
  dataDir?: string | undefined;
  /** Replace files that hold different data. */
  force?: boolean | undefined;
}

/** The folder an import writes into: unlike reading, there is no bundled fallback. */
export function importDataDir(flag: string | undefined): string {
  const dir = flag || process.env.NASKIT_DATA;
  if (!dir) {
    throw new NaskitError(
      'invalid_argument',
      'no data directory to import into: pass --data-dir DIR (or set NASKIT_DATA); the images go to DIR/images/',
    );
  }
  return resolve(dir);
}

export function importCifar10(archive: string, options: ImportOptions = {}): ImportResult {
  const dataDir = importDataDir(options.dataDir);
  const source = resolve(archive);
  const batches = cifarBatches(readArchive(source), source);
  const imagesDir = join(dataDir, 'images');
  const planned = OUTPUTS.map(({ file, batch, records }) => {
    const all = batches.get(batch)!;
    const raw = all.subarray(0, Math.min(all.length, records * RECORD));
    const path = join(imagesDir, file);
    return { path, raw, images: raw.length / RECORD, status: existingStatus(path, raw) };
  });
  const conflicts = planned.filter((p) => p.status === 'replaced');
  if (conflicts.length > 0 && !options.force) {
    throw new NaskitError(
      'store_conflict',
      `${conflicts.map((c) => c.path).join(' and ')} already ${conflicts.length === 1 ? 'holds' : 'hold'} ` +
        'different data; pass --force to replace, or import into another --data-dir',
    );
  }
  const count = (names: readonly string[]): number =>
    names.reduce((n, b) => n + batches.get(b)!.length / RECORD, 0);
  const result = (): ImportResult => ({
    archive: source,
    dataDir,
    archiveImages: { train: count(TRAIN_BATCHES), test: count([TEST_BATCH]) },
    files: planned.map((p) => ({
      path: p.path,
      images: p.images,
      bytes: statSync(p.path).size,
      status: p.status,
    })),
  });
  const toWrite = planned.filter((p) => p.status !== 'unchanged');
  if (toWrite.length === 0) return result();

  const prepared = prepareOutDir(imagesDir, 'images folder');
  // Written whole into a temporary folder beside the targets, then renamed in: a reader never sees a
  // half-written file, and an import stopped before the renames changes nothing.
  try {
    const tmp = mkdtempSync(join(imagesDir, '.cifar10-import-'));
    try {
      const staged = toWrite.map((p) => {
        const at = join(tmp, basename(p.path));
        writeSynced(at, gzipSync(p.raw));
        return { from: at, to: p.path };
      });
      for (const { from, to } of staged) renameSync(from, to);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    prepared.undo();
    throw new NaskitError('runtime_failure', `could not write into ${imagesDir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return result();
}

/**
 * The tar entries of the archive. The whole file (about 170 MB) and its unpacked tar (about 185 MB)
 * are held in memory at once (about 700 MB resident at the peak, measured): simpler than streaming,
 * and these are Buffers outside the V8 heap, so no heap limit applies.
 */
function readArchive(path: string): TarEntry[] {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new NaskitError(
      code === 'ENOENT' || code === 'EISDIR' ? 'data_missing' : 'invalid_argument',
      `cannot read ${path} (${code ?? (err as Error).message}); ${EXPECTED}`,
      { cause: err },
    );
  }
  const isGzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  const isTar = raw.length >= 263 && raw.subarray(257, 262).toString('latin1') === 'ustar';
  if (!isGzip && !isTar) {
    const head = [...raw.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new NaskitError(
      'data_corrupt',
      `${path} is not a gzip file (it starts with bytes ${head || 'none: it is empty'}); ${EXPECTED}`,
    );
  }
  let tar: Uint8Array = raw;
  if (isGzip) {
    try {
      tar = gunzipSync(raw, { maxOutputLength: MAX_UNPACKED });
    } catch (err) {
      const tooBig = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new NaskitError(
        'data_corrupt',
        tooBig
          ? `${path} unpacks to more than ${MAX_UNPACKED / 2 ** 20} MB, the CIFAR-10 archive to about 185 MB; ${EXPECTED}`
          : `${path}: gzip data is damaged or truncated (${(err as Error).message}); download it again`,
        { cause: err },
      );
    }
  }
  try {
    return readTar(tar, path);
  } catch (err) {
    if (!(err instanceof NaskitError)) throw err;
    throw new NaskitError(err.code, `${err.message}; ${EXPECTED}`, { cause: err });
  }
}

/** The six batch files by name, each checked: whole 3,073-byte records, labels 0..9. */
function cifarBatches(entries: readonly TarEntry[], source: string): Map<string, Uint8Array> {
  const files = entries.filter((e) => e.type === 'file');
  const byName = new Map(files.map((e) => [basename(e.name), e]));
  const wanted = [...TRAIN_BATCHES, TEST_BATCH];
  const missing = wanted.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    const other = OTHER_VERSIONS.find((v) => files.some((e) => v.matches.test(e.name)));
    throw new NaskitError(
      'data_corrupt',
      other
        ? `${source} holds ${other.what}, not the binary version naskit reads; ${EXPECTED}`
        : `${source} has no ${missing.join(', ')} (it holds ${files.length} files); ${EXPECTED}`,
    );
  }
  const batches = new Map<string, Uint8Array>();
  for (const name of wanted) {
    const entry = byName.get(name)!;
    checkBatch(entry.data, `${source}: ${entry.name}`);
    batches.set(name, entry.data);
  }
  return batches;
}

function checkBatch(bytes: Uint8Array, where: string): void {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    const whole = Math.floor(bytes.length / RECORD);
    throw new NaskitError(
      'data_corrupt',
      `${where} is ${bytes.length} bytes, not a whole number of ${RECORD}-byte records ` +
        `(${whole} records, then ${bytes.length - whole * RECORD} bytes): the archive is truncated or damaged; ${EXPECTED}`,
    );
  }
  for (let at = 0; at < bytes.length; at += RECORD) {
    if (bytes[at]! >= CLASSES) {
      throw new NaskitError(
        'data_corrupt',
        `${where}: record ${at / RECORD} has label ${bytes[at]}, expected 0..${CLASSES - 1}; ${EXPECTED}`,
      );
    }
  }
}

/** Whether writing `raw` at `path` adds, replaces or leaves a file (compared after unpacking). */
function existingStatus(path: string, raw: Uint8Array): ImportedFile['status'] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 'written';
  }
  if (!stat.isFile()) {
    throw new NaskitError(
      'store_conflict',
      `${path} exists and is not a file; move it away and import again`,
    );
  }
  try {
    return Buffer.compare(readMaybeGzip(path), raw) === 0 ? 'unchanged' : 'replaced';
  } catch {
    return 'replaced'; // unreadable or damaged: not the same images
  }
}

function writeSynced(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'wx');
  try {
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
