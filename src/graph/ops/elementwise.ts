/**
 * Shared pieces for elementwise ops: output inference for unary and broadcasting binary ops, and
 * lifting plain numbers to scalar constants of the right dtype.
 */
import { type Attrs, type Tensor, type TensorSpec, makeData } from '../graph.js';
import { broadcastShapes, requireInput, requireSameDtype } from '../shape.js';

export function inferUnary(inputs: readonly (TensorSpec | null)[]): TensorSpec[] {
  const x = requireInput(inputs[0], 0);
  return [{ shape: x.shape, dtype: x.dtype }];
}

export function inferBinary(inputs: readonly (TensorSpec | null)[], _attrs?: Attrs): TensorSpec[] {
  const a = requireInput(inputs[0], 0);
  const b = requireInput(inputs[1], 1);
  requireSameDtype([a, b]);
  return [{ shape: broadcastShapes(a.shape, b.shape), dtype: a.dtype }];
}

/** Turn a number into a scalar constant matching `like`'s dtype, so `mul(x, 0.5)` works. */
export function lift(like: Tensor, value: Tensor | number): Tensor {
  if (typeof value !== 'number') return value;
  return like.graph.constant(makeData(like.dtype, [value]), [], 'scalar');
}
