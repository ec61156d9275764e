/**
 * Runs predictor models on ONNX Runtime: builds the training graph (forward + loss + grad()) and the
 * inference graph for one batch size and input layout, compiles each once and caches the program
 * process-wide, so every predictor instance, ensemble member and meta-learning episode with the same
 * model shares sessions. Parameters stay in a ParamStore and are fed on every run.
 *
 * Losses on standardized targets:
 * - 'mse': mean squared error;
 * - 'rank': pairwise logistic ranking loss, mean over ordered pairs (i, j) with y_i > y_j of
 *   softplus(p_j − p_i) (the BRP-NAS idea of learning the order rather than the value);
 * - 'mse+rank': their sum.
 */
import { Graph, type Tensor } from '../graph/graph.js';
import { grad } from '../graph/autodiff.js';
import { max } from '../graph/ops/max.js';
import { mul } from '../graph/ops/mul.js';
import { reduceMean } from '../graph/ops/reduce-mean.js';
import { reduceSum } from '../graph/ops/reduce-sum.js';
import { relu } from '../graph/ops/relu.js';
import { reshape } from '../graph/ops/reshape.js';
import { sign } from '../graph/ops/sign.js';
import { sub } from '../graph/ops/sub.js';
import { add } from '../graph/ops/add.js';
import { div } from '../graph/ops/div.js';
import { ParamStore } from '../runtime/params.js';
import { Program } from '../runtime/session.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { EncodedSet } from './encoding.js';
import { softplus } from './layers.js';
import { type ModelDef, isContextParam } from './models.js';

export const LOSS_KINDS = ['mse', 'rank', 'mse+rank'] as const;
export type LossKind = (typeof LOSS_KINDS)[number];

/**
 * Which parameters get gradients: all of them; only the output layer ('head', the ANIL inner loop);
 * or only the task-context vector ('context', the CAVIA inner loop). The narrow scopes cut the
 * backward pass short, so their steps cost little more than a forward pass.
 */
export type ParamScope = 'all' | 'head' | 'context';

/** Parameters of the output layer (named 'head/…' by every model). */
export function isHeadParam(name: string): boolean {
  return name.startsWith('head/');
}

export function inScope(name: string, scope: ParamScope): boolean {
  if (scope === 'head') return isHeadParam(name);
  if (scope === 'context') return isContextParam(name);
  return true;
}

/** Rows per inference run; the last chunk is zero-padded so one program serves every set size. */
export const PREDICT_CHUNK = 512;

interface TrainProgram {
  program: Program;
  paramNames: string[];
}

const trainPrograms = new Map<string, Promise<TrainProgram>>();
const predictPrograms = new Map<string, Promise<Program>>();
let programThreads = 1;

/**
 * Intra-op threads for predictor programs compiled afterwards. One thread is fastest for the small
 * batches of few-shot training (measured); big inference chunks gain little from a second thread.
 */
export function setPredictorThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new NaskitError('invalid_argument', `predictor threads must be a positive integer, got ${threads}`);
  }
  programThreads = threads;
}

function fieldInputs(g: Graph, set: EncodedSet, batch: number): Map<string, Tensor> {
  const inputs = new Map<string, Tensor>();
  for (const [name, f] of set.fields) inputs.set(name, g.input(name, [batch, ...f.shape]));
  return inputs;
}

export function lossOf(kind: LossKind, predictions: Tensor, targets: Tensor): Tensor {
  const batch = predictions.shape[0]!;
  const mse = (): Tensor => {
    const d = sub(predictions, targets);
    return reduceMean(mul(d, d));
  };
  const rank = (): Tensor => {
    const col = (t: Tensor) => reshape(t, [batch, 1]);
    const row = (t: Tensor) => reshape(t, [1, batch]);
    // weight[i][j] = 1 when y_i > y_j; the loss pushes p_i above p_j.
    const weight = relu(sign(sub(col(targets), row(targets))));
    const penalty = softplus(sub(row(predictions), col(predictions)));
    return div(reduceSum(mul(weight, penalty)), max([reduceSum(weight), 1]));
  };
  switch (kind) {
    case 'mse':
      return mse();
    case 'rank':
      return rank();
    case 'mse+rank':
      return add(mse(), rank());
    default:
      throw new NaskitError(
        'invalid_config',
        `unknown predictor loss '${String(kind)}'; use ${LOSS_KINDS.join(', ')}`,
      );
  }
}

function trainProgram(
  model: ModelDef,
  set: EncodedSet,
  batch: number,
  loss: LossKind,
  scope: ParamScope,
): Promise<TrainProgram> {
  const key = `${model.signature}|${set.layout}|b${batch}|${loss}|${scope}|t${programThreads}`;
  let p = trainPrograms.get(key);
  if (!p) {
    const g = new Graph(`${model.kind}-train`);
    const inputs = fieldInputs(g, set, batch);
    const targets = g.input('target', [batch]);
    const value = lossOf(loss, model.forward(g, inputs), targets);
    const params = g.trainableParams().filter((t) => inScope(t.name, scope));
    if (params.length === 0) {
      throw new NaskitError(
        'invalid_config',
        `${model.signature} has no parameters in scope '${scope}' (a context scope needs a model with context > 0)`,
      );
    }
    const grads = grad(value, params, { allowUnused: true });
    const paramNames = params.map((t) => t.name);
    p = Program.compile(g, [value, ...grads], {
      outputNames: ['loss', ...paramNames.map((n) => `grad/${n}`)],
      threads: programThreads,
    }).then((program) => ({ program, paramNames }));
    trainPrograms.set(key, p);
    p.catch(() => trainPrograms.delete(key));
  }
  return p;
}

function predictProgram(model: ModelDef, set: EncodedSet, batch: number): Promise<Program> {
  const key = `${model.signature}|${set.layout}|b${batch}|t${programThreads}`;
  let p = predictPrograms.get(key);
  if (!p) {
    const g = new Graph(`${model.kind}-predict`);
    const out = model.forward(g, fieldInputs(g, set, batch));
    p = Program.compile(g, [out], { outputNames: ['score'], threads: programThreads });
    predictPrograms.set(key, p);
    p.catch(() => predictPrograms.delete(key));
  }
  return p;
}

/** Fresh parameters for `model`, drawn from each parameter's InitSpec with `rng`. */
export function initParams(model: ModelDef, set: EncodedSet, rng: Rng): ParamStore {
  const g = new Graph(`${model.kind}-init`);
  model.forward(g, fieldInputs(g, set, 1));
  return ParamStore.fromGraph(g, rng);
}

function paramFeeds(params: ParamStore, names: readonly string[]): Record<string, Float32Array> {
  const feeds: Record<string, Float32Array> = {};
  for (const n of names) feeds[n] = params.get(n);
  return feeds;
}

export interface LossAndGrads {
  loss: number;
  grads: Map<string, Float32Array>;
}

/** Loss and parameter gradients on `rows` of `set` with (standardized) `targets`, one per row. */
export async function lossAndGrads(
  model: ModelDef,
  params: ParamStore,
  set: EncodedSet,
  rows: ArrayLike<number>,
  targets: Float32Array,
  loss: LossKind,
  scope: ParamScope = 'all',
): Promise<LossAndGrads> {
  if (targets.length !== rows.length) {
    throw new NaskitError(
      'shape_mismatch',
      `lossAndGrads: ${rows.length} rows but ${targets.length} targets`,
    );
  }
  const { program, paramNames } = await trainProgram(model, set, rows.length, loss, scope);
  const feeds: Record<string, Float32Array> = { ...paramFeeds(params, program.paramNames), target: targets };
  for (const [name, data] of set.gather(rows)) feeds[name] = data;
  const out = await program.run(feeds);
  const value = Number((out.loss as Float32Array)[0]);
  if (!Number.isFinite(value)) {
    throw new NaskitError(
      'non_finite',
      `${model.signature}: ${loss} loss is ${value} on a batch of ${rows.length}; lower the learning rate`,
    );
  }
  const grads = new Map<string, Float32Array>();
  for (const n of paramNames) grads.set(n, out[`grad/${n}`] as Float32Array);
  return { loss: value, grads };
}

/** Raw model scores for every row of `set` (or for `rows`). */
export async function predictRaw(
  model: ModelDef,
  params: ParamStore,
  set: EncodedSet,
  rows?: ArrayLike<number>,
): Promise<Float64Array> {
  const all = rows ?? Int32Array.from({ length: set.size }, (_, i) => i);
  const n = all.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const chunk = Math.min(PREDICT_CHUNK, n);
  const program = await predictProgram(model, set, chunk);
  const feedsBase = paramFeeds(params, program.paramNames);
  for (let start = 0; start < n; start += chunk) {
    const part = Array.prototype.slice.call(all, start, Math.min(n, start + chunk)) as number[];
    const feeds: Record<string, Float32Array> = { ...feedsBase };
    for (const [name, data] of set.gather(part, chunk)) feeds[name] = data;
    const scores = (await program.run(feeds)).score as Float32Array;
    for (let i = 0; i < part.length; i++) out[start + i] = scores[i]!;
  }
  return out;
}

/** Release every cached session (tests and the end of a CLI run). */
export async function releasePrograms(): Promise<void> {
  const all = [...trainPrograms.values(), ...predictPrograms.values()];
  trainPrograms.clear();
  predictPrograms.clear();
  for (const p of all) {
    try {
      const x = await p;
      await ('program' in x ? x.program : x).release();
    } catch {
      // a program that failed to compile has nothing to release
    }
  }
}
