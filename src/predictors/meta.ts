/**
 * Learning a predictor initialization from many settings, and adapting it to a new one:
 * - first-order MAML: per task φ = θ, k SGD steps on the support set S, then the query gradient
 *   ∇_φ L_Q(φ) of every task in the meta-batch, averaged, updates θ with Adam;
 * - Reptile: per task φ = θ, k Adam steps on batches from S ∪ Q, then θ ← θ + ε · mean(φ − θ);
 * - pooled pre-training (the multi-task baseline): ordinary training on batches drawn from every
 *   training setting with per-setting z-scored targets, for the same number of gradient evaluations.
 * Episodes standardize targets with the support set's own mean and std, exactly as adaptation to a
 * new setting must (it sees nothing else), so meta-training practises what test time asks.
 */
import { makeOptimizer } from '../runtime/optim.js';
import { clipGradNorm } from '../runtime/optim.js';
import type { ParamStore } from '../runtime/params.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { EncodedSet } from './encoding.js';
import { type LossKind, type ParamScope, initParams, lossAndGrads } from './engine.js';
import { type ModelDef, isContextParam } from './models.js';
import { type TargetTransform, transformTargets } from './targets.js';
import { type TrainConfig, makeTrainOptimizer, train } from './train.js';

/** A training setting ready for episodes: encoded graphs and their (higher-is-better) targets. */
export interface TaskData {
  readonly name: string;
  readonly set: EncodedSet;
  readonly targets: Float64Array;
}

export interface MetaConfig {
  /** Outer updates. */
  iterations: number;
  /** Tasks (settings, drawn with replacement) per outer update. */
  tasksPerIteration: number;
  /** Support sizes; each episode draws one. */
  supportSizes: readonly number[];
  querySize: number;
  innerSteps: number;
  innerLr: number;
  innerOptimizer: 'sgd' | 'adam';
  /** MAML: Adam rate on θ; Reptile: interpolation ε. */
  outerLr: number;
  loss: LossKind;
  /** How episode targets are normalized by the support set (default zscore). */
  targets?: TargetTransform;
  /** Parameters the inner loop adapts: all (MAML), the output layer (ANIL) or the task context (CAVIA). */
  innerScope: ParamScope;
  /** Context-only Adam steps run before the `innerSteps` (models with a context; default 0). */
  innerContextSteps?: number;
  innerContextLr?: number;
}

/** Test-time adaptation of an initialization to a support set. */
export interface AdaptConfig {
  steps: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  loss: LossKind;
  weightDecay: number;
  scope: ParamScope;
  /** How support targets are normalized (default zscore). */
  targets?: TargetTransform;
  /** CAVIA models: first fit only the task context, with SGD, for this many steps (default 0). */
  contextSteps?: number;
  contextLr?: number;
  contextOptimizer?: 'sgd' | 'adam';
  /**
   * Contexts learned for the training settings: before any step, the one (or the mean context θ
   * holds) with the lowest support loss becomes the starting context — the new setting is matched to
   * the training setting it most resembles on its k shots, and inference refines from there.
   */
  contextBank?: readonly Float32Array[];
}

export interface Episode {
  support: number[];
  query: number[];
  /** Targets of the whole task standardized by the support's statistics. */
  z: Float32Array;
}

export function checkMetaConfig(c: MetaConfig): void {
  const ints: [string, number][] = [
    ['iterations', c.iterations],
    ['tasksPerIteration', c.tasksPerIteration],
    ['querySize', c.querySize],
    ['innerSteps + innerContextSteps', c.innerSteps + (c.innerContextSteps ?? 0)],
    ...c.supportSizes.map((s, i): [string, number] => [`supportSizes[${i}]`, s]),
  ];
  for (const [k, v] of ints) {
    if (!Number.isInteger(v) || v < 1)
      throw new NaskitError('invalid_config', `meta-learning: ${k} must be a positive integer, got ${v}`);
  }
  if (c.supportSizes.length === 0)
    throw new NaskitError('invalid_config', 'meta-learning: supportSizes is empty');
  if (!(c.innerLr > 0) || !(c.outerLr > 0)) {
    throw new NaskitError(
      'invalid_config',
      `meta-learning: innerLr and outerLr must be > 0, got ${c.innerLr}, ${c.outerLr}`,
    );
  }
}

/** Support and disjoint query rows from one task, with support-standardized targets. */
export function sampleEpisode(
  task: TaskData,
  supportSize: number,
  querySize: number,
  rng: Rng,
  transform: TargetTransform = 'zscore',
): Episode {
  const n = task.set.size;
  const k = Math.min(supportSize, n - 1);
  const q = Math.min(querySize, n - k);
  const picked = rng.sampleIndices(n, k + q);
  const support = picked.slice(0, k);
  const query = picked.slice(k);
  const z = transformTargets(
    transform,
    task.targets,
    support.map((r) => task.targets[r]!),
  );
  return { support, query, z };
}

function pick(z: Float32Array, rows: readonly number[]): Float32Array {
  return Float32Array.from(rows, (r) => z[r]!);
}

async function innerLoop(
  model: ModelDef,
  phi: ParamStore,
  task: TaskData,
  rows: readonly number[],
  z: Float32Array,
  c: MetaConfig,
  rng: Rng,
): Promise<void> {
  const config: TrainConfig = {
    steps: c.innerSteps,
    lr: c.innerLr,
    weightDecay: 0,
    batchSize: Math.max(...c.supportSizes),
    loss: c.loss,
    optimizer: c.innerOptimizer,
    cosine: false,
    clip: 5,
    scope: c.innerScope,
  };
  const contextSteps = c.innerContextSteps ?? 0;
  if (contextSteps > 0) {
    const contextConfig: TrainConfig = {
      ...config,
      steps: contextSteps,
      lr: c.innerContextLr ?? c.innerLr,
      optimizer: 'adam',
      scope: 'context',
    };
    await train(model, phi, task.set, z, rows, contextConfig, rng.fork('context'));
  }
  if (c.innerSteps > 0) await train(model, phi, task.set, z, rows, config, rng);
}

function requireTasks(tasks: readonly TaskData[], what: string): void {
  if (tasks.length === 0) throw new NaskitError('invalid_argument', `${what}: no training settings`);
  for (const t of tasks) {
    if (t.set.size < 3)
      throw new NaskitError(
        'invalid_argument',
        `${what}: setting ${t.name} has ${t.set.size} architectures, need >= 3`,
      );
  }
}

export type MetaProgress = (iteration: number, loss: number) => void;

/** First-order MAML; returns the meta-learned initialization θ. */
export async function metaTrainMaml(
  model: ModelDef,
  tasks: readonly TaskData[],
  c: MetaConfig,
  rng: Rng,
  onProgress?: MetaProgress,
  init?: ParamStore,
): Promise<ParamStore> {
  checkMetaConfig(c);
  requireTasks(tasks, 'MAML');
  const theta = init ? init.clone() : initParams(model, tasks[0]!.set, rng.fork('init'));
  const outer = makeOptimizer({ kind: 'adam' });
  for (let it = 0; it < c.iterations; it++) {
    const sum = new Map<string, Float32Array>();
    let lossSum = 0;
    for (let m = 0; m < c.tasksPerIteration; m++) {
      const r = rng.fork(`it${it}/task${m}`);
      const task = r.pick(tasks);
      const ep = sampleEpisode(task, r.pick(c.supportSizes), c.querySize, r, c.targets);
      const phi = theta.clone();
      await innerLoop(model, phi, task, ep.support, ep.z, c, r);
      const { loss, grads } = await lossAndGrads(
        model,
        phi,
        task.set,
        ep.query,
        pick(ep.z, ep.query),
        c.loss,
      );
      // CAVIA: the context is per task (it starts from θ's zeros every time); θ learns everything else.
      if (c.innerScope === 'context')
        for (const name of [...grads.keys()]) if (isContextParam(name)) grads.delete(name);
      lossSum += loss;
      for (const [name, g] of grads) {
        const acc = sum.get(name);
        if (acc) for (let i = 0; i < g.length; i++) acc[i]! += g[i]!;
        else sum.set(name, g.slice());
      }
    }
    for (const g of sum.values()) for (let i = 0; i < g.length; i++) g[i]! /= c.tasksPerIteration;
    clipGradNorm(sum, 5);
    // Cosine decay of the outer rate: conflicting tasks make late updates noisy, and the final θ is used.
    outer.step(theta, sum, (c.outerLr * (1 + Math.cos((Math.PI * it) / c.iterations))) / 2);
    onProgress?.(it, lossSum / c.tasksPerIteration);
  }
  return theta;
}

/** Reptile; returns the meta-learned initialization θ. */
export async function metaTrainReptile(
  model: ModelDef,
  tasks: readonly TaskData[],
  c: MetaConfig,
  rng: Rng,
  onProgress?: MetaProgress,
  init?: ParamStore,
): Promise<ParamStore> {
  checkMetaConfig(c);
  requireTasks(tasks, 'Reptile');
  const theta = init ? init.clone() : initParams(model, tasks[0]!.set, rng.fork('init'));
  const names = theta.trainableNames();
  for (let it = 0; it < c.iterations; it++) {
    const delta = new Map(names.map((n) => [n, new Float32Array(theta.get(n).length)]));
    for (let m = 0; m < c.tasksPerIteration; m++) {
      const r = rng.fork(`it${it}/task${m}`);
      const task = r.pick(tasks);
      const ep = sampleEpisode(task, r.pick(c.supportSizes), c.querySize, r, c.targets);
      const phi = theta.clone();
      await innerLoop(model, phi, task, [...ep.support, ...ep.query], ep.z, c, r);
      for (const n of names) {
        const d = delta.get(n)!;
        const p = phi.get(n);
        const t = theta.get(n);
        for (let i = 0; i < d.length; i++) d[i]! += p[i]! - t[i]!;
      }
    }
    // Linearly annealed step size, as in Nichol et al. (2018).
    const eps = (c.outerLr * (1 - it / c.iterations)) / c.tasksPerIteration;
    for (const n of names) {
      const t = theta.get(n);
      const d = delta.get(n)!;
      for (let i = 0; i < t.length; i++) t[i]! += eps * d[i]!;
    }
    onProgress?.(it, Number.NaN);
  }
  return theta;
}

export interface PretrainConfig extends Omit<TrainConfig, 'steps'> {
  targets?: TargetTransform;
  /**
   * Give every training setting its own task-context vector, learned jointly with the shared weights
   * (needs a model with a context); the returned θ holds the mean context, the starting point from
   * which a new setting's context is inferred. False: one pooled model that ignores task identity.
   */
  taskContexts?: boolean;
}

/**
 * Pooled (multi-task) pre-training: every step trains on one batch from one training setting drawn
 * uniformly, with targets normalized per setting over the whole table.
 */
export async function pretrainPooled(
  model: ModelDef,
  tasks: readonly TaskData[],
  steps: number,
  config: PretrainConfig,
  rng: Rng,
): Promise<ParamStore> {
  return (await pretrainMultiTask(model, tasks, steps, config, rng)).params;
}

export interface PretrainResult {
  params: ParamStore;
  /** The learned context of every training setting (empty vectors without task contexts). */
  contexts: Float32Array[];
}

/** pretrainPooled, also returning the per-setting contexts. */
export async function pretrainMultiTask(
  model: ModelDef,
  tasks: readonly TaskData[],
  steps: number,
  config: PretrainConfig,
  rng: Rng,
): Promise<PretrainResult> {
  requireTasks(tasks, 'pooled pre-training');
  const theta = initParams(model, tasks[0]!.set, rng.fork('init'));
  const contextName = theta.trainableNames().find(isContextParam);
  if (config.taskContexts && !contextName) {
    throw new NaskitError(
      'invalid_config',
      `pre-training with task contexts needs a model with a context vector (${model.signature} has none)`,
    );
  }
  const zs = tasks.map((t) => transformTargets(config.targets ?? 'zscore', t.targets, t.targets));
  const optimizer = makeOptimizer({
    kind: config.optimizer === 'sgd' ? 'sgd' : 'adamw',
    weightDecay: config.weightDecay,
  });
  const contexts = tasks.map(() => new Float32Array(contextName ? theta.get(contextName).length : 0));
  // Each context gets its own AdamW (decay keeps the codes near the origin the inference starts from).
  const contextOptimizers = tasks.map(() => makeOptimizer({ kind: 'adamw', weightDecay: 1e-2 }));
  for (let s = 0; s < steps; s++) {
    const r = rng.fork(`step${s}`);
    const k = r.int(tasks.length);
    const task = tasks[k]!;
    const rows = r.sampleIndices(task.set.size, Math.min(config.batchSize, task.set.size));
    const lr = config.cosine ? (config.lr * (1 + Math.cos((Math.PI * s) / steps))) / 2 : config.lr;
    if (config.taskContexts) theta.get(contextName!).set(contexts[k]!);
    const y = Float32Array.from(rows, (row) => zs[k]![row]!);
    const { grads } = await lossAndGrads(model, theta, task.set, rows, y, config.loss);
    if (config.clip > 0) clipGradNorm(grads, config.clip);
    if (config.taskContexts) {
      const g = grads.get(contextName!)!;
      grads.delete(contextName!);
      const code = contexts[k]!;
      contextOptimizers[k]!.step({ get: () => code, decays: () => true }, new Map([[contextName!, g]]), lr);
    }
    optimizer.step(theta, grads, lr);
  }
  if (config.taskContexts) {
    const mean = theta.get(contextName!);
    mean.fill(0);
    for (const c of contexts) for (let i = 0; i < c.length; i++) mean[i]! += c[i]! / contexts.length;
  }
  return { params: theta, contexts };
}

/** Adapt a copy of `init` to a support set (rows of `set` with raw targets); returns the new parameters. */
export async function adapt(
  model: ModelDef,
  init: ParamStore,
  set: EncodedSet,
  support: readonly number[],
  targets: ArrayLike<number>,
  c: AdaptConfig,
  rng: Rng,
): Promise<ParamStore> {
  return (await adaptSnapshots(model, init, set, support, targets, c, [c.steps], rng))[0]!;
}

/**
 * `adapt` stopped after each of `stepCounts` weight steps (any order; 0 = after context inference
 * only): one run of max(stepCounts) steps, copied at each count. The rate is constant and every step
 * uses the whole support, so the copy after s steps equals `adapt` with `steps: s`.
 */
export async function adaptSnapshots(
  model: ModelDef,
  init: ParamStore,
  set: EncodedSet,
  support: readonly number[],
  targets: ArrayLike<number>,
  c: AdaptConfig,
  stepCounts: readonly number[],
  rng: Rng,
): Promise<ParamStore[]> {
  for (const s of stepCounts) {
    if (!Number.isInteger(s) || s < 0)
      throw new NaskitError('invalid_config', `adaptation steps must be integers >= 0, got ${s}`);
  }
  const phi = init.clone();
  const contextSteps = c.contextSteps ?? 0;
  const last = Math.max(0, ...stepCounts);
  if (support.length === 0 || last + contextSteps === 0) return stepCounts.map(() => phi.clone());
  const z = supportTargets(c.targets ?? 'zscore', targets, support, set.size);
  if (c.contextBank && c.contextBank.length > 0)
    await startFromNearestContext(model, phi, set, support, pickRows(z, support), c);
  const base: TrainConfig = {
    steps: c.steps,
    lr: c.lr,
    weightDecay: c.weightDecay,
    batchSize: support.length,
    loss: c.loss,
    optimizer: c.optimizer,
    cosine: false,
    clip: 5,
    scope: c.scope,
  };
  if (contextSteps > 0) {
    const contextConfig: TrainConfig = {
      ...base,
      steps: contextSteps,
      lr: c.contextLr ?? c.lr,
      weightDecay: 0,
      optimizer: c.contextOptimizer ?? 'sgd',
      scope: 'context',
    };
    await train(model, phi, set, z, support, contextConfig, rng.fork('context'));
  }
  const optimizer = makeTrainOptimizer(base);
  const copies = new Map<number, ParamStore>();
  let done = 0;
  for (const target of [...new Set(stepCounts)].sort((a, b) => a - b)) {
    if (target > done) {
      await train(model, phi, set, z, support, { ...base, steps: target - done }, rng, optimizer);
      done = target;
    }
    copies.set(target, phi.clone());
  }
  return stepCounts.map((s) => copies.get(s)!);
}

function pickRows(z: Float32Array, rows: readonly number[]): Float32Array {
  return Float32Array.from(rows, (r) => z[r]!);
}

async function startFromNearestContext(
  model: ModelDef,
  phi: ParamStore,
  set: EncodedSet,
  support: readonly number[],
  y: Float32Array,
  c: AdaptConfig,
): Promise<void> {
  const name = phi.trainableNames().find(isContextParam);
  if (!name) {
    throw new NaskitError(
      'invalid_config',
      `adaptation with a context bank needs a model with a context vector (${model.signature} has none)`,
    );
  }
  const context = phi.get(name);
  let best = context.slice();
  let bestLoss = (await lossAndGrads(model, phi, set, support, y, c.loss, 'context')).loss;
  for (const candidate of c.contextBank!) {
    context.set(candidate);
    const { loss } = await lossAndGrads(model, phi, set, support, y, c.loss, 'context');
    if (loss < bestLoss) {
      bestLoss = loss;
      best = candidate.slice();
    }
  }
  context.set(best);
}

/** Targets of the support rows, normalized by the support itself, in an array indexed like the set. */
export function supportTargets(
  transform: TargetTransform,
  targets: ArrayLike<number>,
  support: readonly number[],
  size: number,
): Float32Array {
  const values = support.map((r) => targets[r]!);
  const normalized = transformTargets(transform, values, values);
  const z = new Float32Array(size);
  support.forEach((r, i) => {
    z[r] = normalized[i]!;
  });
  return z;
}
