/**
 * Optimizers over named Float32Arrays, updated in place, with PyTorch's semantics exactly:
 * - SGD: the weight decay is added to the gradient before momentum; the momentum buffer starts as the
 *   first (decayed) gradient; Nesterov uses g + μ·buf.
 * - Adam: L2 decay added to the gradient; AdamW: decoupled decay p ← p·(1 − lr·wd) before the step.
 *   Both use bias correction and eps outside the square root, like torch.optim.Adam.
 * Only the parameters present in `grads` are stepped, and each keeps its own step count (as PyTorch
 * skips parameters without a gradient), which a weight-sharing supernet relies on.
 */
import { NaskitError } from '../util/errors.js';

/** What an optimizer needs from a parameter store (ParamStore implements it). */
export interface OptimTarget {
  get(name: string): Float32Array;
  /** Whether weight decay applies to this parameter. */
  decays(name: string): boolean;
}

export type Grads = ReadonlyMap<string, Float32Array>;

export interface SgdOptions {
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** Everything needed to resume an optimizer: hyperparameters, per-param step counts, state slots. */
export interface OptimizerState {
  kind: 'sgd' | 'adam' | 'adamw';
  hyper: Record<string, number | boolean>;
  /** Steps taken per parameter name. */
  steps: Record<string, number>;
  /** State tensors keyed `${slot}/${param}` (slot = momentum, exp_avg or exp_avg_sq). */
  slots: Map<string, Float32Array>;
}

export interface Optimizer {
  readonly kind: OptimizerState['kind'];
  step(params: OptimTarget, grads: Grads, lr: number): void;
  exportState(): OptimizerState;
  importState(state: OptimizerState): void;
}

export class Sgd implements Optimizer {
  readonly kind = 'sgd';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private buffers = new Map<string, Float32Array>();
  private steps = new Map<string, number>();

  constructor(options: SgdOptions = {}) {
    this.momentum = checkRange(options.momentum ?? 0, 'SGD momentum', 0, Infinity);
    this.dampening = checkRange(options.dampening ?? 0, 'SGD dampening', 0, 1);
    this.weightDecay = checkRange(options.weightDecay ?? 0, 'SGD weightDecay', 0, Infinity);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new NaskitError(
        'invalid_argument',
        `SGD: Nesterov momentum needs momentum > 0 and dampening 0 (got momentum ${this.momentum}, dampening ${this.dampening})`,
      );
    }
  }

  step(params: OptimTarget, grads: Grads, lr: number): void {
    checkLr(lr);
    const mu = this.momentum;
    const damp = 1 - this.dampening;
    for (const [name, g] of grads) {
      const p = params.get(name);
      checkGradLength(name, p, g);
      const wd = params.decays(name) ? this.weightDecay : 0;
      const count = (this.steps.get(name) ?? 0) + 1;
      this.steps.set(name, count);
      if (mu === 0) {
        for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * (g[i]! + wd * p[i]!);
        continue;
      }
      let buf = this.buffers.get(name);
      if (!buf) {
        buf = new Float32Array(p.length);
        for (let i = 0; i < p.length; i++) buf[i] = g[i]! + wd * p[i]!;
        this.buffers.set(name, buf);
        if (this.nesterov) {
          for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * (g[i]! + wd * p[i]! + mu * buf[i]!);
        } else {
          for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * buf[i]!;
        }
        continue;
      }
      for (let i = 0; i < p.length; i++) {
        const d = g[i]! + wd * p[i]!;
        const b = mu * buf[i]! + damp * d;
        buf[i] = b;
        p[i] = p[i]! - lr * (this.nesterov ? d + mu * b : b);
      }
    }
  }

  exportState(): OptimizerState {
    return {
      kind: 'sgd',
      hyper: {
        momentum: this.momentum,
        dampening: this.dampening,
        nesterov: this.nesterov,
        weightDecay: this.weightDecay,
      },
      steps: Object.fromEntries(this.steps),
      slots: new Map([...this.buffers].map(([n, b]) => [`momentum/${n}`, b.slice()])),
    };
  }

  importState(state: OptimizerState): void {
    checkKind(state, 'sgd');
    this.steps = new Map(Object.entries(state.steps));
    this.buffers = takeSlots(state, ['momentum']).get('momentum')!;
  }
}

export class Adam implements Optimizer {
  readonly kind: 'adam' | 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private expAvg = new Map<string, Float32Array>();
  private expAvgSq = new Map<string, Float32Array>();
  private steps = new Map<string, number>();

  /** `decoupled` selects AdamW (decay applied to the weights, not added to the gradient). */
  constructor(options: AdamOptions = {}, decoupled = false) {
    this.kind = decoupled ? 'adamw' : 'adam';
    const label = decoupled ? 'AdamW' : 'Adam';
    this.beta1 = checkRange(options.beta1 ?? 0.9, `${label} beta1`, 0, 1, true);
    this.beta2 = checkRange(options.beta2 ?? 0.999, `${label} beta2`, 0, 1, true);
    this.eps = checkRange(options.eps ?? 1e-8, `${label} eps`, 0, Infinity);
    this.weightDecay = checkRange(
      options.weightDecay ?? (decoupled ? 1e-2 : 0),
      `${label} weightDecay`,
      0,
      Infinity,
    );
  }

  step(params: OptimTarget, grads: Grads, lr: number): void {
    checkLr(lr);
    const { beta1, beta2, eps } = this;
    const decoupled = this.kind === 'adamw';
    for (const [name, g] of grads) {
      const p = params.get(name);
      checkGradLength(name, p, g);
      const wd = params.decays(name) ? this.weightDecay : 0;
      const t = (this.steps.get(name) ?? 0) + 1;
      this.steps.set(name, t);
      let m = this.expAvg.get(name);
      let v = this.expAvgSq.get(name);
      if (!m || !v) {
        m = new Float32Array(p.length);
        v = new Float32Array(p.length);
        this.expAvg.set(name, m);
        this.expAvgSq.set(name, v);
      }
      const stepSize = lr / (1 - beta1 ** t);
      const sqrtBc2 = Math.sqrt(1 - beta2 ** t);
      const shrink = decoupled ? 1 - lr * wd : 1;
      const l2 = decoupled ? 0 : wd;
      for (let i = 0; i < p.length; i++) {
        const w = p[i]! * shrink;
        const d = g[i]! + l2 * w;
        const mi = beta1 * m[i]! + (1 - beta1) * d;
        const vi = beta2 * v[i]! + (1 - beta2) * d * d;
        m[i] = mi;
        v[i] = vi;
        p[i] = w - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
      }
    }
  }

  exportState(): OptimizerState {
    const slots = new Map<string, Float32Array>();
    for (const [n, m] of this.expAvg) slots.set(`exp_avg/${n}`, m.slice());
    for (const [n, v] of this.expAvgSq) slots.set(`exp_avg_sq/${n}`, v.slice());
    return {
      kind: this.kind,
      hyper: { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay },
      steps: Object.fromEntries(this.steps),
      slots,
    };
  }

  importState(state: OptimizerState): void {
    checkKind(state, this.kind);
    const slots = takeSlots(state, ['exp_avg', 'exp_avg_sq']);
    const m = slots.get('exp_avg')!;
    const v = slots.get('exp_avg_sq')!;
    for (const name of m.keys()) {
      if (!v.has(name) || state.steps[name] === undefined) {
        throw new NaskitError(
          'data_corrupt',
          `${this.kind} state: parameter '${name}' has exp_avg but no exp_avg_sq or step count; the state is incomplete`,
        );
      }
    }
    this.expAvg = m;
    this.expAvgSq = v;
    this.steps = new Map(Object.entries(state.steps));
  }
}

export type OptimizerSpec =
  ({ kind: 'sgd' } & SgdOptions) | ({ kind: 'adam' } & AdamOptions) | ({ kind: 'adamw' } & AdamOptions);

export function makeOptimizer(spec: OptimizerSpec): Optimizer {
  switch (spec.kind) {
    case 'sgd':
      return new Sgd(spec);
    case 'adam':
      return new Adam(spec, false);
    case 'adamw':
      return new Adam(spec, true);
    default:
      throw new NaskitError(
        'invalid_config',
        `unknown optimizer '${(spec as { kind: string }).kind}'; use sgd, adam or adamw`,
      );
  }
}

/** Rebuild an optimizer from exported state (hyperparameters included). */
export function optimizerFromState(state: OptimizerState): Optimizer {
  const opt = makeOptimizer({ kind: state.kind, ...state.hyper } as OptimizerSpec);
  opt.importState(state);
  return opt;
}

/**
 * Scale all gradients in place so their global L2 norm is at most `maxNorm` (PyTorch's
 * clip_grad_norm_: coefficient maxNorm / (norm + 1e-6), applied only when below 1). Returns the norm
 * before clipping. A non-finite gradient is refused, naming the parameter, since scaling it would
 * spread NaN into every parameter.
 */
export function clipGradNorm(grads: Grads, maxNorm: number): number {
  if (!(maxNorm > 0)) {
    throw new NaskitError('invalid_argument', `clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  }
  let sumSq = 0;
  for (const [name, g] of grads) {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
    if (!Number.isFinite(s)) {
      throw new NaskitError(
        'non_finite',
        `clipGradNorm: the gradient of '${name}' is not finite (sum of squares ${s}); lower the learning rate or check the loss`,
      );
    }
    sumSq += s;
  }
  const norm = Math.sqrt(sumSq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const g of grads.values()) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
  }
  return norm;
}

function checkLr(lr: number): void {
  if (!Number.isFinite(lr) || lr < 0) {
    throw new NaskitError(
      'invalid_argument',
      `optimizer step: learning rate must be a finite number >= 0, got ${lr}`,
    );
  }
}

function checkGradLength(name: string, p: Float32Array, g: Float32Array): void {
  if (p.length !== g.length) {
    throw new NaskitError(
      'shape_mismatch',
      `optimizer step: gradient of '${name}' has ${g.length} values, the parameter has ${p.length}`,
    );
  }
}

function checkRange(value: number, what: string, low: number, high: number, openHigh = false): number {
  const ok = Number.isFinite(value) && value >= low && (openHigh ? value < high : value <= high);
  if (!ok) {
    const range = `[${low}, ${high}${openHigh ? ')' : ']'}`;
    throw new NaskitError('invalid_argument', `${what} must be in ${range}, got ${value}`);
  }
  return value;
}

function checkKind(state: OptimizerState, kind: OptimizerState['kind']): void {
  if (state.kind !== kind) {
    throw new NaskitError(
      'invalid_argument',
      `cannot load ${state.kind} optimizer state into a ${kind} optimizer; build the optimizer with optimizerFromState`,
    );
  }
}

/** Split `${slot}/${param}` keys into one map per slot; unknown slots are an error. */
function takeSlots(
  state: OptimizerState,
  slotNames: readonly string[],
): Map<string, Map<string, Float32Array>> {
  const out = new Map(slotNames.map((s) => [s, new Map<string, Float32Array>()]));
  for (const [key, value] of state.slots) {
    const cut = key.indexOf('/');
    const target = cut > 0 ? out.get(key.slice(0, cut)) : undefined;
    if (!target) {
      throw new NaskitError(
        'data_corrupt',
        `${state.kind} state: unexpected slot '${key}'; expected keys like ${slotNames.map((s) => `'${s}/<param>'`).join(' or ')}`,
      );
    }
    target.set(key.slice(cut + 1), value.slice());
  }
  return out;
}
