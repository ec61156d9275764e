import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { lift } from './elementwise.js';
import { inferFloatUnary } from './float-unary.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

export const Sigmoid = defineOp({
  type: 'Sigmoid',
  infer: inferFloatUnary,
  // d sigmoid(x) = y (1 - y), from the output.
  vjp: ({ grads, outputs }) => {
    const y = outputs[0]!;
    return [mul(grads[0]!, mul(y, sub(lift(y, 1), y)))];
  },
});

export function sigmoid(x: Tensor): Tensor {
  return x.graph.apply1(Sigmoid, [x]);
}
