/**
 * The state proxies keep between calls, held by the proxy context (one session per context, so two
 * contexts never see each other's values): how network proxies share compiled programs, which proxies
 * the current evaluation will ask for, and values computed once and reused — scalars of a run shared
 * by sibling proxies, constant-weight network outputs, epsilon-robust's calibration.
 */
import type { ProgramSharing } from '../spaces/proxy-hooks.js';
import type { RobustCalibration } from './epsilon-robust.js';

/** Scalars one run computed for several sibling proxies (see net/harness.ts). */
export interface SharedValues {
  values: Record<string, number>;
  seconds: number;
}

/** Constant-weight outputs of one architecture, one vector per constant (see constant/scorer.ts). */
export type ConstantOutputs = Promise<(Float32Array | Float64Array)[]>;

export interface ProxySessionOptions {
  /** How network proxies share compiled programs (default 'group', see ProgramSharing). */
  programs?: ProgramSharing;
}

/** Shared run values kept (the oldest are dropped beyond it). */
export const SHARED_LIMIT = 100_000;
/** Constant-weight outputs kept (the oldest are dropped beyond it). */
export const CONSTANT_OUTPUTS_LIMIT = 40_000;

export class ProxySession {
  /** How network proxies share compiled programs between architectures. */
  programs: ProgramSharing;
  /** Proxies the current evaluation is about to score (a shared run then computes them all). */
  expected: ReadonlySet<string> = new Set();
  /** Scalars computed together by one run, by shared key (net/harness.ts). */
  readonly shared = new Map<string, SharedValues>();
  /** Constant-weight network outputs by everything they depend on (constant/scorer.ts). */
  readonly constantOutputs = new Map<string, ConstantOutputs>();
  /** epsilon-robust's calibration constants, by space, batch and network head. */
  readonly calibrations = new Map<string, Promise<RobustCalibration>>();

  constructor(options: ProxySessionOptions = {}) {
    this.programs = options.programs ?? 'group';
  }

  /** Tell the shared runs which proxies an evaluation will ask for (`scoreArchitectures` does). */
  expect(names: readonly string[]): void {
    this.expected = new Set(names);
  }

  /**
   * Forget the values one proxy's run left for a sibling (shared run scalars, constant-weight
   * outputs), e.g. to time each proxy as if it ran alone or compare two ways of computing a score.
   */
  forgetSharedValues(): void {
    this.shared.clear();
    this.constantOutputs.clear();
  }
}

/** Insert into a memo map, dropping the oldest entry beyond `limit`. */
export function rememberBounded<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value!);
}
