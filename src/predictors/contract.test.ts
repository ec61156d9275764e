/**
 * The accuracy predictors against the predictor contract (test/helpers/predictor-contract.ts): the
 * neural predictors (GCN, MLP on the unified graph and on the one-hot encoding), the seed ensemble, a
 * GCN fine-tuned from a pooled pre-trained initialization (the few-shot path), and BANANAS' MLP
 * ensemble behind a fit/predict adapter. Target: the cell's number of conv ops. Small models and
 * few steps keep it fast.
 */
import { afterAll } from 'vitest';
import { runPredictorContract } from '../../test/helpers/predictor-contract.js';
import { MlpEnsemble } from '../search/bananas/ensemble.js';
import { nb201, type Nb201Arch } from '../spaces/index.js';
import type { EncodingKind, SearchSpace } from '../spaces/space.js';
import { Rng } from '../util/rng.js';
import { releasePrograms } from './engine.js';
import { PredictorEnsemble } from './ensemble.js';
import { pretrainPooled } from './meta.js';
import { DEFAULT_FIT, NeuralPredictor, makeModel, type Predictor } from './predictor.js';

afterAll(releasePrograms);

const convOps = (arch: Nb201Arch): number => arch.edges.filter((op) => op.startsWith('nor_conv')).length;
const small = { hidden: 16, layers: 2, train: { steps: 100 } } as const;

/** BANANAS' MLP ensemble (plain TypeScript) on a space encoding, as a fit/predict predictor. */
class BananasPredictor<A> implements Predictor<A> {
  private readonly ensemble: MlpEnsemble;
  private readonly length: number;

  constructor(
    private readonly space: SearchSpace<A>,
    private readonly encoding: EncodingKind,
    private readonly rng: Rng,
  ) {
    this.length = space.encodings.find((e) => e.kind === encoding)!.length;
    this.ensemble = new MlpEnsemble(this.length, {
      members: 3,
      hidden: [16, 16],
      epochs: 100,
      batchSize: 16,
      learningRate: 0.01,
      weightDecay: 0,
    });
  }

  private matrix(archs: readonly A[]): Float64Array {
    const out = new Float64Array(archs.length * this.length);
    archs.forEach((a, i) => out.set(this.space.encode(a, this.encoding), i * this.length));
    return out;
  }

  async fit(archs: readonly A[], targets: ArrayLike<number>): Promise<void> {
    this.ensemble.fit(this.matrix(archs), Float64Array.from(targets), archs.length, this.rng.fork('fit'));
  }

  async predict(archs: readonly A[]): Promise<Float64Array> {
    return this.ensemble.predict(this.matrix(archs), archs.length).mean;
  }
}

runPredictorContract('gcn', {
  space: nb201,
  target: convOps,
  create: (seed) => new NeuralPredictor(nb201, { kind: 'gcn', ...small }, new Rng(seed)),
});

runPredictorContract('mlp on the unified graph', {
  space: nb201,
  target: convOps,
  create: (seed) => new NeuralPredictor(nb201, { kind: 'mlp', ...small }, new Rng(seed)),
});

runPredictorContract('mlp on the one-hot encoding', {
  space: nb201,
  target: convOps,
  create: (seed) => new NeuralPredictor(nb201, { kind: 'mlp', encoding: 'onehot', ...small }, new Rng(seed)),
});

runPredictorContract('gcn ensemble', {
  space: nb201,
  target: convOps,
  create: (seed) =>
    new PredictorEnsemble(nb201, { kind: 'gcn', ...small, train: { steps: 60 } }, 2, new Rng(seed)),
});

// The few-shot path: a GCN pre-trained on another setting (here: a related target on other cells),
// then fitted on the contract's sample from that initialization.
const pretrainRng = new Rng(21);
const pretrainArchs = Array.from({ length: 60 }, () => nb201.sample(pretrainRng));
const encoder = new NeuralPredictor(nb201, { kind: 'gcn', ...small }, new Rng(0));
const pretrained = await pretrainPooled(
  makeModel('gcn', small.hidden, small.layers),
  [
    {
      name: 'skip-and-conv',
      set: encoder.encode(pretrainArchs),
      targets: Float64Array.from(
        pretrainArchs,
        (a) => convOps(a) + a.edges.filter((op) => op === 'skip_connect').length,
      ),
    },
  ],
  60,
  { ...DEFAULT_FIT },
  new Rng(22),
);

runPredictorContract('gcn from a pooled pre-trained initialization', {
  space: nb201,
  target: convOps,
  create(seed) {
    const p = new NeuralPredictor(nb201, { kind: 'gcn', ...small, train: { steps: 40 } }, new Rng(seed));
    p.startFrom(pretrained);
    return p;
  },
});

runPredictorContract('BANANAS mlp ensemble (path encoding)', {
  space: nb201,
  target: convOps,
  create: (seed) => new BananasPredictor(nb201, 'path', new Rng(seed)),
});
