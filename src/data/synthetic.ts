/**
 * A seeded synthetic image set for tests and smoke runs: each class has a random prototype image, and
 * every sample is its class prototype plus Gaussian pixel noise, so a small network can learn it.
 * Labels cycle 0, 1, …, classes−1, so every class has ⌈n/classes⌉ or ⌊n/classes⌋ images.
 */
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { type ImageDataset, makeDataset } from './dataset.js';

export interface SyntheticOptions {
  n: number;
  classes: number;
  channels?: number;
  height?: number;
  width?: number;
  /** Noise standard deviation in pixel units (0–255); default 40. */
  noise?: number;
  name?: string;
}

export function syntheticDataset(options: SyntheticOptions, rng: Rng): ImageDataset {
  const { n, classes } = options;
  const channels = options.channels ?? 3;
  const height = options.height ?? 32;
  const width = options.width ?? 32;
  const noise = options.noise ?? 40;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(classes) || classes < 1) {
    throw new NaskitError(
      'invalid_argument',
      `syntheticDataset: n and classes must be positive integers, got n=${n}, classes=${classes}`,
    );
  }
  if (!(noise >= 0))
    throw new NaskitError('invalid_argument', `syntheticDataset: noise must be >= 0, got ${noise}`);
  const per = channels * height * width;
  const protoRng = rng.fork('prototypes');
  const prototypes = Float64Array.from({ length: classes * per }, () => protoRng.uniform(32, 224));
  const sampleRng = rng.fork('samples');
  const pixels = new Uint8Array(n * per);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % classes;
    labels[i] = label;
    for (let j = 0; j < per; j++) {
      const v = prototypes[label * per + j]! + sampleRng.normal(0, noise);
      pixels[i * per + j] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return makeDataset({
    name: options.name ?? `synthetic-${classes}x${channels}x${height}x${width}`,
    pixels,
    labels,
    channels,
    height,
    width,
    classes,
  });
}
