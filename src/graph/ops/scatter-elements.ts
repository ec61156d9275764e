import { attr, type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { normAxis, requireInput, requireSameDtype, sameShape } from '../shape.js';
import { gatherElements } from './gather-elements.js';
import { requireIndices } from './index-dtype.js';
import type { ScatterReduction } from './scatter-nd.js';
import { zerosLike } from './zeros.js';

export const ScatterElements = defineOp({
  type: 'ScatterElements',
  infer: (inputs, attrs) => {
    const data = requireInput(inputs[0], 0);
    const indices = requireInput(inputs[1], 1);
    const updates = requireInput(inputs[2], 2);
    requireIndices(indices, 'ScatterElements indices');
    requireSameDtype([data, updates]);
    normAxis((attrs.axis?.value as number | undefined) ?? 0, data.shape.length, 'ScatterElements');
    const reduction = attrs.reduction?.value ?? 'none';
    if (reduction !== 'none' && reduction !== 'add') {
      throw new NaskitError(
        'invalid_argument',
        `reduction '${reduction}' is not supported (use 'none' or 'add')`,
      );
    }
    if (indices.shape.length !== data.shape.length || !sameShape(indices.shape, updates.shape)) {
      throw new NaskitError(
        'shape_mismatch',
        `data ${formatShape(data.shape)}, indices ${formatShape(indices.shape)}, updates ` +
          `${formatShape(updates.shape)}: indices and updates must have the same shape and data's rank`,
      );
    }
    return [{ shape: data.shape, dtype: data.dtype }];
  },
  // As ScatterND: 'add' passes g to data, 'none' blocks the overwritten slots; updates read g back.
  vjp: ({ grads, inputs, attrs, needsGrad }) => {
    const g = grads[0]!;
    const [, indices, updates] = inputs as Tensor[];
    const axis = (attrs.axis?.value as number | undefined) ?? 0;
    const add = attrs.reduction?.value === 'add';
    return [
      needsGrad(0) ? (add ? g : scatterElements(g, indices!, zerosLike(updates!), axis)) : null,
      null,
      needsGrad(2) ? gatherElements(g, indices!, axis) : null,
    ];
  },
});

/** Copy of `data` with `updates[i]` written (or added) at `indices[i]` along `axis`. */
export function scatterElements(
  data: Tensor,
  indices: Tensor,
  updates: Tensor,
  axis: number,
  reduction: ScatterReduction = 'none',
): Tensor {
  return data.graph.apply1(ScatterElements, [data, indices, updates], {
    axis: attr.int(normAxis(axis, data.rank, 'scatterElements')),
    ...(reduction === 'none' ? {} : { reduction: attr.string(reduction) }),
  });
}
