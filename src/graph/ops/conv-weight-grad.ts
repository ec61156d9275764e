/**
 * Weight gradient of a 2-D convolution, dW[co, ci, ky, kx] = sum over b, oy, ox of
 * dy[b, co, oy, ox] * xpad[b, ci, oy*sh + ky*dh, ox*sw + kx*dw], built from standard ONNX ops.
 *
 * Several formulations are kept so that `naskit bench conv-grad` can time them side by side; the
 * gradient rule uses `pickWeightGradMethod`, whose choices come from those measurements. Every method
 * handles stride, dilation, asymmetric padding and groups (depthwise included).
 */
import type { Tensor } from '../graph.js';
import { NaskitError } from '../../util/errors.js';
import { reshape } from './reshape.js';
import { reduceSum } from './reduce-sum.js';
import { mul } from './mul.js';
import { concat } from './concat.js';
import { matMul } from './mat-mul.js';
import { pad } from './pad.js';
import { slice } from './slice.js';
import { transpose } from './transpose.js';
import type { Window } from './conv-geometry.js';
import { rawConv } from './conv.js';

export const WEIGHT_GRAD_METHODS = [
  'conv',
  'offsets-nhwc',
  'im2col-cm',
  'per-sample',
  'per-sample-offsets',
  'per-sample-cm',
  'depthwise-reduce',
] as const;
export type WeightGradMethod = (typeof WEIGHT_GRAD_METHODS)[number];

export interface WeightGradProblem {
  x: Tensor; // [B, Cin, H, W]
  dy: Tensor; // [B, Cout, Ho, Wo]
  window: Window;
  group: number;
  /** [Cout, Cin / group, kh, kw] */
  weightShape: readonly number[];
}

interface Dims {
  B: number;
  Cin: number;
  Cout: number;
  g: number;
  cin: number; // per group
  cout: number; // per group
  Ho: number;
  Wo: number;
  N: number; // B * Ho * Wo, the reduction length
  kh: number;
  kw: number;
}

function dimsOf(p: WeightGradProblem): Dims {
  const [B, Cin] = p.x.shape as [number, number];
  const [, Cout, Ho, Wo] = p.dy.shape as [number, number, number, number];
  const [kh, kw] = p.window.kernel;
  return {
    B,
    Cin,
    Cout,
    g: p.group,
    cin: Cin / p.group,
    cout: Cout / p.group,
    Ho,
    Wo,
    N: B * Ho * Wo,
    kh,
    kw,
  };
}

/** The input window that kernel offset (ky, kx) sees, as a strided slice of the padded spatial axes. */
function offsetSlice(xp: Tensor, hAxis: number, w: Window, d: Dims, ky: number, kx: number): Tensor {
  const [sh, sw] = w.strides;
  const [dh, dw] = w.dilations;
  const h0 = ky * dh;
  const w0 = kx * dw;
  const whole = h0 === 0 && w0 === 0 && xp.shape[hAxis] === d.Ho && xp.shape[hAxis + 1] === d.Wo;
  if (whole) return xp; // 1x1, stride 1, no padding: the window is the input itself
  return slice(
    xp,
    [hAxis, hAxis + 1],
    [h0, w0],
    [h0 + sh * (d.Ho - 1) + 1, w0 + sw * (d.Wo - 1) + 1],
    [sh, sw],
  );
}

function offsets(d: Dims): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let ky = 0; ky < d.kh; ky++) for (let kx = 0; kx < d.kw; kx++) out.push([ky, kx]);
  return out;
}

function padded(p: WeightGradProblem): Tensor {
  const [pt, pl, pb, pr] = p.window.pads;
  return pad(p.x, [0, 0, pt, pl, 0, 0, pb, pr]);
}

/** x as [g, B, Hp, Wp, cin]: channels last within each group. */
function channelsLast(p: WeightGradProblem, d: Dims): Tensor {
  const xp = padded(p);
  const [, , Hp, Wp] = xp.shape as [number, number, number, number];
  return transpose(reshape(xp, [d.B, d.g, d.cin, Hp, Wp]), [1, 0, 3, 4, 2]);
}

/** x as [g, cin, B, Hp, Wp]: channel-major, batch and space contiguous. */
function channelMajor(p: WeightGradProblem, d: Dims): Tensor {
  const xp = padded(p);
  const [, , Hp, Wp] = xp.shape as [number, number, number, number];
  return transpose(reshape(xp, [d.B, d.g, d.cin, Hp, Wp]), [1, 2, 0, 3, 4]);
}

/** dy as [g, cout, N]. */
function dyRows(p: WeightGradProblem, d: Dims): Tensor {
  return reshape(transpose(reshape(p.dy, [d.B, d.g, d.cout, d.Ho * d.Wo]), [1, 2, 0, 3]), [d.g, d.cout, d.N]);
}

/** dy as [g, N, cout]. */
function dyColumns(p: WeightGradProblem, d: Dims): Tensor {
  return reshape(transpose(reshape(p.dy, [d.B, d.g, d.cout, d.Ho * d.Wo]), [1, 0, 3, 2]), [d.g, d.N, d.cout]);
}

/** [g, cout, K*cin] with columns ordered (ky, kx, ci) -> [Cout, cin, kh, kw]. */
function fromCoutRows(t: Tensor, d: Dims): Tensor {
  return transpose(reshape(t, [d.Cout, d.kh, d.kw, d.cin]), [0, 3, 1, 2]);
}

/** [g, K*cin, cout] with rows ordered (ky, kx, ci) -> [Cout, cin, kh, kw]. */
function fromCoutColumns(t: Tensor, d: Dims): Tensor {
  const perm = transpose(reshape(t, [d.g, d.kh, d.kw, d.cin, d.cout]), [0, 4, 3, 1, 2]);
  return reshape(perm, [d.Cout, d.cin, d.kh, d.kw]);
}

const builders: Record<WeightGradMethod, (p: WeightGradProblem, d: Dims) => Tensor> = {
  // A convolution of x (channels as batch, batch as channels) with dy as the filter; stride and
  // dilation swap roles. Groups become a grouped conv over (group, batch) channels.
  conv: (p, d) => {
    const w = p.window;
    const xT = reshape(
      transpose(reshape(p.x, [d.B, d.g, d.cin, p.x.shape[2]!, p.x.shape[3]!]), [2, 1, 0, 3, 4]),
      [d.cin, d.g * d.B, p.x.shape[2]!, p.x.shape[3]!],
    );
    const filter = transpose(p.dy, [1, 0, 2, 3]); // [Cout, B, Ho, Wo]
    const out = rawConv(xT, filter, {
      kernel: [d.Ho, d.Wo],
      strides: w.dilations,
      dilations: w.strides,
      pads: w.pads,
      group: d.g,
    }); // [cin, Cout, >=kh, >=kw]: rows the forward's floor dropped give extra taps
    const cropped =
      out.shape[2] === d.kh && out.shape[3] === d.kw ? out : slice(out, [2, 3], [0, 0], [d.kh, d.kw]);
    return transpose(cropped, [1, 0, 2, 3]);
  },
  // One MatMul per kernel offset: dy [g, cout, N] x slice [g, N, cin] (channels-last input).
  'offsets-nhwc': (p, d) => {
    const xl = channelsLast(p, d);
    const rows = dyRows(p, d);
    const parts = offsets(d).map(([ky, kx]) =>
      matMul(rows, reshape(offsetSlice(xl, 2, p.window, d, ky, kx), [d.g, d.N, d.cin])),
    );
    return fromCoutRows(concat(parts, 2), d);
  },
  // All offsets gathered into one [g, K*cin, N] matrix, then a single MatMul.
  'im2col-cm': (p, d) => {
    const xc = channelMajor(p, d);
    const parts = offsets(d).map(([ky, kx]) =>
      reshape(offsetSlice(xc, 3, p.window, d, ky, kx), [d.g, d.cin, d.N]),
    );
    return fromCoutColumns(matMul(concat(parts, 1), dyColumns(p, d)), d);
  },
  // Per-sample im2col: batched MatMul over (B, g) with dy in its natural layout, then a sum over B.
  'per-sample': (p, d) => {
    const xp = padded(p);
    const [, , Hp, Wp] = xp.shape as [number, number, number, number];
    const xl = transpose(reshape(xp, [d.B, d.g, d.cin, Hp, Wp]), [0, 1, 3, 4, 2]); // [B, g, Hp, Wp, cin]
    const parts = offsets(d).map(([ky, kx]) =>
      reshape(offsetSlice(xl, 2, p.window, d, ky, kx), [d.B, d.g, d.Ho * d.Wo, d.cin]),
    );
    const dy4 = reshape(p.dy, [d.B, d.g, d.cout, d.Ho * d.Wo]);
    return fromCoutRows(reduceSum(matMul(dy4, concat(parts, 3)), [0]), d);
  },
  // Per-sample, one batched MatMul per offset (no im2col buffer), then a sum over B.
  'per-sample-offsets': (p, d) => {
    const xp = padded(p);
    const [, , Hp, Wp] = xp.shape as [number, number, number, number];
    const xl = transpose(reshape(xp, [d.B, d.g, d.cin, Hp, Wp]), [0, 1, 3, 4, 2]); // [B, g, Hp, Wp, cin]
    const dy4 = reshape(p.dy, [d.B, d.g, d.cout, d.Ho * d.Wo]);
    const parts = offsets(d).map(([ky, kx]) =>
      reduceSum(
        matMul(dy4, reshape(offsetSlice(xl, 2, p.window, d, ky, kx), [d.B, d.g, d.Ho * d.Wo, d.cin])),
        [0],
      ),
    );
    return fromCoutRows(concat(parts, 2), d);
  },
  // Per-sample channel-major im2col [B, g, K*cin, HW] against dy^T [B, g, HW, cout] (free when cout = 1).
  'per-sample-cm': (p, d) => {
    const xp = padded(p);
    const [, , Hp, Wp] = xp.shape as [number, number, number, number];
    const x5 = reshape(xp, [d.B, d.g, d.cin, Hp, Wp]);
    const parts = offsets(d).map(([ky, kx]) =>
      reshape(offsetSlice(x5, 3, p.window, d, ky, kx), [d.B, d.g, d.cin, d.Ho * d.Wo]),
    );
    const dyT =
      d.cout === 1
        ? reshape(p.dy, [d.B, d.g, d.Ho * d.Wo, 1])
        : transpose(reshape(p.dy, [d.B, d.g, d.cout, d.Ho * d.Wo]), [0, 1, 3, 2]);
    return fromCoutColumns(reduceSum(matMul(concat(parts, 2), dyT), [0]), d);
  },
  // One input channel per group (depthwise): elementwise products summed over batch and space.
  'depthwise-reduce': (p, d) => {
    if (d.cin !== 1) {
      throw new NaskitError(
        'invalid_argument',
        `conv weight gradient 'depthwise-reduce' needs one input channel per group, got ${d.cin}`,
      );
    }
    const xp = padded(p); // [B, C, Hp, Wp]
    const dy5 = reshape(p.dy, [d.B, d.g, d.cout, d.Ho, d.Wo]);
    const parts = offsets(d).map(([ky, kx]) => {
      const xs = reshape(offsetSlice(xp, 2, p.window, d, ky, kx), [d.B, d.g, 1, d.Ho, d.Wo]);
      return reduceSum(mul(dy5, xs), [0, 3, 4], true); // [1, g, cout, 1, 1]
    });
    return reshape(concat(parts, 4), [d.Cout, 1, d.kh, d.kw]);
  },
};

export function convWeightGrad(p: WeightGradProblem, method: WeightGradMethod): Tensor {
  const build = builders[method];
  if (!build) {
    throw new NaskitError(
      'invalid_argument',
      `conv weight gradient: unknown method '${method}' (known: ${WEIGHT_GRAD_METHODS.join(', ')})`,
    );
  }
  return build(p, dimsOf(p));
}

/** Methods that apply to this problem ('depthwise-reduce' needs one input channel per group). */
export function applicableWeightGradMethods(xShape: readonly number[], group: number): WeightGradMethod[] {
  const depthwise = xShape[1]! / group === 1;
  return WEIGHT_GRAD_METHODS.filter((m) => m !== 'depthwise-reduce' || depthwise);
}

/**
 * The fastest measured formulation for this shape class (`naskit bench conv-grad`, ORT 1.30, 2
 * threads, batch 64): per-sample batched MatMuls beat one large GEMM per offset because a GEMM with
 * a huge reduction and a small output barely threads; 1x1 kernels skip the channels-last transpose;
 * depthwise kernels use one grouped Conv: for 3x3 that ran ~20% slower than products summed per offset
 * (13.3 vs 10.9 ms at C=32, 16px), but it is 4 nodes instead of 36, and ORT's session creation grows
 * faster than linearly with node count (a DARTS supernet training graph: 74.5k nodes with per-offset
 * sums, 63k with the Conv; the 'depthwise-reduce' method stays available to `bench conv-grad`).
 */
export function pickWeightGradMethod(
  xShape: readonly number[],
  wShape: readonly number[],
  _window: Window,
  group: number,
): WeightGradMethod {
  const depthwise = xShape[1]! / group === 1 && group > 1;
  const taps = wShape[2]! * wShape[3]!;
  if (depthwise) return 'conv';
  if (taps === 1) return 'per-sample-cm';
  return 'per-sample-offsets';
}
