import { attr, type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { normAxis, requireInput } from '../shape.js';
import { requireIndices } from './index-dtype.js';
import { scatterElements } from './scatter-elements.js';
import { zerosLike } from './zeros.js';

export const GatherElements = defineOp({
  type: 'GatherElements',
  infer: (inputs, attrs) => {
    const data = requireInput(inputs[0], 0);
    const indices = requireInput(inputs[1], 1);
    requireIndices(indices, 'GatherElements indices');
    const axis = normAxis(
      (attrs.axis?.value as number | undefined) ?? 0,
      data.shape.length,
      'GatherElements',
    );
    const ok =
      indices.shape.length === data.shape.length &&
      indices.shape.every((d, i) => i === axis || d <= data.shape[i]!);
    if (!ok) {
      throw new NaskitError(
        'shape_mismatch',
        `indices ${formatShape(indices.shape)} must have the rank of data ${formatShape(data.shape)} and ` +
          `no larger dims off axis ${axis}`,
      );
    }
    return [{ shape: indices.shape, dtype: data.dtype }];
  },
  vjp: ({ grads, inputs, attrs }) => [
    scatterElements(
      zerosLike(inputs[0]!),
      inputs[1]!,
      grads[0]!,
      (attrs.axis?.value as number | undefined) ?? 0,
      'add',
    ),
    null,
  ],
});

/** out[i][j] = data[indices[i][j]][j] for axis 0 (and likewise for other axes). */
export function gatherElements(data: Tensor, indices: Tensor, axis: number): Tensor {
  return data.graph.apply1(GatherElements, [data, indices], {
    axis: attr.int(normAxis(axis, data.rank, 'gatherElements')),
  });
}
