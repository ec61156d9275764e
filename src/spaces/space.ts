/**
 * The one interface every search space implements. Search strategies, predictors and proxies see
 * architectures only through it, so they never know which space they run on.
 *
 * Architectures are immutable values of a space-specific type `A`. Each has exactly one canonical
 * string form (`format`), which `parse` reads back exactly, and one identity `key` used for every
 * benchmark lookup and de-duplication: for NAS-Bench-101 the official module hash (isomorphic cells
 * share it), for the others the canonical string.
 */
import type { NetworkSpec } from '../graph/network.js';
import type { Rng } from '../util/rng.js';
import type { NetworkConfig, Supernet, SupernetConfig } from './network-config.js';
import type { SpaceProxyHooks } from './proxy-hooks.js';

export type EncodingKind = 'onehot' | 'path' | 'adjacency';

export interface EncodingInfo {
  kind: EncodingKind;
  length: number;
  description: string;
}

/** Isomorphism classes of a finite space: the encodings that compute the same function. */
export interface IsomorphClasses<A> {
  /** Every encoding isomorphic to `arch`, itself included. */
  of(arch: A): A[];
  /** How many classes there are. */
  readonly count: number;
}

export interface SearchSpace<A = unknown> {
  /** Short id used on the command line: 'nb201', 'nb101', 'darts', 'tnb101-micro', 'tnb101-macro'. */
  readonly name: string;
  readonly description: string;
  /** Operation vocabulary, in the space's own order. */
  readonly ops: readonly string[];
  /** Number of distinct architectures (by key) when finite and known; null otherwise. */
  readonly size: number | null;
  readonly encodings: readonly EncodingInfo[];

  /** Read a canonical (or accepted alternative) string; throws NaskitError('invalid_arch') naming the space. */
  parse(text: string): A;
  /** The canonical string; `parse(format(a))` gives an architecture with the same key. */
  format(arch: A): string;
  /** Identity for lookups and de-duplication. */
  key(arch: A): string;

  /** Uniform random architecture (uniform over the space's encoding, as the benchmarks sample). */
  sample(rng: Rng): A;
  /** One random local change, never returning an architecture with the same key. */
  mutate(arch: A, rng: Rng): A;
  /** All architectures one local change away, deduplicated by key, excluding `arch` itself. */
  neighbors(arch: A): A[];
  /** Every architecture, in the official order when there is one; only for finite spaces. */
  enumerate?(): Iterable<A>;
  /**
   * The space's encodings grouped by the function they compute, for spaces whose key keeps isomorphic
   * encodings apart (NB201); NB101's key already merges them. Built anew per call: keep it.
   */
  isomorphClasses?(): IsomorphClasses<A>;

  /** Fixed-length numeric encoding used by predictors. */
  encode(arch: A, kind: EncodingKind): Float32Array;
  /** The trainable network of an architecture, as the space's benchmark built it (see NetworkConfig). */
  build?(arch: A, config: NetworkConfig): NetworkSpec;
  /**
   * An architecture whose network does (about) the most multiply-accumulates of the space, e.g. every
   * edge the largest conv: the upper end of time estimates (`naskit run`'s cost model).
   */
  heaviest?(): A;
  /**
   * For spaces whose architecture is one cell of the 4-node DAG of cell-dag.ts: the op of every edge,
   * in CELL_EDGES order (for drawings, e.g. `naskit run`'s report).
   */
  cellOps?(arch: A): readonly string[];
  /** A weight-sharing supernet over the whole space (DARTS-style mixed ops or single-path). */
  supernet?(config: SupernetConfig): Supernet<A>;
  /** What zero-cost proxies may use besides `build`: shared programs, the constant-weight program. */
  readonly proxyHooks?: SpaceProxyHooks<A>;
}

/** A space with its architecture type erased, for code that only moves architectures around. */
export type AnySpace = SearchSpace<unknown>;
