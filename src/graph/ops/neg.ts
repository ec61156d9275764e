import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferUnary } from './elementwise.js';

export const Neg = defineOp({
  type: 'Neg',
  infer: inferUnary,
  vjp: ({ grads }) => [neg(grads[0]!)],
});

export function neg(x: Tensor): Tensor {
  return x.graph.apply1(Neg, [x]);
}
