/** Shape arithmetic shared by op inference and the autodiff engine. */
import { NaskitError, formatShape } from '../util/errors.js';
import type { Tensor, TensorSpec } from './graph.js';

/** Numpy-style broadcast of two shapes; throws naming both shapes when they are incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[], what = 'broadcast'): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new NaskitError(
        'shape_mismatch',
        `${what}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (dim ${i}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalise a possibly negative axis against a rank. */
export function normAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new NaskitError('invalid_argument', `${what}: axis ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function requireInput(spec: TensorSpec | null | undefined, index: number): TensorSpec {
  if (!spec) throw new NaskitError('invalid_argument', `input ${index} is required`);
  return spec;
}

export function requireSameDtype(specs: readonly TensorSpec[]): void {
  const first = specs[0];
  for (const s of specs) {
    if (first && s.dtype !== first.dtype) {
      throw new NaskitError(
        'dtype_mismatch',
        `inputs have different dtypes: ${specs.map((x) => x.dtype).join(', ')}`,
      );
    }
  }
}

/** Axes come from a constant int64 input (opset 13+); we read them back from the graph. */
export function constantAxes(t: TensorSpec | null | undefined): number[] {
  if (!t) return [];
  const source = (t as Tensor).source;
  if (!source || source.kind !== 'constant') {
    throw new NaskitError('invalid_argument', 'axes/shape operands must be a constant int64 tensor');
  }
  return Array.from(source.data as BigInt64Array, (v) => Number(v));
}
