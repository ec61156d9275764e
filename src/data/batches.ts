/**
 * Fixed-size batches, because compiled graphs have static shapes. Each epoch's order and augmentation
 * come from generators forked off the loader's Rng by epoch number, so epoch e is the same whether or
 * not earlier epochs were iterated. Without dropLast the final partial batch is filled up with images
 * from the start of the epoch's order; `size` says how many rows are real (count only those).
 */
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { drawCropFlip, writeCropFlip, writePlain } from './augment.js';
import type { ImageDataset } from './dataset.js';
import { type Normalization, normalizationTable } from './normalize.js';

export interface Batch {
  /** Normalized images, batchSize×C×H×W. */
  input: Float32Array;
  /** Labels as int64, the dtype the loss graph takes. */
  labels: BigInt64Array;
  /** Dataset index of each row. */
  indices: Int32Array;
  /** Rows that are real images of this epoch; the rest (last batch only) repeat earlier images. */
  size: number;
}

export interface BatchOptions {
  batchSize: number;
  normalization: Normalization;
  /** Shuffle every epoch (needs rng). Default false: dataset order. */
  shuffle?: boolean;
  /** Drop the last partial batch instead of filling it up. Default false. */
  dropLast?: boolean;
  /** Random crop with this padding plus horizontal flip (needs rng); e.g. 4 for CIFAR. */
  cropFlipPadding?: number;
  rng?: Rng;
}

export class BatchLoader {
  private readonly table: Float32Array;

  constructor(
    readonly dataset: ImageDataset,
    readonly options: BatchOptions,
  ) {
    const { batchSize, shuffle, cropFlipPadding, rng } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new NaskitError('invalid_argument', `batch size must be a positive integer, got ${batchSize}`);
    }
    if (options.dropLast && dataset.n < batchSize) {
      throw new NaskitError(
        'invalid_argument',
        `${dataset.name} has ${dataset.n} images, fewer than one batch of ${batchSize} with dropLast; lower the batch size`,
      );
    }
    if ((shuffle || cropFlipPadding !== undefined) && !rng) {
      throw new NaskitError(
        'invalid_argument',
        'BatchLoader: shuffling and augmentation need an rng; pass options.rng',
      );
    }
    if (cropFlipPadding !== undefined && (!Number.isInteger(cropFlipPadding) || cropFlipPadding < 0)) {
      throw new NaskitError(
        'invalid_argument',
        `cropFlipPadding must be an integer >= 0, got ${cropFlipPadding}`,
      );
    }
    this.table = normalizationTable(options.normalization, dataset.channels);
  }

  get batchesPerEpoch(): number {
    const { n } = this.dataset;
    const b = this.options.batchSize;
    return this.options.dropLast ? Math.floor(n / b) : Math.ceil(n / b);
  }

  /** Dataset order for an epoch. */
  order(epoch: number): Int32Array {
    const order = Int32Array.from({ length: this.dataset.n }, (_, i) => i);
    if (this.options.shuffle) {
      const rng = this.options.rng!.fork(`shuffle/${epoch}`);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    return order;
  }

  *epoch(epoch: number): Generator<Batch> {
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new NaskitError('invalid_argument', `epoch must be an integer >= 0, got ${epoch}`);
    }
    const order = this.order(epoch);
    const augmentRng =
      this.options.cropFlipPadding !== undefined ? this.options.rng!.fork(`augment/${epoch}`) : null;
    const b = this.options.batchSize;
    for (let k = 0; k < this.batchesPerEpoch; k++) {
      const rows = new Int32Array(b);
      for (let r = 0; r < b; r++) rows[r] = order[(k * b + r) % order.length]!;
      yield this.assemble(rows, Math.min(b, order.length - k * b), augmentRng);
    }
  }

  /** A batch of specific images (no shuffling; augmented when the loader augments and rng is given). */
  assemble(indices: Int32Array, size = indices.length, augmentRng: Rng | null = null): Batch {
    const { dataset } = this;
    if (indices.length !== this.options.batchSize) {
      throw new NaskitError(
        'shape_mismatch',
        `a batch needs ${this.options.batchSize} indices, got ${indices.length}`,
      );
    }
    const per = dataset.channels * dataset.height * dataset.width;
    const input = new Float32Array(this.options.batchSize * per);
    const labels = new BigInt64Array(this.options.batchSize);
    const padding = this.options.cropFlipPadding ?? 0;
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r]!;
      if (augmentRng) {
        writeCropFlip(
          input,
          r * per,
          dataset.pixels,
          i * per,
          dataset,
          this.table,
          padding,
          drawCropFlip(augmentRng, padding),
        );
      } else {
        writePlain(input, r * per, dataset.pixels, i * per, dataset, this.table);
      }
      labels[r] = BigInt(dataset.labels[i]!);
    }
    return { input, labels, indices, size };
  }
}
