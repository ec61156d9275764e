/**
 * Mean over the spatial axes of an NCHW tensor (ONNX GlobalAveragePool), keeping them as size 1:
 * [N, C, H, W] -> [N, C, 1, 1]. Gradient: dy / (H*W) broadcast back over the window.
 */
import type { Tensor } from '../graph.js';
import { defineOp } from '../op.js';
import { requireInput } from '../shape.js';
import { expand } from './expand.js';
import { mul } from './mul.js';
import { requireNchw } from './conv-geometry.js';

export const GlobalAveragePool = defineOp({
  type: 'GlobalAveragePool',
  infer: (inputs) => {
    const x = requireInput(inputs[0], 0);
    requireNchw('', 'input x', x);
    return [{ shape: [x.shape[0]!, x.shape[1]!, 1, 1], dtype: x.dtype }];
  },
  vjp: ({ inputs, grads }) => {
    const x = inputs[0]!;
    return [expand(mul(grads[0]!, 1 / (x.shape[2]! * x.shape[3]!)), x.shape)];
  },
});

export function globalAveragePool(x: Tensor): Tensor {
  return x.graph.apply1(GlobalAveragePool, [x]);
}
