import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferBinary, lift } from './elementwise.js';
import { log } from './log.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

export const Pow = defineOp({
  type: 'Pow',
  // Base and exponent share a dtype here (ONNX allows mixing; naskit keeps gradients simple).
  infer: inferBinary,
  // y = a^b: da = g b a^(b-1) (finite at a = 0 for b >= 1), db = g y ln(a) (needs a > 0).
  vjp: ({ grads, inputs, outputs, needsGrad }) => {
    const g = grads[0]!;
    const a = inputs[0]!;
    const b = inputs[1]!;
    return [
      needsGrad(0) ? mul(g, mul(b, pow(a, sub(b, 1)))) : null,
      needsGrad(1) ? mul(g, mul(outputs[0]!, log(a))) : null,
    ];
  },
});

export function pow(base: Tensor, exponent: Tensor | number): Tensor {
  return base.graph.apply1(Pow, [base, lift(base, exponent)]);
}
