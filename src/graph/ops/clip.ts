import type { Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { requireInput, requireSameDtype } from '../shape.js';
import { lift } from './elementwise.js';
import { equal } from './equal.js';
import { greater } from './greater.js';
import { less } from './less.js';
import { where } from './where.js';

export const Clip = defineOp({
  type: 'Clip',
  infer: (inputs) => {
    const x = requireInput(inputs[0], 0);
    for (const k of [1, 2]) {
      const bound = inputs[k];
      if (!bound) continue;
      requireSameDtype([x, bound]);
      if (bound.shape.length !== 0) {
        throw new NaskitError(
          'shape_mismatch',
          `${k === 1 ? 'min' : 'max'} must be a scalar, got shape ${formatShape(bound.shape)}`,
        );
      }
    }
    return [{ shape: x.shape, dtype: x.dtype }];
  },
  // x passes the gradient where it was not clipped (y == x, bounds inclusive, like PyTorch's clamp);
  // a bound gets the gradient of the elements it clipped.
  vjp: ({ grads, inputs, outputs, needsGrad }) => {
    const g = grads[0]!;
    const x = inputs[0]!;
    const lo = inputs[1];
    const hi = inputs[2];
    return [
      needsGrad(0) ? where(equal(x, outputs[0]!), g, 0) : null,
      lo && needsGrad(1) ? where(less(x, lo), g, 0) : null,
      hi && needsGrad(2) ? where(greater(x, hi), g, 0) : null,
    ];
  },
});

/** Clamp to [min, max]; either bound may be omitted (null) and may be a number or a scalar tensor. */
export function clip(x: Tensor, min: Tensor | number | null, max: Tensor | number | null): Tensor {
  const lo = min === null ? null : lift(x, min);
  const hi = max === null ? null : lift(x, max);
  const inputs = hi ? [x, lo, hi] : lo ? [x, lo] : [x];
  return x.graph.apply1(Clip, inputs);
}
