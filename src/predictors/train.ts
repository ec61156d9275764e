/**
 * The one gradient-training loop every predictor path uses (plain fitting, fine-tuning, the inner and
 * outer loops of meta-learning): batches from an encoded set, loss + gradients from the engine, an
 * update from src/runtime/optim, cosine learning-rate decay when asked.
 */
import { type Optimizer, clipGradNorm, makeOptimizer } from '../runtime/optim.js';
import type { ParamStore } from '../runtime/params.js';
import { makeSchedule } from '../runtime/schedule.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { EncodedSet } from './encoding.js';
import { type LossKind, type ParamScope, lossAndGrads } from './engine.js';
import type { ModelDef } from './models.js';

export interface TrainConfig {
  /** Gradient steps. */
  steps: number;
  lr: number;
  /** Decoupled weight decay (AdamW) or L2 (SGD). */
  weightDecay: number;
  /** Rows per step; sets no larger than this are used whole at every step. */
  batchSize: number;
  loss: LossKind;
  optimizer: 'adam' | 'sgd';
  /** Cosine decay of the rate to 0 over `steps`. */
  cosine: boolean;
  /** Global gradient-norm clip (0 = off). */
  clip: number;
  /** Train every parameter (default) or only the output layer. */
  scope?: ParamScope;
}

export function checkTrainConfig(c: TrainConfig, where: string): void {
  const positive: [string, number][] = [
    ['steps', c.steps],
    ['lr', c.lr],
    ['batchSize', c.batchSize],
  ];
  for (const [k, v] of positive) {
    if (!(v > 0) || !Number.isFinite(v) || (k !== 'lr' && !Number.isInteger(v))) {
      throw new NaskitError(
        'invalid_config',
        `${where}: ${k} must be a positive ${k === 'lr' ? 'number' : 'integer'}, got ${v}`,
      );
    }
  }
  if (!(c.weightDecay >= 0) || !(c.clip >= 0)) {
    throw new NaskitError(
      'invalid_config',
      `${where}: weightDecay and clip must be >= 0, got ${c.weightDecay}, ${c.clip}`,
    );
  }
}

export function makeTrainOptimizer(c: TrainConfig): Optimizer {
  return c.optimizer === 'sgd'
    ? makeOptimizer({ kind: 'sgd', weightDecay: c.weightDecay })
    : makeOptimizer({ kind: 'adamw', weightDecay: c.weightDecay });
}

/** Cycles through shuffled rows, `size` at a time (the whole set every time when it is small). */
export class BatchSampler {
  private order: number[] = [];
  private next = 0;

  constructor(
    private readonly rows: readonly number[],
    private readonly size: number,
    private readonly rng: Rng,
  ) {
    if (rows.length === 0)
      throw new NaskitError('invalid_argument', 'cannot train on an empty set of architectures');
  }

  take(): number[] {
    if (this.rows.length <= this.size) return this.rows.slice();
    const out: number[] = [];
    while (out.length < this.size) {
      if (this.next >= this.order.length) {
        this.order = this.rng.shuffle(this.rows);
        this.next = 0;
      }
      out.push(this.order[this.next++]!);
    }
    return out;
  }
}

/**
 * Train `params` in place on `rows` of `set` with standardized `targets` (indexed like the set).
 * Returns the loss of every step.
 */
export async function train(
  model: ModelDef,
  params: ParamStore,
  set: EncodedSet,
  targets: Float32Array,
  rows: readonly number[],
  config: TrainConfig,
  rng: Rng,
  optimizer: Optimizer = makeTrainOptimizer(config),
): Promise<number[]> {
  checkTrainConfig(config, `${model.signature} training`);
  const schedule = makeSchedule(
    config.cosine
      ? { kind: 'cosine', lr: config.lr, total: config.steps }
      : { kind: 'constant', lr: config.lr },
  );
  const sampler = new BatchSampler(rows, config.batchSize, rng);
  const losses: number[] = [];
  for (let step = 0; step < config.steps; step++) {
    const batch = sampler.take();
    const y = Float32Array.from(batch, (r) => targets[r]!);
    const { loss, grads } = await lossAndGrads(
      model,
      params,
      set,
      batch,
      y,
      config.loss,
      config.scope ?? 'all',
    );
    if (config.clip > 0) clipGradNorm(grads, config.clip);
    optimizer.step(params, grads, schedule(step));
    losses.push(loss);
  }
  return losses;
}

/** z-score statistics of a target vector (std floored so constant targets stay finite). */
export function standardizer(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 1 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i]! - mean) ** 2;
  const std = Math.sqrt(v / n);
  return { mean, std: std > 1e-12 ? std : 1 };
}
