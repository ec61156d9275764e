/**
 * Neural accuracy predictors with the `fit(archs, targets)` / `predict(archs)` interface: a GCN over the
 * unified graph encoding (works for every supported space, and across spaces) or an MLP over a flat
 * encoding (the flattened unified graph, or the space's own one-hot / path / adjacency vector).
 * Trained on the engine: graphs compiled to ONNX, gradients from grad(), AdamW from src/runtime.
 * Targets are standardized on the training set and predictions are returned in the targets' units.
 */
import type { ParamStore } from '../runtime/params.js';
import type { EncodingKind, SearchSpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { type EncodedSet, type ScoreMatrix, encodeGraphs, encodeVectors, flattenGraphs } from './encoding.js';
import { initParams, predictRaw } from './engine.js';
import { type ModelDef, gcnModel, mlpModel } from './models.js';
import { type TrainConfig, standardizer, train } from './train.js';
import { unifiedGraph, type UnifiedGraph } from './unified-graph.js';
import { SPACE_MAX_NODES, UNIFIED_MAX_NODES } from './unified-vocab.js';

/** What every accuracy predictor offers (higher prediction = better architecture). */
export interface Predictor<A> {
  fit(archs: readonly A[], targets: ArrayLike<number>): Promise<void>;
  predict(archs: readonly A[]): Promise<Float64Array>;
}

export type PredictorKind = 'gcn' | 'mlp';
export type PredictorEncoding = 'unified' | EncodingKind;

export interface NeuralPredictorOptions {
  kind: PredictorKind;
  hidden?: number;
  layers?: number;
  /** MLP input; the GCN always reads the unified graph. Default 'unified'. */
  encoding?: PredictorEncoding;
  train?: Partial<TrainConfig>;
}

/** BRP-NAS-like defaults, narrowed for 2 CPU cores (hidden 64 instead of 600). */
export const DEFAULT_FIT: TrainConfig = {
  steps: 300,
  lr: 2e-3,
  weightDecay: 5e-4,
  batchSize: 64,
  loss: 'mse',
  optimizer: 'adam',
  cosine: true,
  clip: 5,
};

export const DEFAULT_SHAPE: Record<PredictorKind, { hidden: number; layers: number }> = {
  gcn: { hidden: 64, layers: 4 },
  mlp: { hidden: 64, layers: 3 },
};

export function makeModel(
  kind: PredictorKind,
  hidden?: number,
  layers?: number,
  context = 0,
  contextEverywhere = false,
  scores = 0,
): ModelDef {
  const shape = { ...DEFAULT_SHAPE[kind], ...(hidden ? { hidden } : {}), ...(layers ? { layers } : {}) };
  if (kind === 'gcn') return gcnModel({ ...shape, context, contextEverywhere, scores });
  if (context > 0 || scores > 0) {
    throw new NaskitError(
      'invalid_config',
      'a task context and score features are only available for the GCN predictor',
    );
  }
  if (kind === 'mlp') return mlpModel(shape);
  throw new NaskitError('invalid_config', `unknown predictor kind '${String(kind)}'; use gcn or mlp`);
}

/**
 * Encodes unified graphs for a model: node tensors for the GCN, one flat vector for the MLP; `scores`
 * (one row per graph) when the model reads score features.
 */
export function encodeFor(
  model: ModelDef,
  graphs: readonly UnifiedGraph[],
  nodes?: number,
  scores?: ScoreMatrix,
): EncodedSet {
  const wantsScores = model.fields.includes('scores');
  if (wantsScores !== (scores !== undefined)) {
    throw new NaskitError(
      'invalid_config',
      wantsScores
        ? `${model.signature} reads score features but none were given; compute them (--features graph+scores) or use a model without`
        : `score features given for ${model.signature}, which does not read them; build the model with scores = their count`,
    );
  }
  return model.kind === 'gcn'
    ? encodeGraphs(graphs, nodes, scores)
    : flattenGraphs(graphs, UNIFIED_MAX_NODES);
}

export class NeuralPredictor<A = unknown> implements Predictor<A> {
  readonly model: ModelDef;
  readonly config: TrainConfig;
  readonly encoding: PredictorEncoding;
  private params: ParamStore | null = null;
  private initial: ParamStore | null = null;
  private stats = { mean: 0, std: 1 };

  constructor(
    readonly space: SearchSpace<A>,
    options: NeuralPredictorOptions,
    private readonly rng: Rng,
  ) {
    this.model = makeModel(options.kind, options.hidden, options.layers);
    this.config = { ...DEFAULT_FIT, ...options.train };
    this.encoding = options.encoding ?? 'unified';
    if (this.model.kind === 'gcn' && this.encoding !== 'unified') {
      throw new NaskitError(
        'invalid_config',
        `the GCN predictor reads graphs, so its encoding must be 'unified' (got '${this.encoding}'); use kind mlp for vector encodings`,
      );
    }
  }

  /** Encode architectures of the predictor's space for its model. */
  encode(archs: readonly A[]): EncodedSet {
    if (this.encoding !== 'unified')
      return encodeVectors(archs.map((a) => this.space.encode(a, this.encoding as EncodingKind)));
    const graphs = archs.map((a) => unifiedGraph(this.space, a));
    return encodeFor(this.model, graphs, SPACE_MAX_NODES[this.space.name]);
  }

  /** Start the next fit from these parameters (e.g. a meta-learned or pre-trained initialization). */
  startFrom(params: ParamStore): void {
    this.initial = params.clone();
  }

  async fit(archs: readonly A[], targets: ArrayLike<number>): Promise<void> {
    if (archs.length !== targets.length) {
      throw new NaskitError(
        'shape_mismatch',
        `NeuralPredictor.fit: ${archs.length} architectures but ${targets.length} targets; pass one target per architecture`,
      );
    }
    await this.fitEncoded(this.encode(archs), targets);
  }

  async fitEncoded(set: EncodedSet, targets: ArrayLike<number>): Promise<number[]> {
    if (set.size !== targets.length || set.size === 0) {
      throw new NaskitError(
        'invalid_argument',
        `NeuralPredictor.fit: ${set.size} architectures and ${targets.length} targets; need the same positive number`,
      );
    }
    for (let i = 0; i < targets.length; i++) {
      if (!Number.isFinite(targets[i]!)) {
        throw new NaskitError(
          'non_finite',
          `NeuralPredictor.fit: target ${i} is ${targets[i]}; drop that architecture`,
        );
      }
    }
    this.stats = standardizer(targets);
    const z = Float32Array.from(
      { length: set.size },
      (_, i) => (targets[i]! - this.stats.mean) / this.stats.std,
    );
    this.params = this.initial ? this.initial.clone() : initParams(this.model, set, this.rng.fork('init'));
    const rows = Array.from({ length: set.size }, (_, i) => i);
    return train(this.model, this.params, set, z, rows, this.config, this.rng.fork('batches'));
  }

  async predict(archs: readonly A[]): Promise<Float64Array> {
    return this.predictEncoded(this.encode(archs));
  }

  async predictEncoded(set: EncodedSet): Promise<Float64Array> {
    if (!this.params) {
      throw new NaskitError(
        'invalid_argument',
        'NeuralPredictor.predict before fit(); fit it on measured architectures first',
      );
    }
    const raw = await predictRaw(this.model, this.params, set);
    return raw.map((v) => v * this.stats.std + this.stats.mean);
  }

  /** The trained parameters (null before fit). */
  get trained(): ParamStore | null {
    return this.params;
  }
}
