/**
 * Per-channel normalization x ↦ (pixel/255 − mean[c]) / std[c], with mean and std in [0, 1] pixel
 * units like torchvision's Normalize. Conversion goes through a 256-entry table per channel.
 */
import { NaskitError } from '../util/errors.js';
import type { ImageDataset } from './dataset.js';

export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Standard constants. CIFAR values are the ones NAS-Bench-201 trains with (mean/std of the
 * CIFAR training sets ×255 = [125.3, 123.0, 113.9] / [63.0, 62.1, 66.7] and, for CIFAR-100,
 * [129.3, 124.1, 112.4] / [68.2, 65.4, 70.4]); MNIST and Fashion-MNIST are the usual training-set values.
 */
export const STANDARD_NORMALIZATION = {
  cifar10: { mean: [125.3 / 255, 123.0 / 255, 113.9 / 255], std: [63.0 / 255, 62.1 / 255, 66.7 / 255] },
  cifar100: { mean: [129.3 / 255, 124.1 / 255, 112.4 / 255], std: [68.2 / 255, 65.4 / 255, 70.4 / 255] },
  mnist: { mean: [0.1307], std: [0.3081] },
  'fashion-mnist': { mean: [0.286], std: [0.353] },
} as const satisfies Record<string, Normalization>;

/** No normalization beyond scaling pixels to [0, 1]. */
export function unitScale(channels: number): Normalization {
  return { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
}

/** Exact per-channel mean and (population) std of a dataset, in [0, 1] units. */
export function channelStats(dataset: ImageDataset): Normalization {
  const { channels, height, width, n, pixels } = dataset;
  const plane = height * width;
  const histograms = Array.from({ length: channels }, () => new Float64Array(256));
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      const h = histograms[c]!;
      const start = (i * channels + c) * plane;
      for (let j = start; j < start + plane; j++) h[pixels[j]!]!++;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (const h of histograms) {
    let count = 0;
    let sum = 0;
    let sq = 0;
    for (let v = 0; v < 256; v++) {
      count += h[v]!;
      sum += h[v]! * v;
      sq += h[v]! * v * v;
    }
    const m = sum / count;
    mean.push(m / 255);
    std.push(Math.sqrt(Math.max(0, sq / count - m * m)) / 255);
  }
  return { mean, std };
}

/** One lookup table per channel: table[c * 256 + pixel] = normalized value. */
export function normalizationTable(norm: Normalization, channels: number): Float32Array {
  if (norm.mean.length !== channels || norm.std.length !== channels) {
    throw new NaskitError(
      'shape_mismatch',
      `normalization has ${norm.mean.length} means and ${norm.std.length} stds for ${channels}-channel images`,
    );
  }
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    const m = norm.mean[c]!;
    const s = norm.std[c]!;
    if (!Number.isFinite(m) || !(s > 0)) {
      throw new NaskitError(
        'invalid_argument',
        `normalization of channel ${c}: mean ${m} / std ${s}; std must be > 0`,
      );
    }
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - m) / s;
  }
  return table;
}

/** The whole dataset as normalized floats, N×C×H×W. */
export function normalizedImages(dataset: ImageDataset, norm: Normalization): Float32Array {
  const table = normalizationTable(norm, dataset.channels);
  const plane = dataset.height * dataset.width;
  const out = new Float32Array(dataset.pixels.length);
  const src = dataset.pixels;
  for (let p = 0; p < out.length; p += plane) {
    const base = ((p / plane) % dataset.channels) * 256;
    for (let j = p; j < p + plane; j++) out[j] = table[base + src[j]!]!;
  }
  return out;
}
