import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferBinary, lift } from './elementwise.js';

export const Add = defineOp({
  type: 'Add',
  infer: inferBinary,
  // The engine sums each gradient back to its operand's shape (un-broadcast).
  vjp: ({ grads, needsGrad }) => [needsGrad(0) ? grads[0]! : null, needsGrad(1) ? grads[0]! : null],
});

export function add(a: Tensor, b: Tensor | number): Tensor {
  return a.graph.apply1(Add, [a, lift(a, b)]);
}
