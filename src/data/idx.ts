/**
 * IDX files (the MNIST format), plain or gzipped. Layout: two zero bytes, a type byte (0x08 = unsigned
 * byte, the only type naskit reads), the number of dimensions, one big-endian uint32 per dimension, then
 * the values in row-major order.
 *
 * Bring your own data: naskit reads any image set written as an IDX pair —
 * - images: 3 dimensions [N, H, W] for greyscale, or 4 dimensions [N, C, H, W] (channel-planar:
 *   each image is all of channel 0 row by row, then channel 1, …) for colour; pixels 0–255;
 * - labels: 1 dimension [N], class indices 0..classes−1.
 * `writeIdxDataset` writes a dataset in exactly this form (e.g. to convert other data once).
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { NaskitError } from '../util/errors.js';
import { type ImageDataset, makeDataset } from './dataset.js';
import { readMaybeGzip } from './files.js';

const UBYTE = 0x08;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parse IDX bytes; `source` (the file) and byte offsets are named in every error. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  const corrupt = (offset: number, problem: string): NaskitError =>
    new NaskitError('data_corrupt', `${source}: not a valid IDX file at byte ${offset}: ${problem}`);
  if (bytes.length < 4) throw corrupt(0, `${bytes.length} bytes, fewer than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw corrupt(0, `magic starts with 0x${hex(bytes[0]!)} 0x${hex(bytes[1]!)}, expected 0x00 0x00`);
  }
  if (bytes[2] !== UBYTE) {
    throw corrupt(
      2,
      `type byte is 0x${hex(bytes[2]!)}, expected 0x08 (unsigned byte, the only type naskit reads)`,
    );
  }
  const rank = bytes[3]!;
  if (rank < 1 || rank > 4) throw corrupt(3, `${rank} dimensions, expected 1 to 4`);
  const headerLen = 4 + 4 * rank;
  if (bytes.length < headerLen)
    throw corrupt(bytes.length, `the header needs ${headerLen} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerLen + size) {
    throw corrupt(
      Math.min(bytes.length, headerLen + size),
      `dimensions [${dims.join(', ')}] need ${headerLen + size} bytes, the file has ${bytes.length} ` +
        (bytes.length < headerLen + size ? '(truncated)' : '(trailing bytes)'),
    );
  }
  return { dims, data: bytes.subarray(headerLen) };
}

export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (dims.length < 1 || dims.length > 4 || size !== data.length) {
    throw new NaskitError(
      'shape_mismatch',
      `encodeIdx: ${data.length} values do not fill dimensions [${dims.join(', ')}]`,
    );
  }
  const out = new Uint8Array(4 + 4 * dims.length + size);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

export function readIdx(path: string): IdxArray {
  return parseIdx(readMaybeGzip(path), path);
}

export interface IdxDatasetFiles {
  images: string;
  labels: string;
  name: string;
  classNames?: readonly string[];
  /**
   * Accept a label file longer than the image file and keep its first N labels — for image files that
   * hold the first N images of a set whose label file was kept whole (the shared mnist_test_first3k
   * files: 3,000 images, 10,000 labels). Off by default: normally a count mismatch means a mix-up.
   */
  firstLabelsOnly?: boolean;
}

/** Load an IDX image file and its label file as a dataset (see the format note at the top). */
export function loadIdxDataset(files: IdxDatasetFiles): ImageDataset {
  const images = readIdx(files.images);
  const labels = readIdx(files.labels);
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw new NaskitError(
      'data_corrupt',
      `${files.images}: image files need 3 dimensions [N, H, W] or 4 [N, C, H, W], got [${images.dims.join(', ')}]`,
    );
  }
  if (labels.dims.length !== 1) {
    throw new NaskitError(
      'data_corrupt',
      `${files.labels}: a label file needs 1 dimension [N], got [${labels.dims.join(', ')}]`,
    );
  }
  const [n, ...rest] = images.dims as [number, ...number[]];
  const [channels, height, width] =
    rest.length === 2 ? [1, rest[0]!, rest[1]!] : [rest[0]!, rest[1]!, rest[2]!];
  const extraLabelsOk = files.firstLabelsOnly === true && labels.dims[0]! > n;
  if (labels.dims[0] !== n && !extraLabelsOk) {
    throw new NaskitError(
      'data_corrupt',
      `${files.labels} holds ${labels.dims[0]} labels but ${files.images} holds ${n} images; they must come from the same set`,
    );
  }
  const labelBytes = labels.data.subarray(0, n);
  const classes = files.classNames?.length;
  if (classes !== undefined) {
    const bad = labelBytes.findIndex((l) => l >= classes);
    if (bad >= 0) {
      throw new NaskitError(
        'data_corrupt',
        `${files.labels}: label ${labels.data[bad]} at byte ${8 + bad} is out of range for ${classes} classes`,
      );
    }
  }
  return makeDataset({
    name: files.name,
    pixels: images.data,
    labels: Int32Array.from(labelBytes),
    channels,
    height,
    width,
    ...(files.classNames ? { classNames: files.classNames } : {}),
  });
}

/** Write a dataset as an IDX pair (gzipped when the path ends in .gz); the inverse of loadIdxDataset. */
export function writeIdxDataset(dataset: ImageDataset, imagesPath: string, labelsPath: string): void {
  const dims =
    dataset.channels === 1
      ? [dataset.n, dataset.height, dataset.width]
      : [dataset.n, dataset.channels, dataset.height, dataset.width];
  const labels = Uint8Array.from(dataset.labels, (l) => {
    if (l > 255)
      throw new NaskitError('invalid_argument', `writeIdxDataset: label ${l} does not fit in a byte`);
    return l;
  });
  const write = (path: string, bytes: Uint8Array): void =>
    writeFileSync(path, path.endsWith('.gz') ? gzipSync(bytes) : bytes);
  write(imagesPath, encodeIdx(dims, dataset.pixels));
  write(labelsPath, encodeIdx([dataset.n], labels));
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
