/**
 * What `SearchSpace.build` and `SearchSpace.supernet` take and return. One small config for every
 * space; each space documents what `channels` and `cells` mean for its skeleton and uses its
 * benchmark's values when they are omitted.
 */
import type { NetworkSpec } from '../graph/network.js';
import { NaskitError } from '../util/errors.js';

export interface NetworkConfig {
  classes: number;
  /** Input image [C, H, W]: CIFAR [3, 32, 32], ImageNet16-120 [3, 16, 16], Fashion-MNIST [1, 28, 28]. */
  inputShape: readonly [number, number, number];
  /**
   * Width. nb201: C of the first stage (16). nb101: stem channels (128). darts: C (36 evaluation,
   * 16 search). tnb101: base channels (64).
   */
  channels?: number;
  /**
   * Depth. nb201: cells per stage (5). nb101: modules per stack (3). darts: total cells (20
   * evaluation, 8 search). tnb101: cells per layer (2).
   */
  cells?: number;
  /** darts only: build the auxiliary head after the 2/3 reduction (returned by `forwardWithAux`). */
  auxiliary?: boolean;
  /** darts only: drop-path probability in training (0 = off); `ctx.options.dropPathProb` overrides it. */
  dropPath?: number;
  /**
   * BN scale/shift inside the cell ops. Networks: darts only, default true (DARTS); NASLib's NB301
   * models use false. Supernets: default false, as the DARTS and NB201 searches (darts: also in the
   * cell preprocessing).
   */
  affine?: boolean;
}

/**
 * `mixed`: DARTS continuous relaxation, every edge runs every op and sums them weighted by
 * softmax(α) of its row; α are trainable parameters named under `alpha/`.
 * `single-path`: each build runs one op per edge, chosen by `ctx.options.path` (SPOS / GeNAS); the op
 * parameters have the same names in every build, so one parameter store holds the shared weights.
 */
export type SupernetMode = 'mixed' | 'single-path';

export interface SupernetConfig extends NetworkConfig {
  mode: SupernetMode;
}

/** One α parameter: a [edges.length, ops.length] matrix, row r for edge `edges[r]`. */
export interface AlphaSpec {
  readonly name: string;
  readonly edges: readonly string[];
}

export interface Supernet<A = unknown> extends NetworkSpec {
  readonly mode: SupernetMode;
  /** Candidate ops of every edge: α columns and path values index this list. */
  readonly ops: readonly string[];
  /** Every edge the path chooses an op for, in path order (e.g. 'normal/edge_0_2'). */
  readonly edges: readonly string[];
  /**
   * Whether every edge takes any of `ops` whatever the other edges take, so that every combination is a
   * path (NB201); false where edges depend on each other (DARTS: two inputs per node, others unused).
   */
  readonly independentEdges: boolean;
  /** The α parameters (mixed mode; the same layout is used to derive an architecture). */
  readonly alphas: readonly AlphaSpec[];
  /** The path that builds exactly `arch`: one op index per edge, -1 where the edge is unused. */
  pathOf(arch: A): number[];
  /** This supernet running one path, as a plain network (single-path mode only). */
  withPath(path: readonly number[]): NetworkSpec;
  /**
   * This supernet with its path as a graph input (`PATH_INPUT`, int64 [edges.length], the values
   * `withPath` takes), so one compiled program runs every path (single-path mode only). Each edge runs
   * only its chosen op; parameter names are those of `withPath`. Feed it as `{ path }` in the extra
   * feeds of `TrainStep.run` / `Forward.run`; values out of range select the first or last op.
   */
  fedPath?(): NetworkSpec;
  /** The architecture the α values select (the space's usual derivation rule, e.g. argmax per edge). */
  derive(alpha: (name: string) => Float32Array): A;
}

/** Refuse `method` (withPath, fedPath) on a supernet that is not single-path. */
export function requireSinglePath(mode: SupernetMode, where: string, method: string): void {
  if (mode !== 'single-path') {
    throw new NaskitError(
      'invalid_argument',
      `${where}: ${method} needs mode 'single-path', this one is '${mode}'`,
    );
  }
}

/** Key of the per-edge op choice in `NetContext.options` (single-path supernets). */
export const PATH_OPTION = 'path';

/** Name of the int64 [edges] graph input of a fed-path supernet network (`Supernet.fedPath`). */
export const PATH_INPUT = 'path';

/** Check classes and input shape; returns the config unchanged. `where` names the caller. */
export function checkNetworkConfig<C extends NetworkConfig>(config: C, where: string): C {
  const { classes, inputShape } = config;
  if (!Number.isInteger(classes) || classes < 1) {
    throw new NaskitError('invalid_config', `${where}: classes must be a positive integer, got ${classes}`);
  }
  if (
    !Array.isArray(inputShape) ||
    inputShape.length !== 3 ||
    !inputShape.every((d) => Number.isInteger(d) && d >= 1)
  ) {
    throw new NaskitError(
      'invalid_config',
      `${where}: inputShape must be [C, H, W] with positive integers, got ${JSON.stringify(inputShape)}`,
    );
  }
  for (const key of ['channels', 'cells'] as const) {
    const v = config[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw new NaskitError('invalid_config', `${where}: ${key} must be a positive integer, got ${v}`);
    }
  }
  if (config.dropPath !== undefined && !(config.dropPath >= 0 && config.dropPath < 1)) {
    throw new NaskitError('invalid_config', `${where}: dropPath must be in [0, 1), got ${config.dropPath}`);
  }
  return config;
}

/** Reject config fields a space does not use, so a typo or a wrong space does not pass silently. */
export function rejectUnused(
  config: NetworkConfig,
  where: string,
  unused: readonly (keyof SupernetConfig)[],
): void {
  for (const key of unused) {
    if ((config as SupernetConfig)[key] !== undefined) {
      throw new NaskitError('invalid_config', `${where}: '${key}' does not apply to this space; remove it`);
    }
  }
}

/**
 * The path of a single-path build, read from `options.path` and checked against the supernet's edges
 * and ops; `allowOff` permits -1 (edge not used).
 */
export function readPath(
  options: Readonly<Record<string, unknown>>,
  edges: readonly string[],
  ops: readonly string[],
  where: string,
  allowOff: boolean,
): number[] {
  const path = options[PATH_OPTION];
  const expected = `${edges.length} op indices (0..${ops.length - 1}${allowOff ? ', or -1 for an unused edge' : ''}; ops ${ops.join(', ')})`;
  if (!Array.isArray(path)) {
    throw new NaskitError(
      'invalid_argument',
      `${where}: single-path mode needs ctx.options.${PATH_OPTION} = ${expected}; use supernet.withPath(path) or pathOf(arch)`,
    );
  }
  if (path.length !== edges.length) {
    throw new NaskitError(
      'invalid_argument',
      `${where}: path has ${path.length} entries, expected ${expected}`,
    );
  }
  return path.map((v: unknown, i) => {
    const ok =
      Number.isInteger(v) && (v as number) < ops.length && ((v as number) >= 0 || (allowOff && v === -1));
    if (!ok) {
      throw new NaskitError(
        'invalid_argument',
        `${where}: path[${i}] (edge ${edges[i]}) is ${JSON.stringify(v)}, expected ${expected}`,
      );
    }
    return v as number;
  });
}
