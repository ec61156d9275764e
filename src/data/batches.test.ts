import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { BatchLoader } from './batches.js';
import { STANDARD_NORMALIZATION, normalizedImages } from './normalize.js';
import { syntheticDataset } from './synthetic.js';

const ds = syntheticDataset({ n: 50, classes: 5, channels: 3, height: 8, width: 8 }, new Rng(7));
const norm = STANDARD_NORMALIZATION.cifar10;
const per = 3 * 8 * 8;

function collect(loader: BatchLoader, epoch: number) {
  return [...loader.epoch(epoch)];
}

describe('BatchLoader', () => {
  it('in order, normalized, labels as int64; the last batch is filled from the start', () => {
    const loader = new BatchLoader(ds, { batchSize: 16, normalization: norm });
    const batches = collect(loader, 0);
    expect(loader.batchesPerEpoch).toBe(4);
    expect(batches.map((b) => b.size)).toEqual([16, 16, 16, 2]);
    expect([...batches[3]!.indices]).toEqual([48, 49, ...Array.from({ length: 14 }, (_, i) => i)]);
    const all = normalizedImages(ds, norm);
    expect(batches[1]!.input.subarray(0, per)).toEqual(all.subarray(16 * per, 17 * per));
    expect(batches[1]!.labels[0]).toBe(BigInt(ds.labels[16]!));
    expect(batches[0]!.input.length).toBe(16 * per);
  });

  it('shuffles every image exactly once per epoch, the same way for the same seed and epoch', () => {
    const make = (seed: number) =>
      new BatchLoader(ds, { batchSize: 10, normalization: norm, shuffle: true, rng: new Rng(seed) });
    const a = make(1);
    const e0 = collect(a, 0).flatMap((b) => [...b.indices]);
    expect([...e0].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(e0).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const e1 = collect(a, 1).flatMap((b) => [...b.indices]);
    expect(e1).not.toEqual(e0);
    // Epoch 1 of a fresh loader (no epoch 0 iterated) is identical: epochs do not depend on history.
    expect(collect(make(1), 1).flatMap((b) => [...b.indices])).toEqual(e1);
    expect(collect(make(2), 0).flatMap((b) => [...b.indices])).not.toEqual(e0);
  });

  it('dropLast gives only full batches', () => {
    const loader = new BatchLoader(ds, {
      batchSize: 16,
      normalization: norm,
      dropLast: true,
      shuffle: true,
      rng: new Rng(0),
    });
    const batches = collect(loader, 0);
    expect(batches.map((b) => b.size)).toEqual([16, 16, 16]);
    expect(new Set(batches.flatMap((b) => [...b.indices])).size).toBe(48);
  });

  it('augmentation is seeded per epoch and changes the images', () => {
    const make = () =>
      new BatchLoader(ds, { batchSize: 25, normalization: norm, cropFlipPadding: 4, rng: new Rng(9) });
    const a = collect(make(), 2);
    const b = collect(make(), 2);
    expect(a[0]!.input).toEqual(b[0]!.input);
    expect(collect(make(), 3)[0]!.input).not.toEqual(a[0]!.input);
    const plain = collect(new BatchLoader(ds, { batchSize: 25, normalization: norm }), 0);
    expect(a[0]!.indices).toEqual(plain[0]!.indices);
    expect(a[0]!.input).not.toEqual(plain[0]!.input);
  });

  it('refuses missing rng and impossible batch sizes', () => {
    expect(() => new BatchLoader(ds, { batchSize: 8, normalization: norm, shuffle: true })).toThrow(
      /need an rng/,
    );
    expect(() => new BatchLoader(ds, { batchSize: 64, normalization: norm, dropLast: true })).toThrow(
      /fewer than one batch/,
    );
    expect(() => new BatchLoader(ds, { batchSize: 0, normalization: norm })).toThrow(/positive integer/);
  });

  it('is fast enough for CIFAR training (64 augmented 3x32x32 images well under 10 ms)', () => {
    const cifar = syntheticDataset({ n: 640, classes: 10 }, new Rng(1));
    const loader = new BatchLoader(cifar, {
      batchSize: 64,
      normalization: norm,
      shuffle: true,
      cropFlipPadding: 4,
      rng: new Rng(2),
    });
    collect(loader, 0);
    const t0 = performance.now();
    const batches = collect(loader, 1);
    const perBatch = (performance.now() - t0) / batches.length;
    expect(perBatch).toBeLessThan(10);
  });
});
