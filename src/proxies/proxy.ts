/**
 * Zero-cost proxies: a score per architecture computed without training. Every proxy reports its
 * score so that HIGHER = BETTER architecture (`direction` says how the raw quantity is oriented and
 * the scorer already applies it); each definition documents its sign. A failed architecture (NaN/Inf
 * in the network, a NaN score) gets `value: null` and a reason, never an exception for the batch.
 */
import type { AnySpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import type { InMemoryImages, ProxyBatch } from './data-batch.js';
import type { ProxySession } from './session.js';

/** 'maximize': the raw quantity grows with quality; 'minimize': it is negated before reporting. */
export type ProxyDirection = 'maximize' | 'minimize';

export interface ProxyValue {
  /** Higher = better; null when the score is NaN/Inf or the network failed. */
  value: number | null;
  /** Why `value` is null. */
  failure?: string;
  /** Wall-clock seconds spent on this architecture (shared runs are split evenly). */
  seconds: number;
}

export interface ProxyContext {
  space: AnySpace;
  /** Dataset whose images the data-dependent proxies use (e.g. 'cifar10'). */
  dataset: string;
  /** Classes of the dataset (the network head of the gradient-based proxies). */
  classes: number;
  /** Input image [C, H, W]. */
  inputShape: readonly [number, number, number];
  /** A fixed batch of `size` images with labels (same images for the same size and seed). */
  batch(size: number): ProxyBatch;
  /** Seed of the proxies' own randomness (batch choice, random inits). */
  seed: number;
  /** ONNX Runtime intra-op threads per program. */
  threads: number;
  /** Programs in flight at once (proxies that batch many architectures). */
  concurrency: number;
  /** Width / depth of the networks the network-based proxies build (default: the benchmark's). */
  networkSize?: { channels?: number; cells?: number };
  /**
   * Worker threads `scoreArchitectures` may spread architectures over (default 1: this thread).
   * ONNX Runtime's Node binding runs a session on the calling JS thread, so programs in flight on one
   * thread take turns; only workers (or intra-op threads) use more than one core.
   */
  workers?: number;
  /** How a worker thread rebuilds this context (set by createProxyContext for registered spaces). */
  spawn?: SpawnOptions;
  /** State kept between calls: program sharing, values shared by sibling proxies, memos (session.ts). */
  session: ProxySession;
}

/** A context's construction options, as plain data a worker thread can receive. */
export interface SpawnOptions {
  space: string;
  dataset: string;
  dataDir?: string;
  /** Images the calling context holds (copied to the worker). */
  images?: InMemoryImages;
  seed: number;
  threads: number;
}

export interface ProxyScorer<A = unknown> {
  /** Score architectures; `onResult` fires as each finishes (for caches and progress). */
  score(archs: readonly A[], onResult?: (index: number, value: ProxyValue) => void): Promise<ProxyValue[]>;
  release(): Promise<void>;
}

export interface ProxyDefinition {
  readonly name: string;
  readonly direction: ProxyDirection;
  /** What it measures, the sign convention, and the reference it follows. */
  readonly description: string;
  /** Spaces it can score; undefined = any space with `build`. */
  readonly spaces?: readonly string[];
  /** Whether it looks at images (and labels). */
  readonly data: 'none' | 'images' | 'labels';
  create(context: ProxyContext): Promise<ProxyScorer>;
}

const NAME = /^[a-z][a-z0-9_-]*$/;

export function defineProxy(definition: ProxyDefinition): ProxyDefinition {
  if (!NAME.test(definition.name)) {
    throw new NaskitError(
      'invalid_argument',
      `proxy name '${definition.name}' must be lower-case letters, digits, '-' or '_', starting with a letter`,
    );
  }
  if (definition.direction !== 'maximize' && definition.direction !== 'minimize') {
    throw new NaskitError(
      'invalid_argument',
      `proxy '${definition.name}': direction must be 'maximize' or 'minimize', got '${String(definition.direction)}'`,
    );
  }
  return Object.freeze({ ...definition });
}

/**
 * The one place a raw value becomes a score: oriented so that higher is better, or, when it is NaN/Inf,
 * a failure saying so (`why` replaces the default reason).
 */
export function orient(
  definition: Pick<ProxyDefinition, 'name' | 'direction'>,
  raw: number,
  seconds: number,
  why?: string,
): ProxyValue {
  if (!Number.isFinite(raw)) {
    return { value: null, failure: why ?? `${definition.name} is ${raw}`, seconds };
  }
  return { value: definition.direction === 'minimize' ? -raw : raw, seconds };
}

/** The one place an architecture whose scoring threw becomes a recorded failure. */
export function failure(
  definition: Pick<ProxyDefinition, 'name'>,
  err: unknown,
  seconds: number,
): ProxyValue {
  const message = err instanceof Error ? err.message : String(err);
  return { value: null, failure: `${definition.name} failed: ${message}`, seconds };
}

/** Throw unless the proxy supports the space. */
export function requireSpace(definition: ProxyDefinition, space: AnySpace): void {
  if (definition.spaces && !definition.spaces.includes(space.name)) {
    throw new NaskitError(
      'invalid_argument',
      `proxy '${definition.name}' supports ${definition.spaces.join(', ')}, not '${space.name}'`,
    );
  }
}
