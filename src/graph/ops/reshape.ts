import { type Tensor, sizeOf } from '../graph.js';
import { defineOp } from '../op.js';
import { constantAxes, requireInput } from '../shape.js';
import { NaskitError, formatShape } from '../../util/errors.js';

export const Reshape = defineOp({
  type: 'Reshape',
  infer: (inputs) => {
    const x = requireInput(inputs[0], 0);
    const target = constantAxes(inputs[1]);
    const known = target.filter((d) => d !== -1).map((d, i) => (d === 0 ? (x.shape[i] ?? 0) : d));
    const free = target.filter((d) => d === -1).length;
    const total = sizeOf(x.shape);
    let shape = target.map((d, i) => (d === 0 ? x.shape[i]! : d));
    if (free > 1)
      throw new NaskitError('shape_mismatch', `at most one -1 allowed, got ${formatShape(target)}`);
    if (free === 1) {
      const rest = sizeOf(known);
      shape = shape.map((d) => (d === -1 ? total / rest : d));
    }
    if (sizeOf(shape) !== total || shape.some((d) => !Number.isInteger(d))) {
      throw new NaskitError(
        'shape_mismatch',
        `cannot reshape ${formatShape(x.shape)} (${total} elements) to ${formatShape(target)}`,
      );
    }
    return [{ shape, dtype: x.dtype }];
  },
  vjp: ({ grads, inputs }) => [reshape(grads[0]!, inputs[0]!.shape), null],
});

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  // Explicit targets (no 0 = "copy this dim") may skip no-op reshapes and collapse reshape chains:
  // the same values from fewer nodes, which keeps large autodiff graphs small for ORT.
  if (!shape.includes(0)) {
    if (shape.length === x.rank && shape.every((d, i) => d === x.shape[i])) return x;
    const inner = x.producer;
    if (inner?.op === Reshape && inner.inputs[0]) return reshape(inner.inputs[0], shape);
  }
  return x.graph.apply1(Reshape, [x, x.graph.int64s(shape, 'shape')]);
}
