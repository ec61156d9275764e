import { attr, type Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { normAxis } from '../shape.js';
import { exp } from './exp.js';
import { inferFloatUnary } from './float-unary.js';
import { mul } from './mul.js';
import { reduceSum } from './reduce-sum.js';
import { softmaxAxis } from './softmax.js';
import { sub } from './sub.js';

export const LogSoftmax = defineOp({
  type: 'LogSoftmax',
  infer: inferFloatUnary,
  // dx = g - softmax(x) sum(g) along the axis, with softmax(x) = exp(y).
  vjp: ({ grads, inputs, outputs, attrs }) => {
    const g = grads[0]!;
    const axis = softmaxAxis(inputs[0]!, attrs.axis?.value);
    return [sub(g, mul(exp(outputs[0]!), reduceSum(g, [axis], true)))];
  },
});

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return x.graph.apply1(LogSoftmax, [x], { axis: attr.int(normAxis(axis, x.rank, 'logSoftmax')) });
}
