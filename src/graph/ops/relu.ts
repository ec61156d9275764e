import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferUnary } from './elementwise.js';
import { where } from './where.js';
import { greater } from './greater.js';

export const Relu = defineOp({
  type: 'Relu',
  infer: inferUnary,
  // Gradient is passed where the output is positive; at exactly 0 it is 0 (the subgradient PyTorch uses).
  vjp: ({ grads, outputs }) => {
    const y = outputs[0]!;
    return [where(greater(y, 0), grads[0]!, 0)];
  },
});

export function relu(x: Tensor): Tensor {
  return x.graph.apply1(Relu, [x]);
}
