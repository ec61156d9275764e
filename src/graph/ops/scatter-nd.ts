import { attr, type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { requireInput, requireSameDtype, sameShape } from '../shape.js';
import { gatherND } from './gather-nd.js';
import { requireIndices } from './index-dtype.js';
import { zerosLike } from './zeros.js';

export type ScatterReduction = 'none' | 'add';

export const ScatterND = defineOp({
  type: 'ScatterND',
  infer: (inputs, attrs) => {
    const data = requireInput(inputs[0], 0);
    const indices = requireInput(inputs[1], 1);
    const updates = requireInput(inputs[2], 2);
    requireIndices(indices, 'ScatterND indices', false);
    requireSameDtype([data, updates]);
    const reduction = attrs.reduction?.value ?? 'none';
    if (reduction !== 'none' && reduction !== 'add') {
      throw new NaskitError(
        'invalid_argument',
        `reduction '${reduction}' is not supported (use 'none' or 'add')`,
      );
    }
    const k = indices.shape.at(-1) ?? 0;
    const expected = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
    if (indices.shape.length === 0 || k > data.shape.length || !sameShape(updates.shape, expected)) {
      throw new NaskitError(
        'shape_mismatch',
        `data ${formatShape(data.shape)}, indices ${formatShape(indices.shape)}: updates must be ` +
          `${formatShape(expected)}, got ${formatShape(updates.shape)}`,
      );
    }
    return [{ shape: data.shape, dtype: data.dtype }];
  },
  // With 'add', data passes g through; with 'none' the overwritten slots get no gradient. Updates get
  // the gradient read back at their indices (for 'none', ONNX requires the indices to be distinct).
  vjp: ({ grads, inputs, attrs, needsGrad }) => {
    const g = grads[0]!;
    const [, indices, updates] = inputs as Tensor[];
    const add = attrs.reduction?.value === 'add';
    return [
      needsGrad(0) ? (add ? g : scatterND(g, indices!, zerosLike(updates!))) : null,
      null,
      needsGrad(2) ? gatherND(g, indices!) : null,
    ];
  },
});

/** Write (or with 'add', accumulate) `updates` into a copy of `data` at the index tuples in `indices`. */
export function scatterND(
  data: Tensor,
  indices: Tensor,
  updates: Tensor,
  reduction: ScatterReduction = 'none',
): Tensor {
  return data.graph.apply1(
    ScatterND,
    [data, indices, updates],
    reduction === 'none' ? {} : { reduction: attr.string(reduction) },
  );
}
