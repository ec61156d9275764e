import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferBinary, lift } from './elementwise.js';
import { neg } from './neg.js';

export const Sub = defineOp({
  type: 'Sub',
  infer: inferBinary,
  vjp: ({ grads, needsGrad }) => [needsGrad(0) ? grads[0]! : null, needsGrad(1) ? neg(grads[0]!) : null],
});

export function sub(a: Tensor, b: Tensor | number): Tensor {
  return a.graph.apply1(Sub, [a, lift(a, b)]);
}
