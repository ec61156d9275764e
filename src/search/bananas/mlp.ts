/**
 * A small fully connected regressor (ReLU hidden layers, linear output, MSE loss, Adam) in plain
 * Float64Array math. Predictor-guided search fits a handful of these on at most a few hundred points, where
 * building an ONNX graph would cost more than the arithmetic.
 */
import { NaskitError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';

export interface MlpTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Decoupled weight decay (AdamW), per step, relative to the learning rate. */
  weightDecay: number;
}

export class Mlp {
  readonly sizes: readonly number[];
  private readonly w: Float64Array[] = [];
  private readonly b: Float64Array[] = [];

  /** `hidden` widths, e.g. [32, 32]; input width `inputs`, one output. He-normal initialization. */
  constructor(inputs: number, hidden: readonly number[], rng: Rng) {
    if (!(inputs >= 1) || hidden.some((h) => !(h >= 1))) {
      throw new NaskitError(
        'invalid_argument',
        `MLP sizes must be positive, got ${inputs} -> ${hidden.join(', ')}`,
      );
    }
    this.sizes = [inputs, ...hidden, 1];
    for (let l = 1; l < this.sizes.length; l++) {
      const fanIn = this.sizes[l - 1]!;
      const w = new Float64Array(this.sizes[l]! * fanIn);
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal(0, std);
      this.w.push(w);
      this.b.push(new Float64Array(this.sizes[l]!));
    }
  }

  /** Predictions for `n` rows of a row-major [n, inputs] matrix. */
  predict(x: Float64Array, n: number): Float64Array {
    const d = this.sizes[0]!;
    this.checkInput(x, n);
    const acts = this.buffers();
    const out = new Float64Array(n);
    const nz = new Int32Array(d);
    for (let r = 0; r < n; r++) {
      const input = x.subarray(r * d, (r + 1) * d);
      this.forward(input, acts, nz, nonzeros(input, nz));
      out[r] = acts[acts.length - 1]![0]!;
    }
    return out;
  }

  /** Minimize mean squared error on (x, y) with minibatch Adam; rows are reshuffled every epoch. */
  fit(x: Float64Array, y: Float64Array, n: number, options: MlpTrainOptions, rng: Rng): void {
    this.checkInput(x, n);
    if (y.length < n) throw new NaskitError('invalid_argument', `MLP fit: ${y.length} targets for ${n} rows`);
    const d = this.sizes[0]!;
    const layers = this.w.length;
    const acts = this.buffers();
    const deltas = this.buffers();
    const gw = this.w.map((w) => new Float64Array(w.length));
    const gb = this.b.map((b) => new Float64Array(b.length));
    const mw = this.w.map((w) => new Float64Array(w.length));
    const vw = this.w.map((w) => new Float64Array(w.length));
    const mb = this.b.map((b) => new Float64Array(b.length));
    const vb = this.b.map((b) => new Float64Array(b.length));
    const beta1 = 0.9;
    const beta2 = 0.999;
    const eps = 1e-8;
    let step = 0;
    const order = Array.from({ length: n }, (_, i) => i);
    // Encodings are mostly zeros (a path encoding has a handful of ones): the first layer only touches the
    // nonzero inputs of each row, listed once here.
    const nzIndex: Int32Array[] = [];
    for (let r = 0; r < n; r++) {
      const buf = new Int32Array(d);
      nzIndex.push(buf.slice(0, nonzeros(x.subarray(r * d, (r + 1) * d), buf)));
    }

    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const rows = rng.shuffle(order);
      for (let start = 0; start < n; start += options.batchSize) {
        const end = Math.min(n, start + options.batchSize);
        const scale = 2 / (end - start);
        for (let l = 0; l < layers; l++) {
          gw[l]!.fill(0);
          gb[l]!.fill(0);
        }
        for (let k = start; k < end; k++) {
          const r = rows[k]!;
          const nz = nzIndex[r]!;
          this.forward(x.subarray(r * d, (r + 1) * d), acts, nz, nz.length);
          deltas[layers]![0] = scale * (acts[layers]![0]! - y[r]!);
          for (let l = layers - 1; l >= 1; l--) {
            const fanIn = this.sizes[l]!;
            const fanOut = this.sizes[l + 1]!;
            const w = this.w[l]!;
            const g = gw[l]!;
            const delta = deltas[l + 1]!;
            const input = acts[l]!;
            const below = deltas[l]!;
            below.fill(0);
            for (let o = 0; o < fanOut; o++) {
              const dl = delta[o]!;
              if (dl === 0) continue;
              gb[l]![o]! += dl;
              const row = o * fanIn;
              for (let i = 0; i < fanIn; i++) {
                g[row + i]! += dl * input[i]!;
                below[i]! += dl * w[row + i]!;
              }
            }
            for (let i = 0; i < fanIn; i++) if (input[i]! <= 0) below[i] = 0; // ReLU'
          }
          // First layer: gradients of the nonzero inputs only; the input's own delta is not needed.
          const delta0 = deltas[1]!;
          const g0 = gw[0]!;
          for (let o = 0; o < this.sizes[1]!; o++) {
            const dl = delta0[o]!;
            if (dl === 0) continue;
            gb[0]![o]! += dl;
            const row = o * d;
            for (let k = 0; k < nz.length; k++) {
              const i = nz[k]!;
              g0[row + i]! += dl * acts[0]![i]!;
            }
          }
        }
        step++;
        const c1 = 1 - beta1 ** step;
        const c2 = 1 - beta2 ** step;
        const lr = options.learningRate;
        const decay = 1 - lr * options.weightDecay;
        for (let l = 0; l < layers; l++) {
          adam(this.w[l]!, gw[l]!, mw[l]!, vw[l]!, lr, c1, c2, beta1, beta2, eps, decay);
          adam(this.b[l]!, gb[l]!, mb[l]!, vb[l]!, lr, c1, c2, beta1, beta2, eps, 1);
        }
      }
    }
  }

  private buffers(): Float64Array[] {
    return this.sizes.map((s) => new Float64Array(s));
  }

  private checkInput(x: Float64Array, n: number): void {
    const d = this.sizes[0]!;
    if (x.length < n * d) {
      throw new NaskitError(
        'invalid_argument',
        `MLP input has ${x.length} values, expected ${n} rows x ${d}`,
      );
    }
  }

  /** acts[0] = input, acts[l] = layer l output (ReLU except the last); nz[0..count) = nonzero inputs. */
  private forward(input: Float64Array, acts: Float64Array[], nz: Int32Array, count: number): void {
    acts[0]!.set(input);
    const layers = this.w.length;
    {
      const d = this.sizes[0]!;
      const w = this.w[0]!;
      const b = this.b[0]!;
      const z = acts[1]!;
      const relu = layers > 1;
      for (let o = 0; o < this.sizes[1]!; o++) {
        let s = b[o]!;
        const row = o * d;
        for (let k = 0; k < count; k++) s += w[row + nz[k]!]! * input[nz[k]!]!;
        z[o] = relu && s < 0 ? 0 : s;
      }
    }
    for (let l = 1; l < layers; l++) {
      const fanIn = this.sizes[l]!;
      const fanOut = this.sizes[l + 1]!;
      const w = this.w[l]!;
      const b = this.b[l]!;
      const a = acts[l]!;
      const z = acts[l + 1]!;
      const relu = l < layers - 1;
      for (let o = 0; o < fanOut; o++) {
        let s = b[o]!;
        const row = o * fanIn;
        for (let i = 0; i < fanIn; i++) s += w[row + i]! * a[i]!;
        z[o] = relu && s < 0 ? 0 : s;
      }
    }
  }
}

/** Writes the indices of the nonzero entries of `v` into `out` and returns how many there are. */
function nonzeros(v: Float64Array, out: Int32Array): number {
  let count = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) out[count++] = i;
  return count;
}

function adam(
  p: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  lr: number,
  c1: number,
  c2: number,
  beta1: number,
  beta2: number,
  eps: number,
  decay: number,
): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    m[i] = beta1 * m[i]! + (1 - beta1) * gi;
    v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
    p[i] = p[i]! * decay - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
  }
}
