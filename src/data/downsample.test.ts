import { describe, expect, it } from 'vitest';
import { makeDataset } from './dataset.js';
import { downsample } from './downsample.js';

describe('downsample', () => {
  // One image, two channels, 4×4.
  const pixels = Uint8Array.from({ length: 2 * 4 * 4 }, (_, i) => (i * 37) % 256);
  const data = makeDataset({
    name: 'toy',
    pixels,
    labels: Int32Array.from([0]),
    channels: 2,
    height: 4,
    width: 4,
  });

  it('averages each factor×factor block per channel, rounding half up', () => {
    const small = downsample(data, 2);
    expect(small.height).toBe(2);
    expect(small.width).toBe(2);
    const block = (c: number, y: number, x: number): number => {
      const at = (yy: number, xx: number): number => pixels[c * 16 + yy * 4 + xx]!;
      const s = at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1);
      return Math.floor(s / 4 + 0.5);
    };
    for (let c = 0; c < 2; c++)
      for (let y = 0; y < 2; y++)
        for (let x = 0; x < 2; x++) expect(small.pixels[c * 4 + y * 2 + x]).toBe(block(c, y, x));
  });

  it('returns the dataset unchanged at its own size and refuses a size that does not divide', () => {
    expect(downsample(data, 4)).toBe(data);
    expect(() => downsample(data, 3)).toThrow(/cannot down-sample toy \(4×4\) to 3×3/);
  });
});
