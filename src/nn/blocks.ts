/**
 * Reusable blocks built from layers: the operations NAS cells are made of (ReLU-Conv-BN, separable and
 * dilated convs, pooling, identity, zero, factorized reduce) and the common stems, residual blocks and
 * classifier heads. Each block declares its parameters under a scope named after it.
 */
import type { Tensor } from '../graph/graph.js';
import type { NetContext } from '../graph/network.js';
import { add } from '../graph/ops/add.js';
import { mul } from '../graph/ops/mul.js';
import { relu } from '../graph/ops/relu.js';
import { averagePool } from '../graph/ops/average-pool.js';
import { maxPool } from '../graph/ops/max-pool.js';
import { globalAveragePool } from '../graph/ops/global-average-pool.js';
import { flatten } from '../graph/ops/flatten.js';
import { concat } from '../graph/ops/concat.js';
import { slice } from '../graph/ops/slice.js';
import { split } from '../graph/ops/split.js';
import { conv } from '../graph/ops/conv.js';
import { conv2d, conv2dWeight } from './conv.js';
import {
  applyBatchNorm,
  batchNorm2d,
  batchNormParams,
  type BatchNormOptions,
  type BatchNormParams,
} from './batch-norm.js';
import { linear } from './linear.js';
import type { InitSpec } from '../graph/init-spec.js';
import { NaskitError } from '../util/errors.js';

/**
 * Build option (`NetContext.options`) asking a network to compute the conv edges that leave one node
 * through `reluConvBnFanout` (the same function and parameters, a faster training step). Training
 * programs set it; the zero-cost proxies leave it off, as they hook each edge's own Conv layer.
 */
export const FANOUT_BUILD_OPTION = 'fuseConvFanout';

export interface ConvBnOptions {
  out: number;
  kernel: number;
  stride?: number;
  padding?: number;
  dilation?: number;
  bn?: BatchNormOptions;
  /** Conv weight initializer; PyTorch's default when omitted. */
  init?: InitSpec;
}

/** ReLU -> Conv (no bias) -> BN: the NAS-Bench-201 / DARTS convolution op. */
export function reluConvBn(ctx: NetContext, x: Tensor, name: string, o: ConvBnOptions): Tensor {
  return ctx.graph.scope(name, () => {
    const y = conv2d(ctx, relu(x), 'conv', { ...o, bias: false });
    return batchNorm2d(ctx, y, 'bn', o.bn);
  });
}

/** The parameters reluConvBn(ctx, x with `cin` channels, name, o) declares, in its order and names. */
export interface ReluConvBnParams {
  weight: Tensor;
  bn: BatchNormParams;
}

export function reluConvBnParams(
  ctx: NetContext,
  cin: number,
  name: string,
  o: ConvBnOptions,
): ReluConvBnParams {
  return ctx.graph.scope(name, () => ({
    weight: conv2dWeight(ctx, cin, 'conv', { ...o, bias: false }),
    bn: batchNormParams(ctx, o.out, 'bn', o.bn),
  }));
}

/**
 * reluConvBn(ctx, x, name, o) for every name in `names`, with the same parameters, computed as one
 * Conv with the edges' weights stacked along the output channels and one BN over the stacked
 * channels (BN is per channel, so this is the same function), split back per edge. On a NAS cell's
 * node that feeds several conv edges this reads x once instead of once per edge, and the GEMMs of
 * the convolution and of both its gradients get several times the rows; the input gradients of the
 * edges are summed inside one Conv instead of by Add nodes.
 *
 * `declared` passes parameters already declared with reluConvBnParams (one per name), so a caller
 * can keep its parameters in the order of the unfused blocks while computing them in another order.
 */
export function reluConvBnFanout(
  ctx: NetContext,
  x: Tensor,
  names: readonly string[],
  o: ConvBnOptions,
  declared?: readonly ReluConvBnParams[],
): Tensor[] {
  if (declared && declared.length !== names.length) {
    throw new NaskitError(
      'invalid_argument',
      `reluConvBnFanout: ${declared.length} declared parameter sets for ${names.length} names`,
    );
  }
  if (names.length === 1 && !declared) return [reluConvBn(ctx, x, names[0]!, o)];
  const g = ctx.graph;
  const cin = x.shape[1]!;
  const params = declared ?? names.map((name) => reluConvBnParams(ctx, cin, name, o));
  // A single edge keeps its own tensors: no Concat or Split around it.
  const single = params.length === 1;
  const stack = (pick: (p: ReluConvBnParams) => Tensor) =>
    single
      ? pick(params[0]!)
      : concat(
          params.map((p) => pick(p)),
          0,
        );
  const affine = o.bn?.affine ?? true;
  const c = o.out * names.length;
  // Fixed (non-affine) scale and bias stay single constants so BN's gradient rule still sees them.
  const stacked: BatchNormParams = single
    ? params[0]!.bn
    : {
        scale: affine ? stack((p) => p.bn.scale) : g.constant(new Float32Array(c).fill(1), [c], 'unit_scale'),
        bias: affine ? stack((p) => p.bn.bias) : g.constant(new Float32Array(c), [c], 'zero_bias'),
        runningMean: stack((p) => p.bn.runningMean),
        runningVar: stack((p) => p.bn.runningVar),
      };
  const stride = o.stride ?? 1;
  const dilation = o.dilation ?? 1;
  const padding = o.padding ?? (dilation * (o.kernel - 1)) / 2;
  const y = g.scope(names[0]!, () =>
    conv(
      relu(x),
      stack((p) => p.weight),
      null,
      { strides: stride, pads: padding, dilations: dilation },
    ),
  );
  const out = g.scope(names[0]!, () => applyBatchNorm(ctx, y, stacked, o.bn));
  const sizes = names.map(() => o.out);
  if (ctx.training && out.runningMean && out.runningVar) {
    const means = single ? [out.runningMean] : split(out.runningMean, sizes, 0);
    const vars = single ? [out.runningVar] : split(out.runningVar, sizes, 0);
    params.forEach((p, i) => {
      ctx.stateUpdates.set(p.bn.runningMean.name, means[i]!);
      ctx.stateUpdates.set(p.bn.runningVar.name, vars[i]!);
    });
  }
  return single ? [out.y] : split(out.y, sizes, 1);
}

/** Conv (no bias) -> BN -> ReLU: the NAS-Bench-101 convolution op and common stems. */
export function convBnRelu(ctx: NetContext, x: Tensor, name: string, o: ConvBnOptions): Tensor {
  return ctx.graph.scope(name, () =>
    relu(batchNorm2d(ctx, conv2d(ctx, x, 'conv', { ...o, bias: false }), 'bn', o.bn)),
  );
}

/** Conv (no bias) -> BN. */
export function convBn(ctx: NetContext, x: Tensor, name: string, o: ConvBnOptions): Tensor {
  return ctx.graph.scope(name, () =>
    batchNorm2d(ctx, conv2d(ctx, x, 'conv', { ...o, bias: false }), 'bn', o.bn),
  );
}

/** DARTS separable conv: (ReLU, depthwise k×k, pointwise 1×1, BN) twice, the first with the stride. */
export function sepConv(
  ctx: NetContext,
  x: Tensor,
  name: string,
  o: { out: number; kernel: number; stride: number; bn?: BatchNormOptions },
): Tensor {
  const cin = x.shape[1]!;
  return ctx.graph.scope(name, () => {
    const pad = (o.kernel - 1) / 2;
    let y = conv2d(ctx, relu(x), 'dw1', {
      out: cin,
      kernel: o.kernel,
      stride: o.stride,
      padding: pad,
      groups: cin,
    });
    y = batchNorm2d(ctx, conv2d(ctx, y, 'pw1', { out: cin, kernel: 1, padding: 0 }), 'bn1', o.bn);
    y = conv2d(ctx, relu(y), 'dw2', { out: cin, kernel: o.kernel, stride: 1, padding: pad, groups: cin });
    return batchNorm2d(ctx, conv2d(ctx, y, 'pw2', { out: o.out, kernel: 1, padding: 0 }), 'bn2', o.bn);
  });
}

/** DARTS dilated conv: ReLU, depthwise k×k with dilation 2, pointwise 1×1, BN. */
export function dilConv(
  ctx: NetContext,
  x: Tensor,
  name: string,
  o: { out: number; kernel: number; stride: number; dilation: number; bn?: BatchNormOptions },
): Tensor {
  const cin = x.shape[1]!;
  return ctx.graph.scope(name, () => {
    const pad = (o.dilation * (o.kernel - 1)) / 2;
    const y = conv2d(ctx, relu(x), 'dw', {
      out: cin,
      kernel: o.kernel,
      stride: o.stride,
      padding: pad,
      dilation: o.dilation,
      groups: cin,
    });
    return batchNorm2d(ctx, conv2d(ctx, y, 'pw', { out: o.out, kernel: 1, padding: 0 }), 'bn', o.bn);
  });
}

/** 3×3 average pooling, stride 1 or 2, padding 1, not counting the padding (NB201/DARTS). */
export function avgPool3x3(x: Tensor, stride = 1): Tensor {
  return averagePool(x, { kernel: 3, strides: stride, pads: 1, countIncludePad: false });
}

export function maxPool3x3(x: Tensor, stride = 1): Tensor {
  return maxPool(x, { kernel: 3, strides: stride, pads: 1 });
}

/** The zero op: a tensor of zeros shaped like the op's output (x * 0 keeps the graph connected). */
export function zeroOp(x: Tensor, stride = 1): Tensor {
  const src = stride === 1 ? x : slice(x, [2, 3], [0, 0], [x.shape[2]!, x.shape[3]!], [stride, stride]);
  return mul(src, 0);
}

/**
 * DARTS factorized reduce: halves the resolution with two stride-2 1×1 convs, the second on the input
 * shifted by one pixel, concatenated along channels, then BN. Used for skip connections at reductions.
 */
export function factorizedReduce(
  ctx: NetContext,
  x: Tensor,
  name: string,
  o: { out: number; bn?: BatchNormOptions; init?: InitSpec },
): Tensor {
  return ctx.graph.scope(name, () => {
    const r = relu(x);
    const init = o.init ? { init: o.init } : {};
    const h = x.shape[2]!;
    const w = x.shape[3]!;
    // Halves of floor(out/2) and the rest, so an odd channel count still adds up.
    const half = Math.floor(o.out / 2);
    const a = conv2d(ctx, r, 'conv1', { out: half, kernel: 1, stride: 2, padding: 0, ...init });
    const shifted = slice(r, [2, 3], [1, 1], [h, w]);
    // The shifted input loses a row and a column; pad back so both halves have the same size.
    const b = conv2d(ctx, shifted, 'conv2', { out: o.out - half, kernel: 1, stride: 2, padding: 0, ...init });
    const bFitted =
      b.shape[2] === a.shape[2] ? b : padBottomRight(b, a.shape[2]! - b.shape[2]!, a.shape[3]! - b.shape[3]!);
    return batchNorm2d(ctx, concat([a, bFitted], 1), 'bn', o.bn);
  });
}

function padBottomRight(x: Tensor, rows: number, cols: number): Tensor {
  const zeros = mul(slice(x, [2], [0], [rows]), 0);
  const tall = concat([x, zeros], 2);
  const zcols = mul(slice(tall, [3], [0], [cols]), 0);
  return concat([tall, zcols], 3);
}

/**
 * The ResNet basic block used between NB201 stages: ReLU-Conv3×3(stride)-BN, ReLU-Conv3×3-BN, plus a
 * shortcut of 2×2 average pooling and a 1×1 conv when the shape changes.
 */
export function resnetBasicBlock(
  ctx: NetContext,
  x: Tensor,
  name: string,
  o: { out: number; stride: number },
): Tensor {
  return ctx.graph.scope(name, () => {
    const a = reluConvBn(ctx, x, 'conv_a', { out: o.out, kernel: 3, stride: o.stride, padding: 1 });
    const b = reluConvBn(ctx, a, 'conv_b', { out: o.out, kernel: 3, stride: 1, padding: 1 });
    let shortcut = x;
    if (o.stride === 2) {
      const pooled = averagePool(x, { kernel: 2, strides: 2, pads: 0, countIncludePad: true });
      shortcut = conv2d(ctx, pooled, 'downsample', { out: o.out, kernel: 1, padding: 0 });
    } else if (x.shape[1] !== o.out) {
      shortcut = reluConvBn(ctx, x, 'downsample', { out: o.out, kernel: 1, padding: 0 });
    }
    return add(shortcut, b);
  });
}

/** BN -> ReLU -> global average pool -> linear: the NB201 classifier head. */
export function bnReluClassifier(ctx: NetContext, x: Tensor, classes: number): Tensor {
  const y = relu(batchNorm2d(ctx, x, 'lastact'));
  return linear(ctx, flatten(globalAveragePool(y), 1), 'classifier', classes);
}

/** Global average pool -> linear (no final BN). */
export function poolClassifier(ctx: NetContext, x: Tensor, classes: number): Tensor {
  return linear(ctx, flatten(globalAveragePool(x), 1), 'classifier', classes);
}
