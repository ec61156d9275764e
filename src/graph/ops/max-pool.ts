/**
 * 2-D max pooling (ONNX MaxPool, opset 17, floor mode). Gradient: the backward pass recomputes the
 * pooling with its Indices output (the argmax of each window as a flat index into the NCHW input) and
 * adds dy into zeros at those indices with ScatterElements(reduction='add'), so overlapping windows
 * (3x3 stride 1, as in NAS-Bench-101) accumulate correctly. At ties the argmax ORT picks receives the
 * whole gradient.
 */
import { attr, type Tensor, type TensorSpec } from '../graph.js';
import { defineOp } from '../op.js';
import { expand } from './expand.js';
import { reshape } from './reshape.js';
import { scatterElements } from './scatter-elements.js';
import { windowAttrs } from './conv-geometry.js';
import { type PoolOptions, inferPool, poolWindow } from './pool-window.js';

export const MaxPool = defineOp({
  type: 'MaxPool',
  infer: (inputs, attrs) => [inferPool(inputs, attrs)[0]],
  vjp: ({ inputs, attrs, grads }) => {
    const x = inputs[0]!;
    const dy = grads[0]!;
    const [, indices] = x.graph.apply(MaxPoolWithIndices, [x], attrs);
    const flat = [x.size];
    const zeros = expand(x.graph.scalar(0, x.dtype), flat);
    const dx = scatterElements(zeros, reshape(indices!, [dy.size]), reshape(dy, [dy.size]), 0, 'add');
    return [reshape(dx, x.shape)];
  },
});

/** MaxPool with its second output, int64 flat argmax indices; only used inside the gradient. */
export const MaxPoolWithIndices = defineOp({
  type: 'MaxPool',
  infer: (inputs, attrs) => {
    const y: TensorSpec = inferPool(inputs, attrs)[0];
    return [y, { shape: y.shape, dtype: 'int64' }];
  },
  nonDifferentiable: true,
});

/** maxPool(x [N, C, H, W], {kernel, strides, pads, dilations}) -> [N, C, Ho, Wo]. */
export function maxPool(x: Tensor, options: PoolOptions): Tensor {
  const window = poolWindow('MaxPool', options);
  return x.graph.apply1(MaxPool, [x], { ...windowAttrs(window), storage_order: attr.int(0) });
}
