/**
 * Seeded train/validation splits. Stratified splits take the same fraction of every class, with the
 * rounding spread over classes (largest remainder) so the validation set has exactly the requested size.
 * Index lists come back sorted, so a subset keeps the source order.
 */
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { type ImageDataset, subset } from './dataset.js';

export interface SplitOptions {
  /** Validation size: a fraction in (0, 1) of the images or a count. */
  val: number;
  /** Keep class proportions (default true). */
  stratified?: boolean;
}

export interface IndexSplit {
  train: Int32Array;
  val: Int32Array;
}

export function splitIndices(
  labels: Int32Array,
  classes: number,
  options: SplitOptions,
  rng: Rng,
): IndexSplit {
  const n = labels.length;
  const valCount = options.val > 0 && options.val < 1 ? Math.round(n * options.val) : options.val;
  if (!Number.isInteger(valCount) || valCount < 1 || valCount >= n) {
    throw new NaskitError(
      'invalid_argument',
      `split: val must be a fraction in (0, 1) or a count in [1, ${n - 1}] for ${n} images, got ${options.val}`,
    );
  }
  const isVal = new Uint8Array(n);
  if (options.stratified ?? true) {
    const byClass: number[][] = Array.from({ length: classes }, () => []);
    for (let i = 0; i < n; i++) byClass[labels[i]!]!.push(i);
    const exact = byClass.map((m) => (m.length * valCount) / n);
    const take = exact.map(Math.floor);
    let missing = valCount - take.reduce((a, b) => a + b, 0);
    const order = exact
      .map((e, k) => ({ k, rem: e - Math.floor(e) }))
      .sort((a, b) => b.rem - a.rem || a.k - b.k);
    for (const { k } of order) {
      if (missing === 0) break;
      if (take[k]! < byClass[k]!.length) {
        take[k]!++;
        missing--;
      }
    }
    byClass.forEach((members, k) => {
      for (const i of rng.fork(`class${k}`).shuffle(members).slice(0, take[k])) isVal[i] = 1;
    });
  } else {
    for (const i of rng.sampleIndices(n, valCount)) isVal[i] = 1;
  }
  const train = new Int32Array(n - valCount);
  const val = new Int32Array(valCount);
  let t = 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    if (isVal[i]) val[v++] = i;
    else train[t++] = i;
  }
  return { train, val };
}

/** Split a dataset into train and validation subsets (copies). */
export function splitDataset(
  dataset: ImageDataset,
  options: SplitOptions,
  rng: Rng,
): { train: ImageDataset; val: ImageDataset } {
  const { train, val } = splitIndices(dataset.labels, dataset.classes, options, rng);
  return {
    train: subset(dataset, train, `${dataset.name}:train`),
    val: subset(dataset, val, `${dataset.name}:val`),
  };
}
