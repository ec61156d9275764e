/**
 * The window ops of the constant-weight programs in either precision. float32 uses ONNX Runtime's
 * pooling kernels; its CPU provider has no float64 AveragePool / GlobalAveragePool, so float64 builds
 * the same sums from Pad, strided Slices and Sum (exact window sums, then one scaling).
 */
import { type Tensor, makeData } from '../../graph/graph.js';
import { averagePool } from '../../graph/ops/average-pool.js';
import { globalAveragePool } from '../../graph/ops/global-average-pool.js';
import { mul } from '../../graph/ops/mul.js';
import { pad } from '../../graph/ops/pad.js';
import { reduceMean } from '../../graph/ops/reduce-mean.js';
import { slice } from '../../graph/ops/slice.js';
import { sum } from '../../graph/ops/sum.js';

export interface WindowOps {
  /** Mean over the 3×3 window with zero padding counted (= box sum / 9), stride 1 or 2. */
  boxMean(x: Tensor, stride?: number): Tensor;
  /** 3×3 average pool, stride 1, padding not counted (NB201 avg_pool_3x3). */
  avgPool3(x: Tensor): Tensor;
  /** 2×2 stride-2 average pool (the NB201 reduction shortcut). */
  avgPool2(x: Tensor): Tensor;
  /** Spatial mean, [N, C, H, W] -> [N, C, 1, 1]. */
  globalMean(x: Tensor): Tensor;
}

export function windowOps(dtype: 'float32' | 'float64'): WindowOps {
  if (dtype === 'float32') {
    return {
      boxMean: (x, stride = 1) =>
        averagePool(x, { kernel: 3, strides: stride, pads: 1, countIncludePad: true }),
      avgPool3: (x) => averagePool(x, { kernel: 3, strides: 1, pads: 1, countIncludePad: false }),
      avgPool2: (x) => averagePool(x, { kernel: 2, strides: 2, pads: 0, countIncludePad: true }),
      globalMean: (x) => globalAveragePool(x),
    };
  }
  const boxSum = (x: Tensor, stride: number): Tensor => {
    const [, , h, w] = x.shape as [number, number, number, number];
    const p = pad(x, [0, 0, 1, 1, 0, 0, 1, 1]);
    const rows = sum([0, 1, 2].map((d) => slice(p, [2], [d], [d + h])));
    const box = sum([0, 1, 2].map((d) => slice(rows, [3], [d], [d + w])));
    return stride === 1 ? box : slice(box, [2, 3], [0, 0], [h, w], [stride, stride]);
  };
  return {
    boxMean: (x, stride = 1) => mul(boxSum(x, stride), 1 / 9),
    avgPool3: (x) => {
      const [, , h, w] = x.shape as [number, number, number, number];
      // Real pixels under each window: 9 inside, 6 on edges, 4 in corners.
      const counts = Array.from({ length: h * w }, (_, i) => {
        const r = Math.floor(i / w);
        const c = i % w;
        return (
          1 /
          ((Math.min(r + 1, h - 1) - Math.max(r - 1, 0) + 1) *
            (Math.min(c + 1, w - 1) - Math.max(c - 1, 0) + 1))
        );
      });
      return mul(boxSum(x, 1), x.graph.constant(makeData('float64', counts), [1, 1, h, w], 'inv_count'));
    },
    avgPool2: (x) => {
      const [, , h, w] = x.shape as [number, number, number, number];
      const parts = [0, 1].flatMap((dy) => [0, 1].map((dx) => slice(x, [2, 3], [dy, dx], [h, w], [2, 2])));
      return mul(sum(parts), 0.25);
    },
    globalMean: (x) => reduceMean(x, [2, 3], true),
  };
}
