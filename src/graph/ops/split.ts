/**
 * ONNX Split (opset 13+): consecutive parts of x along one axis, sizes given as a constant int64
 * operand. Its gradient is one Concat of the parts' gradients (zeros for parts nobody used), where a
 * Slice per part would give one zero-padded full-size gradient per part to be summed.
 */
import { attr, type Tensor, type TensorSpec } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { constantAxes, normAxis, requireInput } from '../shape.js';
import { concat } from './concat.js';
import { zeros } from './zeros.js';

export const Split = defineOp({
  type: 'Split',
  infer: (inputs, attrs): TensorSpec[] => {
    const x = requireInput(inputs[0], 0);
    const axis = normAxis(attrs.axis?.value as number, x.shape.length, 'Split');
    const sizes = constantAxes(inputs[1]);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.length === 0 || sizes.some((s) => !Number.isInteger(s) || s < 1) || total !== x.shape[axis]) {
      throw new NaskitError(
        'shape_mismatch',
        `Split sizes [${sizes.join(', ')}] must be positive and add up to axis ${axis} of ${formatShape(x.shape)}`,
      );
    }
    return sizes.map((s) => ({ shape: x.shape.map((d, i) => (i === axis ? s : d)), dtype: x.dtype }));
  },
  vjp: ({ grads, outputs, attrs, needsGrad }) => {
    const first = outputs[0]!;
    const axis = normAxis(attrs.axis!.value as number, first.rank, 'Split');
    if (!needsGrad(0)) return [null, null];
    const parts = outputs.map((o, i) => grads[i] ?? zeros(o.graph, o.shape, o.dtype));
    return [concat(parts, axis), null];
  },
});

/** split(x, sizes, axis): consecutive parts of x along `axis` with the given sizes. */
export function split(x: Tensor, sizes: readonly number[], axis: number): Tensor[] {
  if (sizes.length === 1) return [x];
  return x.graph.apply(Split, [x, x.graph.int64s(sizes, 'split')], { axis: attr.int(axis) });
}
