import { attr, type Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { normAxis, requireInput } from '../shape.js';
import { cast } from './cast.js';
import { div } from './div.js';
import { equal } from './equal.js';
import { mul } from './mul.js';
import { reduceAttrAxes } from './reduce-mean.js';
import { reduceSum, reducedShape } from './reduce-sum.js';
import { reshape } from './reshape.js';

export const ReduceMax = defineOp({
  type: 'ReduceMax',
  infer: (inputs, attrs) => {
    const x = requireInput(inputs[0], 0);
    return [{ shape: reducedShape(x, reduceAttrAxes(attrs), attrs.keepdims?.value !== 0), dtype: x.dtype }];
  },
  // The gradient goes to the elements equal to the maximum, split evenly among ties (as PyTorch's
  // amax does), so the rule stays exact when values repeat.
  vjp: ({ grads, inputs, outputs, attrs }) => {
    const x = inputs[0]!;
    const axes = reduceAttrAxes(attrs);
    const kept = reducedShape(x, axes, true);
    const mask = cast(equal(x, reshape(outputs[0]!, kept)), x.dtype);
    const ties = reduceSum(mask, axes, true);
    return [mul(mask, div(reshape(grads[0]!, kept), ties))];
  },
});

/** Maximum over `axes` (all axes when empty). */
export function reduceMax(x: Tensor, axes: readonly number[] = [], keepdims = false): Tensor {
  return x.graph.apply1(ReduceMax, [x], {
    ...(axes.length > 0 ? { axes: attr.ints(axes.map((a) => normAxis(a, x.rank, 'reduceMax'))) } : {}),
    keepdims: attr.int(keepdims ? 1 : 0),
  });
}
