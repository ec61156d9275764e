import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { div } from './div.js';
import { inferFloatUnary } from './float-unary.js';
import { mul } from './mul.js';

export const Sqrt = defineOp({
  type: 'Sqrt',
  infer: inferFloatUnary,
  // d sqrt(x) = 1 / (2 sqrt(x)), from the output; infinite at x = 0 as in PyTorch.
  vjp: ({ grads, outputs }) => [div(mul(grads[0]!, 0.5), outputs[0]!)],
});

export function sqrt(x: Tensor): Tensor {
  return x.graph.apply1(Sqrt, [x]);
}
