/**
 * An ensemble of neural predictors trained from different seeds (different initializations and batch
 * orders). Its mean is the prediction; the standard deviation across members is the uncertainty that
 * predictor-guided search uses for acquisition (UCB, Thompson sampling), as in BANANAS.
 */
import type { SearchSpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { NeuralPredictor, type NeuralPredictorOptions, type Predictor } from './predictor.js';

export interface UncertainPrediction {
  mean: Float64Array;
  std: Float64Array;
}

export class PredictorEnsemble<A = unknown> implements Predictor<A> {
  readonly members: NeuralPredictor<A>[];

  constructor(space: SearchSpace<A>, options: NeuralPredictorOptions, size: number, rng: Rng) {
    if (!Number.isInteger(size) || size < 2) {
      throw new NaskitError(
        'invalid_config',
        `ensemble size must be an integer >= 2 (got ${size}); use NeuralPredictor for one model`,
      );
    }
    this.members = Array.from(
      { length: size },
      (_, i) => new NeuralPredictor(space, options, rng.fork(`member${i}`)),
    );
  }

  async fit(archs: readonly A[], targets: ArrayLike<number>): Promise<void> {
    const set = this.members[0]!.encode(archs);
    for (const m of this.members) await m.fitEncoded(set, targets);
  }

  async predict(archs: readonly A[]): Promise<Float64Array> {
    return (await this.predictWithUncertainty(archs)).mean;
  }

  async predictWithUncertainty(archs: readonly A[]): Promise<UncertainPrediction> {
    const set = this.members[0]!.encode(archs);
    const all: Float64Array[] = [];
    for (const m of this.members) all.push(await m.predictEncoded(set));
    const n = archs.length;
    const mean = new Float64Array(n);
    const std = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (const p of all) s += p[i]!;
      const mu = s / all.length;
      let v = 0;
      for (const p of all) v += (p[i]! - mu) ** 2;
      mean[i] = mu;
      std[i] = Math.sqrt(v / (all.length - 1));
    }
    return { mean, std };
  }
}
