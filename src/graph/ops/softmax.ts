import { attr, type Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { normAxis } from '../shape.js';
import { inferFloatUnary } from './float-unary.js';
import { mul } from './mul.js';
import { reduceSum } from './reduce-sum.js';
import { sub } from './sub.js';

/** The normalised axis of a Softmax/LogSoftmax node (opset 13: default -1, any axis). */
export function softmaxAxis(x: Tensor, value: unknown): number {
  return normAxis((value as number | undefined) ?? -1, x.rank, 'softmax');
}

export const Softmax = defineOp({
  type: 'Softmax',
  infer: inferFloatUnary,
  // dx = y (g - sum(g y)) along the axis.
  vjp: ({ grads, inputs, outputs, attrs }) => {
    const y = outputs[0]!;
    const g = grads[0]!;
    const axis = softmaxAxis(inputs[0]!, attrs.axis?.value);
    return [mul(y, sub(g, reduceSum(mul(g, y), [axis], true)))];
  },
});

export function softmax(x: Tensor, axis = -1): Tensor {
  return x.graph.apply1(Softmax, [x], { axis: attr.int(normAxis(axis, x.rank, 'softmax')) });
}
