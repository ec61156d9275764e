import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { inferBinary, lift } from './elementwise.js';

export const Equal = defineOp({
  type: 'Equal',
  infer: (inputs) => inferBinary(inputs).map((s) => ({ shape: s.shape, dtype: 'bool' as const })),
  nonDifferentiable: true,
});

export function equal(a: Tensor, b: Tensor | number): Tensor {
  return a.graph.apply1(Equal, [a, lift(a, b)]);
}
