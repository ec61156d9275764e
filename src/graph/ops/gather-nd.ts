import { type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { requireInput } from '../shape.js';
import { requireIndices } from './index-dtype.js';
import { scatterND } from './scatter-nd.js';
import { zerosLike } from './zeros.js';

export const GatherND = defineOp({
  type: 'GatherND',
  infer: (inputs, attrs) => {
    const data = requireInput(inputs[0], 0);
    const indices = requireInput(inputs[1], 1);
    requireIndices(indices, 'GatherND indices', false);
    if ((attrs.batch_dims?.value ?? 0) !== 0) {
      throw new NaskitError('invalid_argument', 'only batch_dims = 0 is supported');
    }
    const k = indices.shape.at(-1) ?? 0;
    if (indices.shape.length === 0 || k < 1 || k > data.shape.length) {
      throw new NaskitError(
        'shape_mismatch',
        `indices ${formatShape(indices.shape)} must end in a tuple length between 1 and the rank of data ` +
          `${formatShape(data.shape)}`,
      );
    }
    return [{ shape: [...indices.shape.slice(0, -1), ...data.shape.slice(k)], dtype: data.dtype }];
  },
  // Repeated index tuples each contribute, hence the accumulating scatter.
  vjp: ({ grads, inputs }) => [scatterND(zerosLike(inputs[0]!), inputs[1]!, grads[0]!, 'add'), null],
});

/** Read the slices of `data` addressed by the index tuples in the last dim of `indices` (int64). */
export function gatherND(data: Tensor, indices: Tensor): Tensor {
  return data.graph.apply1(GatherND, [data, indices]);
}
