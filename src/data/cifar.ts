/**
 * The CIFAR binary format (plain or gzipped): fixed-size records, each the label byte(s) then 1024 red,
 * 1024 green and 1024 blue bytes, rows top to bottom. CIFAR-10 records have one label byte; CIFAR-100
 * records have two — the coarse (superclass, 0..19) label, then the fine (0..99) label.
 */
import { NaskitError } from '../util/errors.js';
import { CLASS_NAMES, type ImageDataset, makeDataset } from './dataset.js';
import { readMaybeGzip } from './files.js';

const IMAGE_BYTES = 3 * 32 * 32;

export type CifarVariant = 'cifar10' | 'cifar100';

interface Layout {
  labelBytes: number;
  classes: number;
  coarseClasses: number;
}

const LAYOUT: Record<CifarVariant, Layout> = {
  cifar10: { labelBytes: 1, classes: 10, coarseClasses: 0 },
  cifar100: { labelBytes: 2, classes: 100, coarseClasses: 20 },
};

export interface CifarParts {
  pixels: Uint8Array;
  labels: Int32Array;
  coarseLabels?: Int32Array;
}

/** Parse CIFAR binary records; `source` names the file in errors. */
export function parseCifar(bytes: Uint8Array, variant: CifarVariant, source: string): CifarParts {
  const { labelBytes, classes, coarseClasses } = LAYOUT[variant];
  const record = labelBytes + IMAGE_BYTES;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    const whole = Math.floor(bytes.length / record);
    throw new NaskitError(
      'data_corrupt',
      `${source}: not a ${variant} binary file at byte ${whole * record}: records are ${record} bytes, ` +
        `the file has ${bytes.length} (${whole} whole records, then ${bytes.length - whole * record} stray bytes); ` +
        (variant === 'cifar10'
          ? 'is it a CIFAR-100 file (2 label bytes)?'
          : 'is it a CIFAR-10 file (1 label byte)?'),
    );
  }
  const n = bytes.length / record;
  const pixels = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Int32Array(n);
  const coarse = coarseClasses > 0 ? new Int32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const at = i * record;
    const fine = bytes[at + labelBytes - 1]!;
    if (fine >= classes) {
      throw new NaskitError(
        'data_corrupt',
        `${source}: record ${i} at byte ${at + labelBytes - 1} has label ${fine}, expected 0..${classes - 1}`,
      );
    }
    labels[i] = fine;
    if (coarse) {
      const c = bytes[at]!;
      if (c >= coarseClasses) {
        throw new NaskitError(
          'data_corrupt',
          `${source}: record ${i} at byte ${at} has coarse label ${c}, expected 0..${coarseClasses - 1}`,
        );
      }
      coarse[i] = c;
    }
    pixels.set(bytes.subarray(at + labelBytes, at + record), i * IMAGE_BYTES);
  }
  return { pixels, labels, ...(coarse ? { coarseLabels: coarse } : {}) };
}

/** Load and concatenate CIFAR binary files (e.g. data_batch_1..5) into one dataset. */
export function loadCifar(
  paths: readonly string[],
  variant: CifarVariant,
  name: string = variant,
): ImageDataset {
  if (paths.length === 0) throw new NaskitError('invalid_argument', `loadCifar(${variant}): no files given`);
  const parts = paths.map((p) => parseCifar(readMaybeGzip(p), variant, p));
  const cat = <T extends Uint8Array | Int32Array>(arrays: T[], make: (n: number) => T): T => {
    if (arrays.length === 1) return arrays[0]!;
    const out = make(arrays.reduce((a, b) => a + b.length, 0));
    let at = 0;
    for (const a of arrays) {
      out.set(a, at);
      at += a.length;
    }
    return out;
  };
  return makeDataset({
    name,
    pixels: cat(
      parts.map((p) => p.pixels),
      (n) => new Uint8Array(n),
    ),
    labels: cat(
      parts.map((p) => p.labels),
      (n) => new Int32Array(n),
    ),
    ...(variant === 'cifar100'
      ? {
          coarseLabels: cat(
            parts.map((p) => p.coarseLabels!),
            (n) => new Int32Array(n),
          ),
        }
      : {}),
    channels: 3,
    height: 32,
    width: 32,
    classes: LAYOUT[variant].classes,
    ...(variant === 'cifar10' ? { classNames: CLASS_NAMES.cifar10 } : {}),
  });
}

/** CIFAR binary bytes for a dataset of 3×32×32 images (for tests and for converting data). */
export function encodeCifar(dataset: ImageDataset, variant: CifarVariant): Uint8Array {
  const { labelBytes } = LAYOUT[variant];
  if (dataset.channels !== 3 || dataset.height !== 32 || dataset.width !== 32) {
    throw new NaskitError(
      'shape_mismatch',
      `encodeCifar: images must be 3×32×32, got ${dataset.channels}×${dataset.height}×${dataset.width}`,
    );
  }
  if (variant === 'cifar100' && !dataset.coarseLabels) {
    throw new NaskitError('invalid_argument', 'encodeCifar(cifar100): the dataset has no coarse labels');
  }
  const record = labelBytes + IMAGE_BYTES;
  const out = new Uint8Array(dataset.n * record);
  for (let i = 0; i < dataset.n; i++) {
    if (variant === 'cifar100') out[i * record] = dataset.coarseLabels![i]!;
    out[i * record + labelBytes - 1] = dataset.labels[i]!;
    out.set(dataset.pixels.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), i * record + labelBytes);
  }
  return out;
}
