import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { lift } from './elementwise.js';
import { inferFloatUnary } from './float-unary.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

export const Tanh = defineOp({
  type: 'Tanh',
  infer: inferFloatUnary,
  // d tanh(x) = 1 - tanh(x)^2, taken from the output so x need not be kept.
  vjp: ({ grads, outputs }) => {
    const y = outputs[0]!;
    return [mul(grads[0]!, sub(lift(y, 1), mul(y, y)))];
  },
});

export function tanh(x: Tensor): Tensor {
  return x.graph.apply1(Tanh, [x]);
}
