/**
 * Simulated training cost of a benchmark query. Each query charges the time it would take to train the
 * architecture: the table's own training time when it has one (NB101 `train_time_s_108`), otherwise a
 * stated model, otherwise nothing (then only query budgets make sense for that table).
 */
import { NaskitError } from '../util/errors.js';

export interface CostModel {
  /** 'measured': the table's training time; 'modelled': computed by a stated formula; 'none': unknown. */
  readonly kind: 'measured' | 'modelled' | 'none';
  readonly description: string;
  /** Seconds to train the architecture of a row; NaN when kind is 'none'. */
  seconds(row: number): number;
}

export function measuredCost(seconds: Float64Array, description: string): CostModel {
  return { kind: 'measured', description, seconds: (row) => seconds[row]! };
}

export function noCost(description: string): CostModel {
  return { kind: 'none', description, seconds: () => NaN };
}

/**
 * Seconds per (training image x forward MFLOP) of a training step on the project machine: PyTorch 1.13 CPU,
 * 2 threads, takes 1,098 ms for a forward+backward+SGD step of the all-3x3-conv NAS-Bench-201 network at
 * batch 64 on 32x32 inputs (DESIGN.md, engine table), whose forward pass is 220.11969 MFLOPs per image
 * (nb201_cost_computed). 1.098 / (64 * 220.11969) = 7.794e-5 s.
 */
export const SECONDS_PER_IMAGE_MFLOP = 1.098 / (64 * 220.11969);

/**
 * Training cost proportional to forward FLOPs: epochs * trainImages * MFLOPs * SECONDS_PER_IMAGE_MFLOP.
 * It ignores per-step overheads, so very small cells come out relatively cheap.
 */
export function flopsCost(
  flopsM: Float64Array,
  setting: { epochs: number; trainImages: number; what: string },
): CostModel {
  if (!(setting.epochs > 0 && setting.trainImages > 0)) {
    throw new NaskitError(
      'invalid_argument',
      `flopsCost needs positive epochs and trainImages (${setting.what})`,
    );
  }
  const perMflop = setting.epochs * setting.trainImages * SECONDS_PER_IMAGE_MFLOP;
  return {
    kind: 'modelled',
    description:
      `modelled: ${setting.epochs} epochs x ${setting.trainImages} training images x forward MFLOPs x ` +
      `${SECONDS_PER_IMAGE_MFLOP.toExponential(4)} s (PyTorch CPU train step of the all-3x3 NB201 network, ` +
      `1,098 ms at batch 64 on the 2-core project machine) = ${perMflop.toFixed(1)} s per MFLOP (${setting.what})`,
    seconds: (row) => perMflop * flopsM[row]!,
  };
}
