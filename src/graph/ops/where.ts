import type { Tensor } from '../graph.js';
import { NaskitError } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { broadcastShapes, requireInput, requireSameDtype } from '../shape.js';
import { lift } from './elementwise.js';

export const Where = defineOp({
  type: 'Where',
  infer: (inputs) => {
    const c = requireInput(inputs[0], 0);
    const a = requireInput(inputs[1], 1);
    const b = requireInput(inputs[2], 2);
    if (c.dtype !== 'bool') throw new NaskitError('dtype_mismatch', `condition must be bool, got ${c.dtype}`);
    requireSameDtype([a, b]);
    return [{ shape: broadcastShapes(broadcastShapes(c.shape, a.shape), b.shape), dtype: a.dtype }];
  },
  vjp: ({ grads, inputs, needsGrad }) => {
    const g = grads[0]!;
    const cond = inputs[0]!;
    return [null, needsGrad(1) ? where(cond, g, 0) : null, needsGrad(2) ? where(cond, 0, g) : null];
  },
});

/** Elementwise select; numbers are lifted to the dtype of whichever branch is a tensor. */
export function where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  const like = typeof a !== 'number' ? a : typeof b !== 'number' ? b : null;
  if (!like) throw new NaskitError('invalid_argument', 'where: at least one branch must be a tensor');
  return cond.graph.apply1(Where, [cond, lift(like, a), lift(like, b)]);
}
