import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { makeDataset } from './dataset.js';
import {
  STANDARD_NORMALIZATION,
  channelStats,
  normalizationTable,
  normalizedImages,
  unitScale,
} from './normalize.js';
import { syntheticDataset } from './synthetic.js';

describe('normalization', () => {
  it('channelStats equals the direct per-channel mean and population std', () => {
    const ds = syntheticDataset({ n: 7, classes: 3, channels: 3, height: 4, width: 5 }, new Rng(1));
    const { mean, std } = channelStats(ds);
    for (let c = 0; c < 3; c++) {
      const values: number[] = [];
      for (let i = 0; i < ds.n; i++)
        for (let j = 0; j < 20; j++) values.push(ds.pixels[(i * 3 + c) * 20 + j]! / 255);
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      const s = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
      expect(mean[c]).toBeCloseTo(m, 12);
      expect(std[c]).toBeCloseTo(s, 12);
    }
  });

  it('normalizes each channel with its own mean and std', () => {
    const ds = makeDataset({
      name: 't',
      pixels: Uint8Array.of(0, 255, 51, 102),
      labels: Int32Array.of(0),
      channels: 2,
      height: 1,
      width: 2,
    });
    const out = normalizedImages(ds, { mean: [0.5, 0.2], std: [0.5, 0.1] });
    expect([...out].map((v) => +v.toFixed(5))).toEqual([-1, 1, 0, 2]);
    expect([...normalizedImages(ds, unitScale(2))].map((v) => +v.toFixed(5))).toEqual([0, 1, 0.2, 0.4]);
  });

  it('standard constants are the NAS-Bench-201 CIFAR values', () => {
    expect(STANDARD_NORMALIZATION.cifar10.mean[0]).toBeCloseTo(0.4914, 4);
    expect(STANDARD_NORMALIZATION.cifar10.std[2]).toBeCloseTo(0.2616, 4);
  });

  it('refuses a channel-count mismatch and zero std', () => {
    expect(() => normalizationTable(STANDARD_NORMALIZATION.mnist, 3)).toThrow(
      /1 means and 1 stds for 3-channel/,
    );
    expect(() => normalizationTable({ mean: [0], std: [0] }, 1)).toThrow(/std must be > 0/);
  });
});
