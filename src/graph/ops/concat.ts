import { attr, type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { normAxis, requireInput, requireSameDtype } from '../shape.js';
import { slice } from './slice.js';

export const Concat = defineOp({
  type: 'Concat',
  infer: (inputs, attrs) => {
    const xs = inputs.map((t, i) => requireInput(t, i));
    const first = xs[0];
    if (!first) throw new NaskitError('invalid_argument', 'needs at least one input');
    requireSameDtype(xs);
    const axis = normAxis(attrs.axis?.value as number, first.shape.length, 'Concat');
    let total = 0;
    for (const x of xs) {
      const ok =
        x.shape.length === first.shape.length && x.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!ok) {
        throw new NaskitError(
          'shape_mismatch',
          `on axis ${axis}: ${formatShape(x.shape)} does not match ${formatShape(first.shape)} off that axis`,
        );
      }
      total += x.shape[axis]!;
    }
    const shape = [...first.shape];
    shape[axis] = total;
    return [{ shape, dtype: first.dtype }];
  },
  // Each operand gets its own stretch of the gradient along the axis.
  vjp: ({ grads, inputs, attrs, needsGrad }) => {
    const g = grads[0]!;
    const axis = normAxis(attrs.axis!.value as number, g.rank, 'Concat');
    let offset = 0;
    return inputs.map((x, i) => {
      const start = offset;
      offset += x!.shape[axis]!;
      return needsGrad(i) ? slice(g, [axis], [start], [offset]) : null;
    });
  },
});

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0];
  if (!first) throw new NaskitError('invalid_argument', 'concat: needs at least one tensor');
  if (xs.length === 1) return first;
  return first.graph.apply1(Concat, xs, { axis: attr.int(axis) });
}
