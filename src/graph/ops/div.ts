import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferBinary, lift } from './elementwise.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

export const Div = defineOp({
  type: 'Div',
  infer: inferBinary,
  // y = a / b: da = g / b, db = -g a / b^2 = -g y / b (reuses the output instead of squaring b).
  vjp: ({ grads, inputs, outputs, needsGrad }) => {
    const g = grads[0]!;
    const b = inputs[1]!;
    return [needsGrad(0) ? div(g, b) : null, needsGrad(1) ? neg(div(mul(g, outputs[0]!), b)) : null];
  },
});

export function div(a: Tensor, b: Tensor | number): Tensor {
  return a.graph.apply1(Div, [a, lift(a, b)]);
}
