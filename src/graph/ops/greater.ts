import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferBinary, lift } from './elementwise.js';

export const Greater = defineOp({
  type: 'Greater',
  infer: (inputs) => inferBinary(inputs).map((s) => ({ shape: s.shape, dtype: 'bool' as const })),
  nonDifferentiable: true,
});

export function greater(a: Tensor, b: Tensor | number): Tensor {
  return a.graph.apply1(Greater, [a, lift(a, b)]);
}
