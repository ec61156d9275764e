/**
 * Parameter initializers: turn an `InitSpec` into numbers drawn from a seeded `Rng`. The formulas
 * follow PyTorch's `torch.nn.init` (kaiming_* with the leaky-ReLU(a=0) default gain √2, xavier_* with
 * gain 1), with the fans stated by the layer builder rather than guessed from the shape.
 */
import type { InitSpec } from '../graph/init-spec.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

/** Fill `out` in place according to `spec`; `where` names the parameter in error messages. */
export function initialize(spec: InitSpec, out: Float32Array, rng: Rng, where = 'parameter'): Float32Array {
  switch (spec.kind) {
    case 'zeros':
      return out.fill(0);
    case 'ones':
      return out.fill(1);
    case 'constant':
      requireFinite(spec.value, 'value', spec, where);
      return out.fill(spec.value);
    case 'normal':
      requireFinite(spec.mean ?? 0, 'mean', spec, where);
      requireNonNegative(spec.std, 'std', spec, where);
      return fillNormal(out, rng, spec.mean ?? 0, spec.std);
    case 'uniform':
      requireFinite(spec.low, 'low', spec, where);
      requireFinite(spec.high, 'high', spec, where);
      if (spec.low > spec.high) {
        throw bad(spec, where, `low (${spec.low}) must not exceed high (${spec.high})`);
      }
      return fillUniform(out, rng, spec.low, spec.high);
    case 'kaimingNormal':
      return fillNormal(out, rng, 0, kaimingStd(spec, where));
    case 'kaimingUniform': {
      const bound = Math.sqrt(3) * kaimingStd(spec, where);
      return fillUniform(out, rng, -bound, bound);
    }
    case 'xavierNormal':
      return fillNormal(out, rng, 0, xavierStd(spec, where));
    case 'xavierUniform': {
      const bound = Math.sqrt(3) * xavierStd(spec, where);
      return fillUniform(out, rng, -bound, bound);
    }
    default: {
      const unknown: never = spec;
      throw new NaskitError(
        'invalid_argument',
        `${where}: unknown initializer kind '${(unknown as { kind: string }).kind}'; ` +
          'use zeros, ones, constant, normal, uniform, kaimingNormal/Uniform or xavierNormal/Uniform',
      );
    }
  }
}

/** The standard deviation a Kaiming spec asks for: gain / √fan, gain √2 unless stated. */
export function kaimingStd(
  spec: Extract<InitSpec, { kind: 'kaimingNormal' | 'kaimingUniform' }>,
  where = 'parameter',
): number {
  const mode = spec.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw bad(spec, where, `mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  }
  const fan = mode === 'fanIn' ? spec.fanIn : spec.fanOut;
  requirePositive(fan, mode, spec, where);
  const gain = spec.gain ?? Math.SQRT2;
  requireNonNegative(gain, 'gain', spec, where);
  return gain / Math.sqrt(fan);
}

/** The standard deviation a Xavier/Glorot spec asks for: gain · √(2 / (fanIn + fanOut)). */
export function xavierStd(
  spec: Extract<InitSpec, { kind: 'xavierNormal' | 'xavierUniform' }>,
  where = 'parameter',
): number {
  requirePositive(spec.fanIn, 'fanIn', spec, where);
  requirePositive(spec.fanOut, 'fanOut', spec, where);
  const gain = spec.gain ?? 1;
  requireNonNegative(gain, 'gain', spec, where);
  return gain * Math.sqrt(2 / (spec.fanIn + spec.fanOut));
}

function fillNormal(out: Float32Array, rng: Rng, mean: number, std: number): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.normal(mean, std);
  return out;
}

function fillUniform(out: Float32Array, rng: Rng, low: number, high: number): Float32Array {
  const width = high - low;
  for (let i = 0; i < out.length; i++) out[i] = low + width * rng.next();
  return out;
}

function bad(spec: InitSpec, where: string, problem: string): NaskitError {
  return new NaskitError('invalid_argument', `${where}: initializer ${JSON.stringify(spec)}: ${problem}`);
}

function requireFinite(value: number, field: string, spec: InitSpec, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw bad(spec, where, `${field} must be a finite number, got ${String(value)}`);
  }
}

function requireNonNegative(value: number, field: string, spec: InitSpec, where: string): void {
  requireFinite(value, field, spec, where);
  if (value < 0) throw bad(spec, where, `${field} must be >= 0, got ${value}`);
}

function requirePositive(value: number, field: string, spec: InitSpec, where: string): void {
  requireFinite(value, field, spec, where);
  if (value <= 0) throw bad(spec, where, `${field} must be > 0, got ${value}`);
}
