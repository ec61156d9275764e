import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferUnary } from './elementwise.js';
import { mul } from './mul.js';
import { sign } from './sign.js';

export const Abs = defineOp({
  type: 'Abs',
  infer: inferUnary,
  // g * sign(x): zero at x = 0, the subgradient PyTorch uses.
  vjp: ({ grads, inputs }) => [mul(grads[0]!, sign(inputs[0]!))],
});

export function abs(x: Tensor): Tensor {
  return x.graph.apply1(Abs, [x]);
}
