import { attr, type Tensor, sizeOf } from '../graph.js';
import { defineOp } from '../op.js';
import { requireInput } from '../shape.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { reshape } from './reshape.js';

export const Flatten = defineOp({
  type: 'Flatten',
  infer: (inputs, attrs) => {
    const x = requireInput(inputs[0], 0);
    const r = x.shape.length;
    const axis = (attrs.axis?.value as number | undefined) ?? 1;
    // Unlike most axes, this one may equal the rank (then everything goes to the first dim).
    const a = axis < 0 ? axis + r : axis;
    if (!Number.isInteger(a) || a < 0 || a > r) {
      throw new NaskitError('invalid_argument', `axis ${axis} is out of range for ${formatShape(x.shape)}`);
    }
    return [{ shape: [sizeOf(x.shape.slice(0, a)), sizeOf(x.shape.slice(a))], dtype: x.dtype }];
  },
  vjp: ({ grads, inputs }) => [reshape(grads[0]!, inputs[0]!.shape)],
});

/** Reshape to 2-D: [prod(dims before axis), prod(dims from axis)]. */
export function flatten(x: Tensor, axis = 1): Tensor {
  return x.graph.apply1(Flatten, [x], { axis: attr.int(axis) });
}
