/**
 * GeNAS' flatness-based score (FBS) of a sub-network under inherited supernet weights, as the official
 * code computes it (evolution_search/metrics/tester_wlm.py):
 *   BN recalibrated for the path on clean weights; then, for noise levels σ₁ < σ₂ < …, Gaussian noise
 *   N(0, σᵢ − σᵢ₋₁) (σ₀ = 0) is added **cumulatively** to every trainable weight the path uses and the
 *   mean cross-entropy Lᵢ is measured on the validation images in eval mode;
 *   poor = |L₁/σ₁| + Σᵢ |(Lᵢ₊₁ − Lᵢ)/(σᵢ₊₁ − σᵢ)|,  score = 1/(poor + 1e-5).
 * The first term treats the unperturbed loss as 0 (the "depth" term); the flatness-only variant uses
 * the real unperturbed loss L₀ instead: poor₀ = |(L₁ − L₀)/σ₁| + Σᵢ …, so it measures only how the loss
 * rises. Weights off the path do not change the path's loss, so noise is drawn only for the path's
 * weights; each weight's noise comes from a generator forked by level and weight name, so in `shared`
 * noise mode every candidate sees the same draw per level and weight, and in `faithful` mode each
 * candidate gets its own draws (as the official code, but reproducible from the seed).
 */
import { NaskitError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { type EvalData, OverlayParams, measure, recalibrate } from './subnet-eval.js';
import type { Path, SupernetPrograms } from './programs.js';
import type { ParamSource } from '../../runtime/train-program.js';

export type NoiseMode = 'faithful' | 'shared';

export interface FlatnessOptions {
  sigmas: readonly number[];
  noise: NoiseMode;
  /** Seed stream of the noise: per candidate in faithful mode, one for all in shared mode. */
  rng: Rng;
}

export interface FlatnessResult {
  /** Unperturbed validation loss and accuracy (percent), after BN recalibration. */
  loss: number;
  accuracy: number;
  /** Lᵢ at each noise level. */
  levels: number[];
  /** |L₁/σ₁|: the depth term of the faithful score. */
  depth: number;
  /** |(Lᵢ₊₁ − Lᵢ)/(σᵢ₊₁ − σᵢ)| for i ≥ 1. */
  slopes: number[];
  /** 1/(depth + Σ slopes + 1e-5): the official FBS. */
  flatness: number;
  /** 1/(|(L₁ − L₀)/σ₁| + Σ slopes + 1e-5): the rise of the loss only. */
  flatness_only: number;
}

export const DEFAULT_SIGMAS: readonly number[] = [0.001, 0.003, 0.006];

export function checkSigmas(sigmas: readonly number[]): void {
  if (sigmas.length === 0 || sigmas.some((s, i) => !(s > 0) || (i > 0 && !(s > sigmas[i - 1]!)))) {
    throw new NaskitError(
      'invalid_argument',
      `noise levels must be positive and strictly increasing, got ${sigmas.join(',')} (e.g. 0.001,0.003,0.006)`,
    );
  }
}

/** Flatness of `path`: `active` are the trainable weights the path uses. */
export async function flatnessOf(
  programs: SupernetPrograms,
  params: ParamSource,
  path: Path,
  active: ReadonlySet<string>,
  data: EvalData,
  options: FlatnessOptions,
): Promise<FlatnessResult> {
  checkSigmas(options.sigmas);
  const calibrated = await recalibrate(programs, params, path, data);
  const clean = await measure(programs, calibrated, path, data);
  const noisy = new OverlayParams(calibrated);
  const names = [...active].sort();
  const levels: number[] = [];
  let previous = 0;
  for (let i = 0; i < options.sigmas.length; i++) {
    const std = options.sigmas[i]! - previous;
    previous = options.sigmas[i]!;
    for (const name of names) {
      const rng = options.rng.fork(`level${i}/${name}`);
      const value = Float32Array.from(noisy.get(name));
      for (let k = 0; k < value.length; k++) value[k] = value[k]! + rng.normal(0, std);
      noisy.set(name, value);
    }
    levels.push((await measure(programs, noisy, path, data)).loss);
  }
  return flatnessFromLosses(clean.loss, clean.accuracy, levels, options.sigmas);
}

/** The scores from measured losses (exported for tests and for re-scoring stored losses). */
export function flatnessFromLosses(
  loss: number,
  accuracy: number,
  levels: readonly number[],
  sigmas: readonly number[],
): FlatnessResult {
  const slopes = levels.slice(1).map((l, i) => Math.abs((l - levels[i]!) / (sigmas[i + 1]! - sigmas[i]!)));
  const slopeSum = slopes.reduce((s, v) => s + v, 0);
  const depth = Math.abs(levels[0]! / sigmas[0]!);
  const rise = Math.abs((levels[0]! - loss) / sigmas[0]!);
  return {
    loss,
    accuracy,
    levels: [...levels],
    depth,
    slopes,
    flatness: 1 / (depth + slopeSum + 1e-5),
    flatness_only: 1 / (rise + slopeSum + 1e-5),
  };
}
