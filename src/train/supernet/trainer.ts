/**
 * The supernet trainer shared by the weight-sharing searches.
 * - `mixed` (DARTS): each step first takes an α step (Adam) on a validation batch — first order: the
 *   gradient of the validation loss at the current weights — then a weight step (SGD) on a training
 *   batch. α and weights have their own optimizers and programs (each program differentiates only what
 *   its optimizer steps).
 * - `single-path` (SPOS / GeNAS): each step draws one path from the sampler and trains only its ops;
 *   parameters off the path are not stepped (no momentum, no weight decay), as PyTorch skips
 *   parameters without a gradient. With `sampling: 'fair'` (FairNAS' strict fairness) a step draws
 *   as many paths as there are ops, each edge taking every op exactly once across them (a random
 *   permutation per edge), sums their gradients on the same batch and takes one update: every op is
 *   trained at every step.
 * Weights: SGD (momentum, optional Nesterov, weight decay), gradient-norm clipping, a per-epoch cosine
 * schedule from `lr` to `lrMin` (epoch e uses the value at e; DARTS' code steps its scheduler before
 * the epoch and so starts one value later).
 *
 * Every random choice is forked from the seed by epoch (data order, augmentation, validation batches,
 * paths), so training resumed from an epoch-end checkpoint continues exactly as an uninterrupted run.
 * The checkpoint (one safetensors file, written atomically) holds weights, α, BN statistics, both
 * optimizers' states and the per-epoch records; the weights at initialization are kept beside it
 * (GeNAS' angle score needs them).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BatchLoader, type Batch } from '../../data/batches.js';
import type { ImageDataset } from '../../data/dataset.js';
import type { Normalization } from '../../data/normalize.js';
import { buildEvalGraph } from '../../runtime/train-program.js';
import { loadCheckpoint, restoreParams, saveCheckpoint } from '../../runtime/checkpoint.js';
import {
  Adam,
  type Optimizer,
  type OptimizerState,
  Sgd,
  clipGradNorm,
  optimizerFromState,
} from '../../runtime/optim.js';
import { ALPHA_INIT_STD } from '../../spaces/mixed-op.js';
import { ParamStore } from '../../runtime/params.js';
import { makeSchedule, type Schedule } from '../../runtime/schedule.js';
import type { AnySpace } from '../../spaces/space.js';
import type { Supernet, SupernetConfig, SupernetMode } from '../../spaces/network-config.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { type Path, type SupernetPrograms, isAlpha, supernetPrograms } from './programs.js';
import { OverlayParams, measure } from './subnet-eval.js';

export interface SupernetHyper {
  epochs: number;
  batchSize: number;
  /** Weights: SGD peak rate, cosine to `lrMin` over the epochs. */
  lr: number;
  lrMin: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** Global gradient-norm clip of the weight gradients (0 = off). */
  gradClip: number;
  /** α (mixed mode): Adam. */
  alphaLr: number;
  alphaBeta1: number;
  alphaBeta2: number;
  alphaWeightDecay: number;
}

/** DARTS' search settings (spec §3), which SPOS/GeNAS share for the weights. */
export const DEFAULT_HYPER: SupernetHyper = {
  epochs: 50,
  batchSize: 64,
  lr: 0.025,
  lrMin: 0.001,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 3e-4,
  gradClip: 5,
  alphaLr: 3e-4,
  alphaBeta1: 0.5,
  alphaBeta2: 0.999,
  alphaWeightDecay: 1e-3,
};

export interface SupernetData {
  /** Images the weights are trained on. */
  train: ImageDataset;
  /** Images the α steps (mixed) and evaluations use. */
  valid: ImageDataset;
  normalization: Normalization;
  /** Random crop with this padding + horizontal flip on training and α batches (CIFAR: 4). */
  cropFlipPadding?: number;
}

/** Draws a single-path step's path. */
export type PathSampler = (rng: Rng) => number[];

/** How a single-path step chooses its paths: one uniform path, or FairNAS' group of ops-many paths. */
export type PathSampling = 'uniform' | 'fair';

/**
 * FairNAS' strict-fairness group: `ops` paths over `edges` edges where edge e takes op perm_e[j] in
 * path j, perm_e a uniform random permutation of 0..ops−1.
 */
export function fairPaths(edges: number, ops: number, rng: Rng): number[][] {
  const perms = Array.from({ length: edges }, () => rng.shuffle(Array.from({ length: ops }, (_, i) => i)));
  return Array.from({ length: ops }, (_, j) => perms.map((perm) => perm[j]!));
}

export interface EpochRecord {
  epoch: number;
  lr: number;
  train_loss: number;
  /** Percent. */
  train_accuracy: number;
  /** Mixed mode: mean over the α steps' validation batches (before each α update). */
  valid_loss?: number;
  valid_accuracy?: number;
  seconds: number;
  /** Mixed mode: softmax(α) per edge row, by α name. */
  alpha?: Record<string, number[][]>;
  /** Mixed mode: the architecture α derives, in the space's canonical string. */
  derived?: string;
}

export interface StepInfo {
  epoch: number;
  /** Step within the epoch, from 1. */
  step: number;
  steps: number;
  loss: number;
}

export interface SupernetTrainerOptions {
  space: AnySpace;
  supernet: Omit<SupernetConfig, 'mode'>;
  mode: SupernetMode;
  hyper: SupernetHyper;
  data: SupernetData;
  seed: number;
  threads?: number;
  /** Single-path: the path of each step (default: the path of `archSampler`'s architecture). */
  sampler?: PathSampler;
  /** Single-path: the architecture of each step (default: the space's uniform sampler). */
  archSampler?: (rng: Rng) => unknown;
  /** Single-path: one path per step (default) or FairNAS' fair group (nb201: every edge takes every op). */
  sampling?: PathSampling;
  /** Fair sampling inside an edge subspace (few-shot): every path of a group takes `op` on edge `edge`. */
  fixedEdge?: { edge: number; op: string };
  /** Where `checkpoint.safetensors` and `init.safetensors` live; resumes from it when present. */
  checkpointDir?: string;
  /**
   * Start from trained weights instead of a fresh initialization (a few-shot sub-supernet from its
   * parent): `weights` are loaded before the first epoch and `initial` is kept as the weights at
   * initialization (the parent's, so the angle measures the whole training). A resumed checkpoint
   * replaces the weights as usual.
   */
  start?: { weights: ParamStore; initial: ParamStore };
  /**
   * What must match for a checkpoint to be resumed (space, supernet config, data, hyperparameters);
   * recorded in the checkpoint. A mismatch is refused, naming the first difference.
   */
  identity?: Record<string, unknown>;
  /** Batch of the evaluation and BN-statistics programs. */
  evalBatch?: number;
  /** Batch of the evaluation program alone (default evalBatch); see ProgramSetOptions. */
  measureBatch?: number;
  /** Compile one program per path even when the space can feed the path (for comparisons). */
  noFedPath?: boolean;
  /** Mixed: DARTS' first-order (1) or second-order (2, finite-difference Hessian-vector product) α step. */
  order?: 1 | 2;
  /** Mixed: α is drawn from N(0, alphaScale²) (DARTS: 1e-3). */
  alphaScale?: number;
  /** Programs of the same supernet to share (several starts of one search); not released by this trainer. */
  programs?: SupernetPrograms;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
}

export interface TrainerSnapshot {
  params: ParamStore;
  weights: OptimizerState;
  alpha: OptimizerState;
  epoch: number;
  records: number;
}

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const INIT_FILE = 'init.safetensors';
const FORMAT = 'naskit-supernet/1';

export class SupernetTrainer {
  readonly supernet: Supernet;
  readonly params: ParamStore;
  readonly programs: SupernetPrograms;
  readonly records: EpochRecord[] = [];
  /** Epochs completed (and checkpointed). */
  epoch = 0;
  private readonly weights: Optimizer;
  private alphaOpt: Optimizer;
  private readonly schedule: Schedule;
  private readonly rng: Rng;
  private readonly trainLoader: BatchLoader;
  private readonly validLoader: BatchLoader;
  private readonly sampler: PathSampler;
  /** Fair sampling in an edge subspace: the pinned edge and op index. */
  private readonly fixedEdge: { edge: number; op: number } | null = null;
  private readonly activeCache = new Map<string, ReadonlySet<string>>();
  private readonly ownsPrograms: boolean;

  constructor(readonly options: SupernetTrainerOptions) {
    const { space, hyper, data, mode } = options;
    if (!space.supernet) {
      throw new NaskitError('invalid_argument', `space '${space.name}' has no supernet; use nb201 or darts`);
    }
    if (mode !== 'mixed' && mode !== 'single-path') {
      throw new NaskitError(
        'invalid_argument',
        `unknown supernet mode '${String(mode)}'; use mixed or single-path`,
      );
    }
    checkHyper(hyper);
    this.supernet = space.supernet({ ...options.supernet, mode });
    this.rng = new Rng(options.seed);
    // All weights of the supernet: the mixed build declares every op of every edge (and α).
    const full = mode === 'mixed' ? this.supernet : space.supernet({ ...options.supernet, mode: 'mixed' });
    const all = ParamStore.fromGraph(buildEvalGraph(full, 1).graph, this.rng.fork('init'));
    const scale = options.alphaScale ?? ALPHA_INIT_STD;
    if (!(scale > 0)) throw new NaskitError('invalid_argument', `alphaScale must be > 0, got ${scale}`);
    for (const n of all.names()) {
      if (isAlpha(n) && scale !== ALPHA_INIT_STD)
        all.set(
          n,
          all.get(n).map((v) => (v * scale) / ALPHA_INIT_STD),
        );
    }
    // α is not trained in single-path mode; keep the store to the shared weights.
    this.params = new ParamStore();
    for (const n of all.names())
      if (mode === 'mixed' || !isAlpha(n)) this.params.add(n, all.get(n), all.info(n));
    if (options.start) restoreParams(this.params, options.start.weights);
    for (const [what, set] of [
      ['training', data.train],
      ['validation', data.valid],
    ] as const) {
      if (set.n < hyper.batchSize) {
        throw new NaskitError(
          'invalid_argument',
          `the ${what} split has ${set.n} images, fewer than one batch of ${hyper.batchSize}; use more images or a smaller batch`,
        );
      }
    }
    const crop = data.cropFlipPadding !== undefined ? { cropFlipPadding: data.cropFlipPadding } : {};
    this.trainLoader = new BatchLoader(data.train, {
      batchSize: hyper.batchSize,
      normalization: data.normalization,
      shuffle: true,
      dropLast: true,
      rng: this.rng.fork('train-batches'),
      ...crop,
    });
    this.validLoader = new BatchLoader(data.valid, {
      batchSize: hyper.batchSize,
      normalization: data.normalization,
      shuffle: true,
      dropLast: true,
      rng: this.rng.fork('valid-batches'),
      ...crop,
    });
    this.weights = new Sgd({
      momentum: hyper.momentum,
      nesterov: hyper.nesterov,
      weightDecay: hyper.weightDecay,
    });
    this.alphaOpt = new Adam({
      beta1: hyper.alphaBeta1,
      beta2: hyper.alphaBeta2,
      weightDecay: hyper.alphaWeightDecay,
    });
    this.schedule = makeSchedule({ kind: 'cosine', lr: hyper.lr, etaMin: hyper.lrMin, total: hyper.epochs });
    const archSampler = options.archSampler ?? ((rng: Rng) => space.sample(rng));
    this.sampler = options.sampler ?? ((rng) => this.supernet.pathOf(archSampler(rng)));
    const sampling = options.sampling ?? 'uniform';
    if (sampling !== 'uniform' && sampling !== 'fair') {
      throw new NaskitError(
        'invalid_argument',
        `unknown path sampling '${String(sampling)}'; use uniform or fair`,
      );
    }
    if (
      sampling === 'fair' &&
      (mode !== 'single-path' || !this.supernet.independentEdges || options.sampler || options.archSampler)
    ) {
      throw new NaskitError(
        'invalid_argument',
        `fair path sampling needs single-path mode on nb201 (a space whose every edge chooses among all ops independently) and no custom sampler; got mode ${mode} on ${space.name}`,
      );
    }
    if (options.fixedEdge) {
      const { edge, op } = options.fixedEdge;
      const index = this.supernet.ops.indexOf(op);
      if (sampling !== 'fair' || index < 0 || !(edge >= 0 && edge < this.supernet.edges.length)) {
        throw new NaskitError(
          'invalid_argument',
          `a pinned edge needs fair sampling, an edge of 0..${this.supernet.edges.length - 1} and an op of ${this.supernet.ops.join(', ')}; got edge ${edge}, op '${op}', sampling ${sampling}`,
        );
      }
      this.fixedEdge = { edge, op: index };
    }
    this.ownsPrograms = !options.programs;
    this.programs =
      options.programs ??
      supernetPrograms(
        this.supernet,
        {
          batch: hyper.batchSize,
          evalBatch: options.evalBatch ?? 100,
          ...(options.measureBatch ? { measureBatch: options.measureBatch } : {}),
          ...(options.threads ? { threads: options.threads } : {}),
        },
        !options.noFedPath,
      );
  }

  get mode(): SupernetMode {
    return this.supernet.mode;
  }

  get stepsPerEpoch(): number {
    return this.trainLoader.batchesPerEpoch;
  }

  /** Resume from the checkpoint in `checkpointDir` if there is one; otherwise keep the initial weights. */
  resume(): boolean {
    const dir = this.options.checkpointDir;
    if (!dir) return false;
    const path = join(dir, CHECKPOINT_FILE);
    if (!existsSync(path)) {
      mkdirSync(dir, { recursive: true });
      saveCheckpoint(join(dir, INIT_FILE), {
        params: this.options.start?.initial ?? this.params,
        metadata: this.metadata(),
      });
      return false;
    }
    const loaded = loadCheckpoint(path);
    const meta = loaded.metadata;
    if (meta.format !== FORMAT) {
      throw new NaskitError(
        'data_corrupt',
        `${path} is not a supernet checkpoint (format ${JSON.stringify(meta.format)})`,
      );
    }
    const mismatch = firstDifference(meta.identity, this.identity());
    if (mismatch) {
      throw new NaskitError(
        'invalid_argument',
        `${path} was written by a different supernet training (${mismatch}); use the same settings to resume, or another output folder`,
      );
    }
    try {
      restoreParams(this.params, loaded.params);
    } catch (err) {
      throw new NaskitError(
        'shape_mismatch',
        `${path} does not fit ${this.supernet.name}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (!loaded.optimizer) throw new NaskitError('data_corrupt', `${path} has no weight-optimizer state`);
    this.weights.importState(loaded.optimizer);
    const alpha = loaded.optimizers.alpha;
    if (alpha) this.alphaOpt = optimizerFromState(alpha);
    this.epoch = Number(meta.epoch);
    this.records.splice(0, this.records.length, ...((meta.records as EpochRecord[]) ?? []));
    return true;
  }

  identity(): Record<string, unknown> {
    // Through JSON, as the checkpoint holds it (undefined fields dropped).
    return JSON.parse(
      JSON.stringify({
        space: this.options.space.name,
        supernet: this.supernet.name,
        config: this.options.supernet,
        hyper: this.options.hyper,
        seed: this.options.seed,
        // Only when not the default, so checkpoints written before fair sampling existed still resume.
        ...(this.options.sampling === 'fair' ? { sampling: 'fair' } : {}),
        ...(this.options.identity ?? {}),
      }),
    ) as Record<string, unknown>;
  }

  private metadata(): Record<string, unknown> {
    return { format: FORMAT, identity: this.identity(), epoch: this.epoch, records: this.records };
  }

  /** Train the remaining epochs, checkpointing after each; returns the per-epoch records. */
  async train(): Promise<EpochRecord[]> {
    await this.trainTo(this.options.hyper.epochs);
    return this.records;
  }

  /** Train up to epoch `end` (exclusive), checkpointing after each (successive halving's rungs). */
  async trainTo(end: number): Promise<void> {
    for (let e = this.epoch; e < Math.min(end, this.options.hyper.epochs); e++) {
      const record = await this.runEpoch(e);
      this.records.push(record);
      this.epoch = e + 1;
      this.checkpoint();
      await this.options.onEpoch?.(record);
    }
  }

  /** The validation batches of epoch `e`: shuffled passes over the validation split, cycled. */
  private *validBatches(e: number): Generator<Batch> {
    for (let pass = 0; ; pass++) yield* this.validLoader.epoch(e * 1000 + pass);
  }

  async runEpoch(e: number): Promise<EpochRecord> {
    const started = performance.now();
    const lr = this.schedule(e);
    const pathRng = this.rng.fork(`paths/${e}`);
    const valid = this.mode === 'mixed' ? this.validBatches(e) : null;
    let loss = 0;
    let correct = 0;
    let seen = 0;
    let vLoss = 0;
    let vCorrect = 0;
    let vSeen = 0;
    let k = 0;
    const steps = this.stepsPerEpoch;
    for (const batch of this.trainLoader.epoch(e)) {
      if (valid) {
        const v = await this.alphaStep(valid.next().value as Batch, batch, lr);
        vLoss += v.loss * v.n;
        vCorrect += v.correct;
        vSeen += v.n;
      }
      const r =
        this.options.sampling === 'fair'
          ? await this.weightStepGroup(batch, this.fairGroup(pathRng), lr)
          : await this.weightStep(batch, this.mode === 'single-path' ? this.sampler(pathRng) : null, lr);
      loss += r.loss * batch.size;
      correct += r.correct;
      seen += batch.size;
      this.options.onStep?.({ epoch: e, step: ++k, steps, loss: r.loss });
    }
    const record: EpochRecord = {
      epoch: e,
      lr,
      train_loss: loss / seen,
      train_accuracy: (100 * correct) / seen,
      seconds: (performance.now() - started) / 1000,
    };
    if (this.mode === 'mixed') {
      record.valid_loss = vLoss / vSeen;
      record.valid_accuracy = (100 * vCorrect) / vSeen;
      record.alpha = this.alphaSoftmax();
      record.derived = this.options.space.format(this.derive());
    }
    return record;
  }

  /**
   * One α step (Adam) on a validation batch; returns that batch's loss before the update. Second
   * order needs the training batch and the current weight learning rate (DARTS' unrolled step).
   */
  async alphaStep(
    batch: Batch,
    train?: Batch,
    lr = this.options.hyper.lr,
  ): Promise<{ loss: number; correct: number; n: number }> {
    if ((this.options.order ?? 1) === 2) {
      if (!train) throw new NaskitError('invalid_argument', 'a second-order α step needs the training batch');
      const r = await this.secondOrderGrads(batch, train, lr);
      this.alphaOpt.step(this.params, r.grads, this.options.hyper.alphaLr);
      return { loss: r.loss, correct: r.correct, n: batch.size };
    }
    const step = await this.programs.alpha();
    const r = await step.run(this.params, batch.input, batch.labels);
    this.alphaOpt.step(this.params, r.grads, this.options.hyper.alphaLr);
    return { loss: r.loss, correct: r.correct, n: batch.size };
  }

  /**
   * DARTS' second-order α gradient (architect.py): the unrolled weights w' = w − ξ(μ·buf + ∇w L_tr + wd·w)
   * with ξ the current weight rate; dα = ∇α L_val(w', α) − ξ·[∇α L_tr(w⁺) − ∇α L_tr(w⁻)]/(2ε), where
   * w± = w ± ε·v, v = ∇w' L_val(w', α) and ε = 0.01/‖v‖. The auxiliary passes work on copies: their BN
   * statistics do not reach the supernet (DARTS' unrolled model has its own; its two HVP passes update
   * the real model's, which naskit leaves out).
   */
  async secondOrderGrads(
    valid: Batch,
    train: Batch,
    xi: number,
  ): Promise<{ loss: number; correct: number; grads: Map<string, Float32Array> }> {
    const h = this.options.hyper;
    const scratch = new OverlayParams(this.params);
    const weightsStep = (await this.programs.train(null)).program;
    const alphaStep = await this.programs.alpha();
    const full = await this.programs.full();
    const gTrain = (await weightsStep.run(scratch, train.input, train.labels)).grads;
    const momentum = this.weights.exportState().slots;
    const unrolled = new OverlayParams(this.params);
    for (const [name, g] of gTrain) {
      const w = this.params.get(name);
      const buf = momentum.get(`momentum/${name}`);
      const wd = this.params.decays(name) ? h.weightDecay : 0;
      unrolled.set(
        name,
        w.map((v, i) => v - xi * ((buf ? h.momentum * buf[i]! : 0) + g[i]! + wd * v)),
      );
    }
    const atUnrolled = await full.run(unrolled, valid.input, valid.labels);
    let norm = 0;
    for (const [name, g] of atUnrolled.grads) if (!isAlpha(name)) for (const v of g) norm += v * v;
    const eps = 0.01 / Math.sqrt(norm);
    const shifted = async (sign: number): Promise<Map<string, Float32Array>> => {
      const w = new OverlayParams(this.params);
      for (const [name, g] of atUnrolled.grads) {
        if (isAlpha(name)) continue;
        const base = this.params.get(name);
        w.set(
          name,
          base.map((v, i) => v + sign * eps * g[i]!),
        );
      }
      return (await alphaStep.run(w, train.input, train.labels)).grads;
    };
    const plus = await shifted(1);
    const minus = await shifted(-1);
    const grads = new Map<string, Float32Array>();
    for (const a of this.supernet.alphas) {
      const direct = atUnrolled.grads.get(a.name)!;
      const p = plus.get(a.name)!;
      const m = minus.get(a.name)!;
      grads.set(
        a.name,
        direct.map((v, i) => v - (xi * (p[i]! - m[i]!)) / (2 * eps)),
      );
    }
    return { loss: atUnrolled.loss, correct: atUnrolled.correct, grads };
  }

  /** J: mean cross-entropy of the relaxed (mixed) supernet on `images`, eval mode (DARTS' upper objective). */
  async validationLoss(
    images: ImageDataset,
  ): Promise<{ loss: number; accuracy: number; losses: Float64Array }> {
    const s = await measure(this.programs, this.params, null, {
      valid: images,
      normalization: this.options.data.normalization,
    });
    return { loss: s.loss, accuracy: s.accuracy, losses: s.losses };
  }

  /** One weight step (SGD) on a training batch, on `path` in single-path mode. */
  async weightStep(batch: Batch, path: Path | null, lr: number): Promise<{ loss: number; correct: number }> {
    const r = await this.pathGrads(batch, path);
    if (this.options.hyper.gradClip > 0) clipGradNorm(r.grads, this.options.hyper.gradClip);
    this.weights.step(this.params, r.grads, lr);
    return { loss: r.loss, correct: r.correct };
  }

  /** Loss and weight gradients of one path (null: the mixed supernet), restricted to the path's own parameters. */
  private async pathGrads(
    batch: Batch,
    path: Path | null,
  ): Promise<{ loss: number; correct: number; grads: Map<string, Float32Array> }> {
    const { program, feeds } = await this.programs.train(path);
    const r = await program.run(this.params, batch.input, batch.labels, feeds);
    let grads = r.grads;
    if (path && this.programs.fedPath) {
      const active = this.activeParams(path);
      grads = new Map([...grads].filter(([n]) => active.has(n)));
    }
    return { loss: r.loss, correct: r.correct, grads };
  }

  /** A fair group of paths (see fairPaths) for this supernet's edges and ops. */
  fairGroup(rng: Rng): number[][] {
    const paths = fairPaths(this.supernet.edges.length, this.supernet.ops.length, rng);
    const fixed = this.fixedEdge;
    if (fixed) for (const p of paths) p[fixed.edge] = fixed.op;
    return paths;
  }

  /**
   * One update from several paths on the same batch (FairNAS): each path's gradients of its own
   * parameters are summed, the sum clipped, one SGD step. Loss and correct count are the paths' means.
   */
  async weightStepGroup(
    batch: Batch,
    paths: readonly Path[],
    lr: number,
  ): Promise<{ loss: number; correct: number }> {
    const sum = new Map<string, Float32Array>();
    let loss = 0;
    let correct = 0;
    for (const path of paths) {
      const r = await this.pathGrads(batch, path);
      for (const [name, g] of r.grads) {
        const acc = sum.get(name);
        if (acc) for (let i = 0; i < g.length; i++) acc[i]! += g[i]!;
        else sum.set(name, Float32Array.from(g));
      }
      loss += r.loss / paths.length;
      correct += r.correct / paths.length;
    }
    if (this.options.hyper.gradClip > 0) clipGradNorm(sum, this.options.hyper.gradClip);
    this.weights.step(this.params, sum, lr);
    return { loss, correct };
  }

  /** Trainable parameters a path uses (its own network's), cached by path. */
  activeParams(path: Path): ReadonlySet<string> {
    const key = path.join(',');
    let set = this.activeCache.get(key);
    if (!set) {
      const graph = buildEvalGraph(this.supernet.withPath(path), 1).graph;
      set = new Set(graph.trainableParams().map((p) => p.name));
      if (this.activeCache.size >= 4096) this.activeCache.clear();
      this.activeCache.set(key, set);
    }
    return set;
  }

  /** Drop the cached parameter sets of paths (a bench timing steps as training meets them: each path new). */
  forgetPaths(): void {
    this.activeCache.clear();
  }

  /** softmax(α) per row, by α name (mixed mode). */
  alphaSoftmax(): Record<string, number[][]> {
    const out: Record<string, number[][]> = {};
    for (const a of this.supernet.alphas) {
      const values = this.params.get(a.name);
      const cols = this.supernet.ops.length;
      out[a.name] = a.edges.map((_, r) => {
        const row = Array.from(values.subarray(r * cols, (r + 1) * cols));
        const max = Math.max(...row);
        const exps = row.map((v) => Math.exp(v - max));
        const sum = exps.reduce((s, v) => s + v, 0);
        return exps.map((v) => v / sum);
      });
    }
    return out;
  }

  /** The architecture the current α selects (mixed mode). */
  derive(): unknown {
    return this.supernet.derive((name) => this.params.get(name));
  }

  /** A uniform path from the sampler (for evaluations and benches). */
  samplePath(rng: Rng): number[] {
    return this.sampler(rng);
  }

  /** The training and validation loaders' batches of an epoch (benches, tests). */
  trainBatches(e: number): Generator<Batch> {
    return this.trainLoader.epoch(e);
  }

  validBatch(e: number): Batch {
    return this.validBatches(e).next().value as Batch;
  }

  async release(): Promise<void> {
    if (this.ownsPrograms) await this.programs.release();
  }

  /** Write the epoch-end checkpoint (train() does this after every epoch). */
  checkpoint(): void {
    if (!this.options.checkpointDir) return;
    saveCheckpoint(join(this.options.checkpointDir, CHECKPOINT_FILE), {
      params: this.params,
      optimizer: this.weights,
      optimizers: this.mode === 'mixed' ? { alpha: this.alphaOpt } : {},
      metadata: this.metadata(),
    });
  }

  /** Everything training changes, to go back to (basin hopping's reject). */
  snapshot(): TrainerSnapshot {
    return {
      params: this.params.clone(),
      weights: this.weights.exportState(),
      alpha: this.alphaOpt.exportState(),
      epoch: this.epoch,
      records: this.records.length,
    };
  }

  restore(s: TrainerSnapshot): void {
    this.params.copyFrom(s.params);
    this.weights.importState(s.weights);
    this.alphaOpt = optimizerFromState(s.alpha);
    this.epoch = s.epoch;
    this.records.splice(s.records);
  }

  /** Add N(0, std²) to every α entry (basin hopping's perturbation). */
  perturbAlpha(std: number, rng: Rng): void {
    for (const a of this.supernet.alphas)
      this.params.set(
        a.name,
        this.params.get(a.name).map((v) => v + rng.normal(0, std)),
      );
  }
}

function checkHyper(h: SupernetHyper): void {
  const positive = ['epochs', 'batchSize', 'lr', 'alphaLr'] as const;
  for (const key of positive) {
    if (!(h[key] > 0) || !Number.isFinite(h[key])) {
      throw new NaskitError('invalid_argument', `supernet training: ${key} must be > 0, got ${h[key]}`);
    }
  }
  for (const key of ['epochs', 'batchSize'] as const) {
    if (!Number.isInteger(h[key])) {
      throw new NaskitError(
        'invalid_argument',
        `supernet training: ${key} must be an integer, got ${h[key]}`,
      );
    }
  }
  const nonNegative = ['lrMin', 'momentum', 'weightDecay', 'gradClip', 'alphaWeightDecay'] as const;
  for (const key of nonNegative) {
    if (!(h[key] >= 0)) {
      throw new NaskitError('invalid_argument', `supernet training: ${key} must be >= 0, got ${h[key]}`);
    }
  }
  if (h.lrMin > h.lr) {
    throw new NaskitError('invalid_argument', `supernet training: lrMin ${h.lrMin} is above lr ${h.lr}`);
  }
}

/** The first path at which two JSON values differ, e.g. "hyper.epochs: 30 vs 50"; null when equal. */
export function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    return `${at || 'value'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  if (a && typeof a === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
      const d = firstDifference(ao[key], bo[key], at ? `${at}.${key}` : key);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${at || 'value'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}
