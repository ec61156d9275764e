/**
 * Down-sampling of a whole image set by an integer factor (2×2 box average for 32×32 → 16×16), so a
 * supernet search fits two cores. Box averaging is what NB201's ImageNet16 and the CPU-scale
 * prototypes of the search specs used; pixels stay uint8, rounded half up.
 */
import { NaskitError } from '../util/errors.js';
import type { ImageDataset } from './dataset.js';

/** The dataset at `resolution`×`resolution`; the same dataset when it is already that size. */
export function downsample(dataset: ImageDataset, resolution: number): ImageDataset {
  const { height, width, channels, n } = dataset;
  if (height === resolution && width === resolution) return dataset;
  const factor = height / resolution;
  if (
    !Number.isInteger(resolution) ||
    resolution < 1 ||
    height !== width ||
    !Number.isInteger(factor) ||
    factor < 1
  ) {
    throw new NaskitError(
      'invalid_argument',
      `cannot down-sample ${dataset.name} (${height}×${width}) to ${resolution}×${resolution}: ` +
        'the images must be square and the resolution must divide their side',
    );
  }
  const out = new Uint8Array(n * channels * resolution * resolution);
  const area = factor * factor;
  for (let plane = 0; plane < n * channels; plane++) {
    const src = plane * height * width;
    const dst = plane * resolution * resolution;
    for (let y = 0; y < resolution; y++) {
      for (let x = 0; x < resolution; x++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = src + (y * factor + dy) * width + x * factor;
          for (let dx = 0; dx < factor; dx++) sum += dataset.pixels[row + dx]!;
        }
        out[dst + y * resolution + x] = Math.floor(sum / area + 0.5);
      }
    }
  }
  return {
    ...dataset,
    name: `${dataset.name}@${resolution}`,
    pixels: out,
    height: resolution,
    width: resolution,
  };
}
