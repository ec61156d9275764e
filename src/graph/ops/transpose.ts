import { attr, type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { requireInput } from '../shape.js';
import { reshape } from './reshape.js';

function permOf(rank: number, value: unknown): number[] {
  return value === undefined
    ? Array.from({ length: rank }, (_, i) => rank - 1 - i)
    : [...(value as number[])];
}

export const Transpose = defineOp({
  type: 'Transpose',
  infer: (inputs, attrs) => {
    const x = requireInput(inputs[0], 0);
    const perm = permOf(x.shape.length, attrs.perm?.value);
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== x.shape.length || sorted.some((p, i) => p !== i)) {
      throw new NaskitError(
        'shape_mismatch',
        `perm ${formatShape(perm)} is not a permutation of the axes of ${formatShape(x.shape)}`,
      );
    }
    return [{ shape: perm.map((p) => x.shape[p]!), dtype: x.dtype }];
  },
  vjp: ({ grads, inputs, attrs }) => {
    const perm = permOf(inputs[0]!.rank, attrs.perm?.value);
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [transpose(grads[0]!, inverse)];
  },
});

/** Permute axes (`perm[i]` = input axis that becomes output axis i); reverses them when omitted. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  if (perm && perm.length === x.rank && perm.every((p, i) => p === i)) return x;
  // A transpose of a transpose is one transpose (or none): the same values from fewer nodes, which
  // keeps large autodiff graphs small for ORT's session creation.
  const inner = x.producer;
  if (perm && perm.length === x.rank && inner?.op === Transpose && inner.inputs[0]) {
    const source = inner.inputs[0];
    const first = permOf(source.rank, inner.attrs.perm?.value);
    return transpose(
      source,
      perm.map((p) => first[p]!),
    );
  }
  // Moving only length-1 axes leaves the data in place: a Reshape, which merges with its neighbours.
  const order = permOf(x.rank, perm);
  const moved = order.filter((p) => x.shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || p > moved[i - 1]!)) {
    return reshape(
      x,
      order.map((p) => x.shape[p]!),
    );
  }
  return x.graph.apply1(Transpose, [x], perm ? { perm: attr.ints(perm) } : {});
}

/** Swap the last two axes (matrix transpose of each batch entry). */
export function transposeLast2(x: Tensor): Tensor {
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[x.rank - 1] = x.rank - 2;
  perm[x.rank - 2] = x.rank - 1;
  return transpose(x, perm);
}
