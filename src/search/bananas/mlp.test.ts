import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { MlpEnsemble } from './ensemble.js';
import { Mlp } from './mlp.js';

/** y = 3*x0 - 2*x1*x2 + x3 on random binary inputs: needs the hidden layer for the product term. */
function dataset(n: number, rng: Rng): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n * 6);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 6; j++) x[i * 6 + j] = rng.int(2);
    y[i] = 3 * x[i * 6]! - 2 * x[i * 6 + 1]! * x[i * 6 + 2]! + x[i * 6 + 3]!;
  }
  return { x, y };
}

function mse(a: Float64Array, b: Float64Array): number {
  return a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;
}

const train = { epochs: 300, batchSize: 16, learningRate: 0.01, weightDecay: 0 };

describe('plain TypeScript MLP', () => {
  it('fits a nonlinear function of binary inputs and generalizes to new rows', () => {
    const rng = new Rng(3);
    const { x, y } = dataset(64, rng);
    const test = dataset(64, new Rng(4));
    const mlp = new Mlp(6, [16, 16], rng.fork('init'));
    const before = mse(mlp.predict(test.x, 64), test.y);
    mlp.fit(x, y, 64, train, rng.fork('fit'));
    const after = mse(mlp.predict(test.x, 64), test.y);
    expect(after).toBeLessThan(0.02);
    expect(after).toBeLessThan(before / 50);
  });

  it('a gradient step lowers the loss along the analytic gradient (tiny learning rate)', () => {
    const rng = new Rng(9);
    const { x, y } = dataset(32, rng);
    const mlp = new Mlp(6, [8], rng);
    const before = mse(mlp.predict(x, 32), y);
    mlp.fit(x, y, 32, { epochs: 1, batchSize: 32, learningRate: 1e-3, weightDecay: 0 }, rng);
    expect(mse(mlp.predict(x, 32), y)).toBeLessThan(before);
  });

  it('fits sparse real-valued inputs (the first layer skips zeros but must use the nonzero values)', () => {
    const rng = new Rng(11);
    const make = (n: number, r: Rng): { x: Float64Array; y: Float64Array } => {
      const x = new Float64Array(n * 20);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 20; j++) x[i * 20 + j] = r.int(4) === 0 ? 0.5 + 1.5 * r.next() : 0;
        y[i] = 2 * x[i * 20]! - x[i * 20 + 7]! + 0.5 * x[i * 20 + 19]!;
      }
      return { x, y };
    };
    const { x, y } = make(96, rng);
    const test = make(64, new Rng(12));
    const mlp = new Mlp(20, [16], rng.fork('init'));
    mlp.fit(x, y, 96, train, rng.fork('fit'));
    const mean = test.y.reduce((a, b) => a + b, 0) / 64;
    const variance = mse(test.y, new Float64Array(64).fill(mean));
    expect(mse(mlp.predict(test.x, 64), test.y)).toBeLessThan(0.2 * variance);
  });

  it('training is deterministic for a seed', () => {
    const { x, y } = dataset(20, new Rng(1));
    const fit = (): Float64Array => {
      const m = new Mlp(6, [8], new Rng(5));
      m.fit(x, y, 20, { ...train, epochs: 20 }, new Rng(6));
      return m.predict(x, 20);
    };
    expect(fit()).toEqual(fit());
  });

  it('rejects inputs of the wrong size', () => {
    const m = new Mlp(6, [4], new Rng(1));
    expect(() => m.predict(new Float64Array(5), 1)).toThrow(/expected 1 rows x 6/);
    expect(() => new Mlp(0, [4], new Rng(1))).toThrow(/positive/);
  });
});

describe('MLP ensemble', () => {
  it('predicts in the targets units and is unsure away from the data', () => {
    const rng = new Rng(2);
    const { x, y } = dataset(48, rng);
    const shifted = y.map((v) => 90 + v);
    const ens = new MlpEnsemble(6, { members: 4, hidden: [16, 16], ...train });
    ens.fit(x, shifted, 48, rng);
    const seen = ens.predict(x, 48);
    expect(mse(seen.mean, shifted)).toBeLessThan(0.05);
    // Inputs far outside the binary training data: members disagree more.
    const far = new Float64Array(6 * 4).map((_, i) => (i % 3) * 7 - 5);
    const away = ens.predict(far, 4);
    const meanStd = (s: Float64Array): number => s.reduce((a, b) => a + b, 0) / s.length;
    expect(meanStd(away.std)).toBeGreaterThan(3 * meanStd(seen.std));
  });

  it('refuses no rows, rows without one target each, and predicting before fit', () => {
    const rng = new Rng(3);
    const { x, y } = dataset(4, rng);
    const ens = (): MlpEnsemble => new MlpEnsemble(6, { members: 2, hidden: [4], ...train, epochs: 2 });
    expect(() => ens().predict(x, 4)).toThrow(/before fit/);
    expect(() => ens().fit(new Float64Array(0), new Float64Array(0), 0, rng)).toThrow(/at least one row/);
    expect(() => ens().fit(x, y.subarray(0, 3), 4, rng)).toThrow(/4 rows need 4 targets/);
    expect(() => ens().fit(x, y, 3, rng)).toThrow(/3 rows need 3 targets/);
  });
});
