/**
 * In-memory image classification datasets. Pixels stay as uint8 (0–255) in N×C×H×W order — each image
 * is all of channel 0 row by row, then channel 1, … — which is 4× smaller than floats and is what the
 * augmentation reads; batches are converted to normalized Float32Arrays on the way out.
 */
import { NaskitError } from '../util/errors.js';

export interface ImageDataset {
  readonly name: string;
  /** Pixels 0–255, N×C×H×W. */
  readonly pixels: Uint8Array;
  /** Class index per image, 0 ≤ label < classes. */
  readonly labels: Int32Array;
  readonly n: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  readonly classNames: readonly string[];
  /** CIFAR-100 only: the 20 superclass labels, when the source has them. */
  readonly coarseLabels?: Int32Array;
}

export const CLASS_NAMES = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'fashion-mnist': [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ],
  cifar10: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
} as const;

export interface DatasetParts {
  name: string;
  pixels: Uint8Array;
  labels: Int32Array;
  channels: number;
  height: number;
  width: number;
  /** Defaults to max label + 1 when class names are not given. */
  classes?: number;
  classNames?: readonly string[];
  coarseLabels?: Int32Array;
}

/** Assemble a dataset, checking that sizes agree and labels are in range. */
export function makeDataset(parts: DatasetParts): ImageDataset {
  const { name, pixels, labels, channels, height, width } = parts;
  for (const [what, v] of [
    ['channels', channels],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new NaskitError(
        'invalid_argument',
        `dataset ${name}: ${what} must be a positive integer, got ${v}`,
      );
  }
  const perImage = channels * height * width;
  const n = labels.length;
  if (pixels.length !== n * perImage) {
    throw new NaskitError(
      'shape_mismatch',
      `dataset ${name}: ${n} labels need ${n * perImage} pixels (${channels}×${height}×${width} each), got ${pixels.length}`,
    );
  }
  let maxLabel = -1;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0)
      throw new NaskitError('invalid_argument', `dataset ${name}: label ${l} of image ${i} is negative`);
    if (l > maxLabel) maxLabel = l;
  }
  const classes = parts.classes ?? parts.classNames?.length ?? maxLabel + 1;
  if (maxLabel >= classes) {
    throw new NaskitError(
      'invalid_argument',
      `dataset ${name}: label ${maxLabel} is out of range for ${classes} classes; pass the right class count or class names`,
    );
  }
  const classNames = parts.classNames ?? Array.from({ length: classes }, (_, k) => String(k));
  if (classNames.length !== classes) {
    throw new NaskitError(
      'invalid_argument',
      `dataset ${name}: ${classNames.length} class names for ${classes} classes`,
    );
  }
  if (parts.coarseLabels && parts.coarseLabels.length !== n) {
    throw new NaskitError(
      'shape_mismatch',
      `dataset ${name}: ${parts.coarseLabels.length} coarse labels for ${n} images`,
    );
  }
  return {
    name,
    pixels,
    labels,
    n,
    channels,
    height,
    width,
    classes,
    classNames,
    ...(parts.coarseLabels ? { coarseLabels: parts.coarseLabels } : {}),
  };
}

/** A new dataset holding the given images (copied), in the given order. */
export function subset(dataset: ImageDataset, indices: ArrayLike<number>, name = dataset.name): ImageDataset {
  const per = dataset.channels * dataset.height * dataset.width;
  const pixels = new Uint8Array(indices.length * per);
  const labels = new Int32Array(indices.length);
  const coarse = dataset.coarseLabels ? new Int32Array(indices.length) : undefined;
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!Number.isInteger(i) || i < 0 || i >= dataset.n) {
      throw new NaskitError(
        'invalid_argument',
        `subset of ${dataset.name}: index ${i} (position ${j}) is outside [0, ${dataset.n})`,
      );
    }
    pixels.set(dataset.pixels.subarray(i * per, (i + 1) * per), j * per);
    labels[j] = dataset.labels[i]!;
    if (coarse) coarse[j] = dataset.coarseLabels![i]!;
  }
  return { ...dataset, name, pixels, labels, n: indices.length, ...(coarse ? { coarseLabels: coarse } : {}) };
}

/** Images per class. */
export function classCounts(dataset: Pick<ImageDataset, 'labels' | 'classes'>): number[] {
  const counts = new Array<number>(dataset.classes).fill(0);
  for (const l of dataset.labels) counts[l] = counts[l]! + 1;
  return counts;
}
