import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { div } from './div.js';
import { inferFloatUnary } from './float-unary.js';

export const Log = defineOp({
  type: 'Log',
  infer: inferFloatUnary,
  // Defined for x > 0; at x <= 0 the forward value is already NaN/-inf.
  vjp: ({ grads, inputs }) => [div(grads[0]!, inputs[0]!)],
});

export function log(x: Tensor): Tensor {
  return x.graph.apply1(Log, [x]);
}
