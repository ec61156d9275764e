/**
 * Small helpers shared by the search spaces: the one way to report a malformed architecture, the
 * encoding-kind check, and one-hot writing.
 */
import { NaskitError } from '../util/errors.js';
import type { EncodingInfo, EncodingKind } from './space.js';

/** Throw NaskitError('invalid_arch') naming the space, the offending input and what is allowed. */
export function invalidArch(space: string, input: string, problem: string): never {
  const flat = input.replace(/\s+/g, ' ').trim();
  const shown = flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
  throw new NaskitError('invalid_arch', `${space}: invalid architecture '${shown}': ${problem}`);
}

/** The declared encoding for `kind`, or NaskitError('invalid_argument') listing the space's encodings. */
export function encodingFor(
  space: string,
  encodings: readonly EncodingInfo[],
  kind: EncodingKind,
): EncodingInfo {
  const info = encodings.find((e) => e.kind === kind);
  if (!info) {
    throw new NaskitError(
      'invalid_argument',
      `${space} has no '${kind}' encoding; available: ${encodings.map((e) => e.kind).join(', ')}`,
    );
  }
  return info;
}

/** Set position `offset + index` of `out` to 1 (the rest of the block is assumed zero). */
export function setOneHot(out: Float32Array, offset: number, index: number): void {
  out[offset + index] = 1;
}

/** Parse a Python-style integer tuple or list, e.g. "(0, 1, 4)" or "[0,1,4]"; null when it is not one. */
export function parseIntTuple(text: string): number[] | null {
  const t = text.trim();
  const m = /^[([]\s*(-?\d+(?:\s*,\s*-?\d+)*)\s*,?\s*[)\]]$/.exec(t);
  if (!m) return null;
  return m[1]!.split(',').map((s) => Number(s.trim()));
}

/** Deep-freeze a plain value so architectures stay immutable once built. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
