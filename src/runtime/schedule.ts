/**
 * Learning-rate schedules as pure functions of the step (or epoch) index t = 0, 1, 2, …: the value
 * returned for t is the rate to use for step t. Counting is the caller's choice (per epoch like
 * NAS-Bench-201, or per iteration); `total` is in the same unit.
 */
import { NaskitError } from '../util/errors.js';

export type Schedule = (t: number) => number;

export type ScheduleSpec =
  | { kind: 'constant'; lr: number }
  /**
   * PyTorch CosineAnnealingLR after an optional linear warmup: for t < warmup the rate rises linearly
   * lr·(t+1)/warmup, reaching lr on the last warmup step; then
   * etaMin + (lr − etaMin)·(1 + cos(π·(t − warmup)/(total − warmup)))/2, which is lr at the end of the
   * warmup and etaMin at t = total. Beyond `total` it follows PyTorch's closed form (it rises again).
   */
  | { kind: 'cosine'; lr: number; total: number; etaMin?: number; warmup?: number }
  /** PyTorch StepLR: lr · gamma^⌊t / stepSize⌋. */
  | { kind: 'step'; lr: number; stepSize: number; gamma: number };

export function makeSchedule(spec: ScheduleSpec): Schedule {
  switch (spec.kind) {
    case 'constant':
      checkLr(spec.lr, 'constant schedule lr');
      return (t) => {
        checkT(t);
        return spec.lr;
      };
    case 'cosine':
      return cosineSchedule(spec);
    case 'step':
      return stepSchedule(spec);
    default:
      throw new NaskitError(
        'invalid_config',
        `unknown learning-rate schedule '${(spec as { kind: string }).kind}'; use constant, cosine or step`,
      );
  }
}

function cosineSchedule(spec: Extract<ScheduleSpec, { kind: 'cosine' }>): Schedule {
  const { lr, total } = spec;
  const etaMin = spec.etaMin ?? 0;
  const warmup = spec.warmup ?? 0;
  checkLr(lr, 'cosine schedule lr');
  checkLr(etaMin, 'cosine schedule etaMin');
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new NaskitError('invalid_config', `cosine schedule warmup must be an integer >= 0, got ${warmup}`);
  }
  if (!Number.isInteger(total) || total <= warmup) {
    throw new NaskitError(
      'invalid_config',
      `cosine schedule total must be an integer larger than warmup (${warmup}), got ${total}`,
    );
  }
  const span = total - warmup;
  return (t) => {
    checkT(t);
    if (t < warmup) return (lr * (t + 1)) / warmup;
    return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * (t - warmup)) / span))) / 2;
  };
}

function stepSchedule(spec: Extract<ScheduleSpec, { kind: 'step' }>): Schedule {
  checkLr(spec.lr, 'step schedule lr');
  if (!Number.isInteger(spec.stepSize) || spec.stepSize < 1) {
    throw new NaskitError(
      'invalid_config',
      `step schedule stepSize must be a positive integer, got ${spec.stepSize}`,
    );
  }
  if (!Number.isFinite(spec.gamma) || spec.gamma <= 0) {
    throw new NaskitError('invalid_config', `step schedule gamma must be > 0, got ${spec.gamma}`);
  }
  return (t) => {
    checkT(t);
    return spec.lr * spec.gamma ** Math.floor(t / spec.stepSize);
  };
}

function checkLr(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new NaskitError('invalid_config', `${what} must be a finite number >= 0, got ${value}`);
  }
}

function checkT(t: number): void {
  if (!Number.isInteger(t) || t < 0) {
    throw new NaskitError(
      'invalid_argument',
      `learning-rate schedule: step index must be an integer >= 0, got ${t}`,
    );
  }
}
