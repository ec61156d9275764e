import { attr, type Attrs, type Tensor, sizeOf } from '../graph.js';
import { defineOp } from '../op.js';
import { normAxis, requireInput } from '../shape.js';
import { expand } from './expand.js';
import { requireFloat } from './float-unary.js';
import { mul } from './mul.js';
import { reducedShape } from './reduce-sum.js';
import { reshape } from './reshape.js';

/** Axes of an opset-17 ReduceMean/ReduceMax node (an attribute; all axes when absent). */
export function reduceAttrAxes(attrs: Attrs): number[] {
  return [...((attrs.axes?.value as readonly number[] | undefined) ?? [])];
}

export const ReduceMean = defineOp({
  type: 'ReduceMean',
  // Opset 17 ReduceMean takes axes as an attribute (the input form arrived in opset 18).
  infer: (inputs, attrs) => {
    const x = requireInput(inputs[0], 0);
    requireFloat(x, 'ReduceMean');
    return [{ shape: reducedShape(x, reduceAttrAxes(attrs), attrs.keepdims?.value !== 0), dtype: x.dtype }];
  },
  // Every reduced element gets g / (number of elements averaged).
  vjp: ({ grads, inputs, outputs, attrs }) => {
    const x = inputs[0]!;
    const kept = reducedShape(x, reduceAttrAxes(attrs), true);
    const count = x.size / sizeOf(outputs[0]!.shape);
    return [expand(mul(reshape(grads[0]!, kept), 1 / count), x.shape)];
  },
});

/** Mean over `axes` (all axes when empty). */
export function reduceMean(x: Tensor, axes: readonly number[] = [], keepdims = false): Tensor {
  return x.graph.apply1(ReduceMean, [x], {
    ...(axes.length > 0 ? { axes: attr.ints(axes.map((a) => normAxis(a, x.rank, 'reduceMean'))) } : {}),
    keepdims: attr.int(keepdims ? 1 : 0),
  });
}
