import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { broadcastShapes, constantAxes, requireInput } from '../shape.js';

export const Expand = defineOp({
  type: 'Expand',
  infer: (inputs) => {
    const x = requireInput(inputs[0], 0);
    return [{ shape: broadcastShapes(x.shape, constantAxes(inputs[1]), 'Expand'), dtype: x.dtype }];
  },
  // The engine reduces the broadcast gradient back to the input's shape.
  vjp: ({ grads }) => [grads[0]!, null],
});

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return x.graph.apply1(Expand, [x, x.graph.int64s(shape, 'shape')]);
}
