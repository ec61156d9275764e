/**
 * 2-D average pooling (ONNX AveragePool, opset 17, floor mode) with count_include_pad either way.
 *
 * Gradient: every output spreads dy / count evenly over its window, where count is kh*kw
 * (count_include_pad=1) or the number of real input pixels in the window (count_include_pad=0, a
 * constant computed here from the geometry). With stride 1 that spreading is itself an average pool of
 * dy * (kh*kw / count) with padding kernel-1-pad, which ORT runs as fast as the forward; other strides
 * use a depthwise ConvTranspose with a ones kernel.
 */
import { attr, makeData, type Tensor } from '../graph.js';
import { NaskitError } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { mul } from './mul.js';
import { type Window, intAttr, windowAttrs } from './conv-geometry.js';
import { convInputGrad } from './conv.js';
import { type PoolOptions, inferPool, poolWindow } from './pool-window.js';

export interface AveragePoolOptions extends PoolOptions {
  /** Whether padded zeros count in each window's average. Required: the frameworks disagree. */
  countIncludePad: boolean;
}

/** Real (unpadded) input pixels under each output window, as a [1, 1, Ho, Wo] array. */
function windowCounts(window: Window, h: number, w: number, ho: number, wo: number): Float64Array {
  const counts = new Float64Array(ho * wo);
  const along = (o: number, axis: 0 | 1, size: number) => {
    const start = o * window.strides[axis] - window.pads[axis];
    return Math.min(start + window.kernel[axis], size) - Math.max(start, 0);
  };
  for (let oy = 0; oy < ho; oy++)
    for (let ox = 0; ox < wo; ox++) counts[oy * wo + ox] = along(oy, 0, h) * along(ox, 1, w);
  return counts;
}

export const AveragePool = defineOp({
  type: 'AveragePool',
  infer: (inputs, attrs) => [inferPool(inputs, attrs)[0]],
  vjp: ({ inputs, outputs, attrs, grads }) => {
    const x = inputs[0]!;
    const dy = grads[0]!;
    const g = x.graph;
    const [, window] = inferPool(inputs, attrs);
    const [, c, h, w] = x.shape as [number, number, number, number];
    const [ho, wo] = outputs[0]!.shape.slice(2) as [number, number];
    const taps = window.kernel[0] * window.kernel[1];
    const includePad = intAttr(attrs, 'count_include_pad', 0) === 1;
    // Per-output weight relative to a full window: 1 with count_include_pad, kh*kw/count without.
    let weighted = dy;
    if (!includePad) {
      const counts = windowCounts(window, h, w, ho, wo);
      if (counts.some((k) => k !== taps)) {
        const scale = Array.from(counts, (k) => taps / k);
        weighted = mul(dy, g.constant(makeData(x.dtype, scale), [1, 1, ho, wo], 'pool_count_scale'));
      }
    }
    if (window.strides[0] === 1 && window.strides[1] === 1) {
      const flipped = {
        kernel: window.kernel,
        strides: window.strides,
        dilations: window.dilations,
        pads: [
          window.kernel[0] - 1 - window.pads[0],
          window.kernel[1] - 1 - window.pads[1],
          window.kernel[0] - 1 - window.pads[2],
          window.kernel[1] - 1 - window.pads[3],
        ] as const,
      };
      return [
        g.apply1(AveragePool, [weighted], { ...windowAttrs(flipped, false), count_include_pad: attr.int(1) }),
      ];
    }
    const spread = makeData(x.dtype, new Array<number>(c * taps).fill(1 / taps));
    const kernel = g.constant(spread, [c, 1, window.kernel[0], window.kernel[1]], 'pool_kernel');
    return [convInputGrad(weighted, kernel, x.shape, window, c)];
  },
});

/** averagePool(x [N, C, H, W], {kernel, strides, pads, countIncludePad}) -> [N, C, Ho, Wo]. */
export function averagePool(x: Tensor, options: AveragePoolOptions): Tensor {
  const window = poolWindow('AveragePool', options);
  if (window.dilations[0] !== 1 || window.dilations[1] !== 1) {
    throw new NaskitError('invalid_argument', 'AveragePool: dilations are not part of opset 17 AveragePool');
  }
  if (typeof options.countIncludePad !== 'boolean') {
    throw new NaskitError(
      'invalid_argument',
      'AveragePool: options.countIncludePad must be true or false (PyTorch defaults to true, NAS-Bench-201 uses false)',
    );
  }
  return x.graph.apply1(AveragePool, [x], {
    ...windowAttrs(window, false),
    count_include_pad: attr.int(options.countIncludePad ? 1 : 0),
  });
}
