import type { Tensor, TensorSpec } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { broadcastShapes, requireInput, requireSameDtype } from '../shape.js';
import { requireFloat } from './float-unary.js';
import { mul } from './mul.js';
import { reshape } from './reshape.js';
import { transposeLast2 } from './transpose.js';

/** numpy matmul shapes: 1-D operands gain a unit dim that is dropped again from the result. */
function matMulShape(a: readonly number[], b: readonly number[]): number[] {
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  if (a.length === 0 || b.length === 0 || a2.at(-1) !== b2.at(-2)) {
    throw new NaskitError(
      'shape_mismatch',
      `${formatShape(a)} x ${formatShape(b)}: the last dim of the first must equal the ` +
        `second-to-last of the second (rank >= 1 each)`,
    );
  }
  const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2), 'MatMul batch dims');
  return [...batch, ...(a.length === 1 ? [] : [a2.at(-2)!]), ...(b.length === 1 ? [] : [b2.at(-1)!])];
}

export const MatMul = defineOp({
  type: 'MatMul',
  infer: (inputs): TensorSpec[] => {
    const a = requireInput(inputs[0], 0);
    const b = requireInput(inputs[1], 1);
    requireSameDtype([a, b]);
    requireFloat(a, 'MatMul');
    return [{ shape: matMulShape(a.shape, b.shape), dtype: a.dtype }];
  },
  // dA = G B^T, dB = A^T G on the matrix dims; the engine sums broadcast batch dims back. 1-D operands
  // are lifted to matrices and their unit dim is dropped from their gradient again.
  vjp: ({ grads, inputs, needsGrad }) => {
    const a = inputs[0]!;
    const b = inputs[1]!;
    const g = grads[0]!;
    if (a.rank === 1 && b.rank === 1) {
      return [needsGrad(0) ? mul(b, g) : null, needsGrad(1) ? mul(a, g) : null];
    }
    const a2 = a.rank === 1 ? reshape(a, [1, a.shape[0]!]) : a;
    const b2 = b.rank === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
    const g2 = a.rank === 1 || b.rank === 1 ? reshape(g, matMulShape(a2.shape, b2.shape)) : g;
    let da = needsGrad(0) ? matMul(g2, transposeLast2(b2)) : null;
    let db = needsGrad(1) ? matMul(transposeLast2(a2), g2) : null;
    if (da && a.rank === 1) da = reshape(da, [...da.shape.slice(0, -2), a.shape[0]!]);
    if (db && b.rank === 1) db = reshape(db, db.shape.slice(0, -1));
    return [da, db];
  },
});

/** numpy-style matrix product, with broadcast batch dims. */
export function matMul(a: Tensor, b: Tensor): Tensor {
  return a.graph.apply1(MatMul, [a, b]);
}
