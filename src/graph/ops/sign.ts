import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferUnary } from './elementwise.js';

export const Sign = defineOp({
  type: 'Sign',
  infer: inferUnary,
  // Piecewise constant: its derivative is zero wherever it exists, so no gradient flows through it.
  nonDifferentiable: true,
});

export function sign(x: Tensor): Tensor {
  return x.graph.apply1(Sign, [x]);
}
