import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferBinary, lift } from './elementwise.js';

export const Less = defineOp({
  type: 'Less',
  infer: (inputs) => inferBinary(inputs).map((s) => ({ shape: s.shape, dtype: 'bool' as const })),
  nonDifferentiable: true,
});

export function less(a: Tensor, b: Tensor | number): Tensor {
  return a.graph.apply1(Less, [a, lift(a, b)]);
}
