import { attr, type Tensor, type TensorSpec } from '../graph.js';
import { defineOp } from '../op.js';
import { constantAxes, normAxis, requireInput } from '../shape.js';
import { expand } from './expand.js';
import { reshape } from './reshape.js';

/** Output shape of a reduction over `axes` (all axes when empty). */
export function reducedShape(x: TensorSpec, axes: readonly number[], keepdims: boolean): number[] {
  const all = axes.length === 0;
  const set = new Set(axes.map((a) => normAxis(a, x.shape.length, 'reduce')));
  const out: number[] = [];
  x.shape.forEach((d, i) => {
    if (all || set.has(i)) {
      if (keepdims) out.push(1);
    } else out.push(d);
  });
  return out;
}

export const ReduceSum = defineOp({
  type: 'ReduceSum',
  infer: (inputs, attrs) => {
    const x = requireInput(inputs[0], 0);
    const keep = attrs.keepdims?.value !== 0;
    return [{ shape: reducedShape(x, constantAxes(inputs[1]), keep), dtype: x.dtype }];
  },
  vjp: ({ grads, inputs }) => {
    const x = inputs[0]!;
    const keptShape = reducedShape(x, constantAxes(inputs[1]), true);
    return [expand(reshape(grads[0]!, keptShape), x.shape), null];
  },
});

export function reduceSum(x: Tensor, axes: readonly number[] = [], keepdims = false): Tensor {
  const g = x.graph;
  const axesT =
    axes.length > 0
      ? g.int64s(
          axes.map((a) => normAxis(a, x.rank, 'reduceSum')),
          'axes',
        )
      : null;
  return g.apply1(ReduceSum, axesT ? [x, axesT] : [x], { keepdims: attr.int(keepdims ? 1 : 0) });
}
