import type { Tensor, TensorSpec } from '../graph.js';
import { NaskitError } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { broadcastShapes, requireInput, requireSameDtype } from '../shape.js';

/** Output of an n-ary broadcasting op (Sum, Max, Min). */
export function inferVariadic(inputs: readonly (TensorSpec | null)[]): TensorSpec[] {
  if (inputs.length === 0) throw new NaskitError('invalid_argument', 'needs at least one input');
  const xs = inputs.map((t, i) => requireInput(t, i));
  requireSameDtype(xs);
  const shape = xs.reduce<number[]>((s, x) => broadcastShapes(s, x.shape), []);
  return [{ shape, dtype: xs[0]!.dtype }];
}

export const Sum = defineOp({
  type: 'Sum',
  infer: inferVariadic,
  // Each operand receives the whole gradient; the engine sums it back to the operand's shape.
  vjp: ({ grads, inputs, needsGrad }) => inputs.map((_, i) => (needsGrad(i) ? grads[0]! : null)),
});

/** Elementwise n-ary sum with broadcasting (one node instead of a chain of Adds). */
export function sum(xs: readonly Tensor[]): Tensor {
  const first = xs[0];
  if (!first) throw new NaskitError('invalid_argument', 'sum: needs at least one tensor');
  if (xs.length === 1) return first;
  return first.graph.apply1(Sum, xs);
}
