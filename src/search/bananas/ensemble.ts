/**
 * An ensemble of independently initialized MLPs on standardized targets. Their spread is the uncertainty
 * estimate BANANAS uses for its acquisition function.
 */
import { NaskitError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { Mlp, type MlpTrainOptions } from './mlp.js';

export interface EnsembleOptions extends MlpTrainOptions {
  members: number;
  /** Train each member on a bootstrap resample (n rows drawn with replacement) for more diverse members. */
  bootstrap?: boolean;
  hidden: readonly number[];
}

export interface Prediction {
  mean: Float64Array;
  std: Float64Array;
}

export class MlpEnsemble {
  private members: Mlp[] = [];
  private yMean = 0;
  private yStd = 1;

  constructor(
    private readonly inputs: number,
    private readonly options: EnsembleOptions,
  ) {}

  /** Train every member from scratch on row-major x [n, inputs] and targets y. */
  fit(x: Float64Array, y: Float64Array, n: number, rng: Rng): void {
    if (!Number.isInteger(n) || n < 1) {
      throw new NaskitError('invalid_argument', `MLP ensemble fit: need at least one row, got ${n}`);
    }
    if (y.length !== n || x.length !== n * this.inputs) {
      throw new NaskitError(
        'shape_mismatch',
        `MLP ensemble fit: ${n} rows need ${n} targets and ${n} x ${this.inputs} inputs; ` +
          `got ${y.length} targets and ${x.length} inputs`,
      );
    }
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (y[i]! - mean) ** 2;
    this.yMean = mean;
    this.yStd = n > 1 && ss > 0 ? Math.sqrt(ss / n) : 1;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = (y[i]! - mean) / this.yStd;
    this.members = [];
    for (let m = 0; m < this.options.members; m++) {
      const memberRng = rng.fork(`member-${m}`);
      const mlp = new Mlp(this.inputs, this.options.hidden, memberRng);
      if (this.options.bootstrap) {
        const d = this.inputs;
        const xb = new Float64Array(n * d);
        const zb = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const r = memberRng.int(n);
          xb.set(x.subarray(r * d, (r + 1) * d), i * d);
          zb[i] = z[r]!;
        }
        mlp.fit(xb, zb, n, this.options, memberRng);
      } else {
        mlp.fit(x, z, n, this.options, memberRng);
      }
      this.members.push(mlp);
    }
  }

  /** Ensemble mean and (population) standard deviation, in the targets' original units. */
  predict(x: Float64Array, n: number): Prediction {
    if (this.members.length === 0) {
      throw new NaskitError('invalid_argument', 'MLP ensemble predict before fit(); fit it first');
    }
    const mean = new Float64Array(n);
    const sq = new Float64Array(n);
    for (const mlp of this.members) {
      const p = mlp.predict(x, n);
      for (let i = 0; i < n; i++) {
        const v = p[i]! * this.yStd + this.yMean;
        mean[i]! += v;
        sq[i]! += v * v;
      }
    }
    const k = this.members.length;
    const std = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      mean[i]! /= k;
      std[i] = Math.sqrt(Math.max(0, sq[i]! / k - mean[i]! * mean[i]!));
    }
    return { mean, std };
  }
}
