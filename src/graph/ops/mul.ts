import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferBinary, lift } from './elementwise.js';

export const Mul = defineOp({
  type: 'Mul',
  infer: inferBinary,
  // mul(x, x) is handled by the engine summing both contributions into x's gradient.
  vjp: ({ grads, inputs, needsGrad }) => [
    needsGrad(0) ? mul(grads[0]!, inputs[1]!) : null,
    needsGrad(1) ? mul(grads[0]!, inputs[0]!) : null,
  ],
});

export function mul(a: Tensor, b: Tensor | number): Tensor {
  return a.graph.apply1(Mul, [a, lift(a, b)]);
}
