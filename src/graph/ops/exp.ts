import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferFloatUnary } from './float-unary.js';
import { mul } from './mul.js';

export const Exp = defineOp({
  type: 'Exp',
  infer: inferFloatUnary,
  vjp: ({ grads, outputs }) => [mul(grads[0]!, outputs[0]!)],
});

export function exp(x: Tensor): Tensor {
  return x.graph.apply1(Exp, [x]);
}
