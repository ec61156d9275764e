/**
 * The parameter store: named Float32Arrays plus what the optimizer and checkpoints need to know about
 * each (shape, trainable or buffer, weight decay or not). Values are drawn from each parameter's
 * `InitSpec` with a generator forked per parameter name, so a parameter's initial value depends only on
 * the seed and its name — not on how many other parameters exist or in which order they were built.
 */
import type { Graph } from '../graph/graph.js';
import { sizeOf } from '../graph/graph.js';
import { NaskitError, formatShape } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { initialize } from './init.js';

export interface ParamInfo {
  readonly shape: readonly number[];
  /** False for buffers updated by the forward pass (BN running statistics), not by gradients. */
  readonly trainable: boolean;
  /** Excluded from weight decay (biases, BN affine). */
  readonly noDecay: boolean;
}

export class ParamStore {
  private readonly values = new Map<string, Float32Array>();
  private readonly infos = new Map<string, ParamInfo>();

  /** A store holding every parameter of `graph`, initialized from its InitSpec. */
  static fromGraph(graph: Graph, rng: Rng): ParamStore {
    const store = new ParamStore();
    store.addFromGraph(graph, rng);
    return store;
  }

  /**
   * Add the parameters of `graph` that the store does not hold yet (in graph order), and check that
   * the ones it holds have the same shape — so a training graph and an inference graph built by the
   * same network share one store. Returns the names that were added.
   */
  addFromGraph(graph: Graph, rng: Rng): string[] {
    const added: string[] = [];
    for (const p of graph.params) {
      const where = `graph '${graph.name}', parameter '${p.name}'`;
      if (p.dtype !== 'float32') {
        throw new NaskitError(
          'dtype_mismatch',
          `${where} is ${p.dtype}; the parameter store holds float32 only — declare it as float32`,
        );
      }
      const options = graph.paramOptions.get(p.name) ?? {};
      const existing = this.infos.get(p.name);
      if (existing) {
        if (!sameShape(existing.shape, p.shape)) {
          throw new NaskitError(
            'shape_mismatch',
            `${where} has shape ${formatShape(p.shape)} but the store already holds it with ` +
              `${formatShape(existing.shape)}; parameter names must mean the same tensor in every graph`,
          );
        }
        continue;
      }
      if (!options.init) {
        throw new NaskitError(
          'invalid_argument',
          `${where} has no initializer; pass { init: … } to g.param (e.g. { kind: 'zeros' } for a bias)`,
        );
      }
      const value = initialize(options.init, new Float32Array(sizeOf(p.shape)), rng.fork(p.name), where);
      this.add(p.name, value, {
        shape: [...p.shape],
        trainable: options.trainable !== false,
        noDecay: options.noDecay === true,
      });
      added.push(p.name);
    }
    return added;
  }

  /** Register a new parameter with an explicit value. */
  add(name: string, value: Float32Array, info: ParamInfo): void {
    if (this.values.has(name)) {
      throw new NaskitError(
        'invalid_argument',
        `parameter '${name}' is already in the store; use set() to replace its value`,
      );
    }
    if (value.length !== sizeOf(info.shape)) {
      throw new NaskitError(
        'shape_mismatch',
        `parameter '${name}': ${value.length} values do not fill shape ${formatShape(info.shape)} (${sizeOf(info.shape)} needed)`,
      );
    }
    this.values.set(name, value);
    this.infos.set(name, { shape: [...info.shape], trainable: info.trainable, noDecay: info.noDecay });
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): Float32Array {
    const value = this.values.get(name);
    if (!value) throw this.missing(name);
    return value;
  }

  /** Replace a parameter's value (same length); the store keeps `value` itself, not a copy. */
  set(name: string, value: Float32Array): void {
    const current = this.values.get(name);
    if (!current) throw this.missing(name);
    if (value.length !== current.length) {
      throw new NaskitError(
        'shape_mismatch',
        `set('${name}'): got ${value.length} values, the parameter has shape ${formatShape(this.info(name).shape)} (${current.length} values)`,
      );
    }
    this.values.set(name, value);
  }

  info(name: string): ParamInfo {
    const info = this.infos.get(name);
    if (!info) throw this.missing(name);
    return info;
  }

  /** True when weight decay applies to the parameter (trainable and not marked noDecay). */
  decays(name: string): boolean {
    const info = this.info(name);
    return info.trainable && !info.noDecay;
  }

  /** All names, in the order they were added. */
  names(): string[] {
    return [...this.values.keys()];
  }

  trainableNames(): string[] {
    return this.names().filter((n) => this.infos.get(n)!.trainable);
  }

  bufferNames(): string[] {
    return this.names().filter((n) => !this.infos.get(n)!.trainable);
  }

  /** Number of scalar values, over all parameters or only the trainable ones. */
  numel(which: 'all' | 'trainable' = 'all'): number {
    let n = 0;
    for (const [name, value] of this.values) {
      if (which === 'all' || this.infos.get(name)!.trainable) n += value.length;
    }
    return n;
  }

  /** A deep copy (values copied, infos shared as they are immutable). */
  clone(): ParamStore {
    const copy = new ParamStore();
    for (const [name, value] of this.values) copy.add(name, value.slice(), this.infos.get(name)!);
    return copy;
  }

  /** Copy values from `other` into this store's arrays (in place) for every name both hold. */
  copyFrom(other: ParamStore, names: readonly string[] = this.names().filter((n) => other.has(n))): void {
    for (const name of names) {
      const src = other.get(name);
      const dst = this.get(name);
      if (src.length !== dst.length) {
        throw new NaskitError(
          'shape_mismatch',
          `copyFrom: parameter '${name}' has ${src.length} values in the source and ${dst.length} here`,
        );
      }
      dst.set(src);
    }
  }

  private missing(name: string): NaskitError {
    const known = this.names();
    const hint =
      known.length === 0
        ? 'the store is empty'
        : `it holds ${known.length} parameters, e.g. ${known.slice(0, 3).join(', ')}`;
    return new NaskitError('not_found', `parameter '${name}' is not in the store (${hint})`);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
