/** Convolution layers with their parameters declared under the current graph scope. */
import type { Tensor } from '../graph/graph.js';
import type { InitSpec } from '../graph/init-spec.js';
import type { NetContext } from '../graph/network.js';
import { conv } from '../graph/ops/conv.js';

export interface Conv2dOptions {
  out: number;
  kernel: number;
  stride?: number;
  /** Symmetric padding; defaults to "same" for odd kernels at stride 1: dilation * (kernel - 1) / 2. */
  padding?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
  /** Weight initializer; defaults to PyTorch's Conv2d default (Kaiming-uniform with a = sqrt(5)). */
  init?: InitSpec;
}

/** PyTorch's default weight init: kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function torchDefaultInit(fanIn: number, fanOut: number): InitSpec {
  return { kind: 'kaimingUniform', fanIn, fanOut, gain: Math.sqrt(1 / 3) };
}

/** The weight conv2d(ctx, x with `cin` channels, name, options) declares, under `${name}/weight`. */
export function conv2dWeight(ctx: NetContext, cin: number, name: string, options: Conv2dOptions): Tensor {
  const groups = options.groups ?? 1;
  const k = options.kernel;
  const fanIn = (cin / groups) * k * k;
  const fanOut = (options.out / groups) * k * k;
  return ctx.graph.scope(name, () =>
    ctx.graph.param('weight', [options.out, cin / groups, k, k], {
      init: options.init ?? torchDefaultInit(fanIn, fanOut),
    }),
  );
}

export function conv2d(ctx: NetContext, x: Tensor, name: string, options: Conv2dOptions): Tensor {
  const g = ctx.graph;
  const cin = x.shape[1]!;
  const groups = options.groups ?? 1;
  const k = options.kernel;
  const dilation = options.dilation ?? 1;
  const stride = options.stride ?? 1;
  const padding = options.padding ?? (dilation * (k - 1)) / 2;
  const fanIn = (cin / groups) * k * k;
  const w = conv2dWeight(ctx, cin, name, options);
  return g.scope(name, () => {
    const b = options.bias
      ? g.param('bias', [options.out], {
          init: { kind: 'uniform', low: -1 / Math.sqrt(fanIn), high: 1 / Math.sqrt(fanIn) },
          noDecay: true,
        })
      : null;
    return conv(x, w, b, { strides: stride, pads: padding, dilations: dilation, group: groups });
  });
}
