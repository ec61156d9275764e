/**
 * Plain-loop reference implementations of the convolution, pooling and batch-norm ops, written from
 * the definitions and independent of ONNX Runtime. The op tests compare ORT's results with these.
 */
import type { Window } from '../../src/graph/ops/conv-geometry.js';

export interface Nd {
  data: number[];
  shape: number[];
}

function at4(shape: readonly number[], a: number, b: number, c: number, d: number): number {
  return ((a * shape[1]! + b) * shape[2]! + c) * shape[3]! + d;
}

function outSize(size: number, w: Window, axis: 0 | 1): number {
  const ek = (w.kernel[axis] - 1) * w.dilations[axis] + 1;
  return Math.floor((size + w.pads[axis] + w.pads[axis + 2]! - ek) / w.strides[axis]) + 1;
}

/** Visit every (output position, in-bounds input position) pair of a window op on one plane. */
function forWindow(
  H: number,
  W: number,
  w: Window,
  visit: (oy: number, ox: number, iy: number, ix: number, ky: number, kx: number) => void,
): [number, number] {
  const Ho = outSize(H, w, 0);
  const Wo = outSize(W, w, 1);
  for (let oy = 0; oy < Ho; oy++)
    for (let ox = 0; ox < Wo; ox++)
      for (let ky = 0; ky < w.kernel[0]; ky++)
        for (let kx = 0; kx < w.kernel[1]; kx++) {
          const iy = oy * w.strides[0] - w.pads[0] + ky * w.dilations[0];
          const ix = ox * w.strides[1] - w.pads[1] + kx * w.dilations[1];
          if (iy >= 0 && iy < H && ix >= 0 && ix < W) visit(oy, ox, iy, ix, ky, kx);
        }
  return [Ho, Wo];
}

export function convRef(x: Nd, w: Nd, b: number[] | null, win: Window, group: number): Nd {
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const Cout = w.shape[0]!;
  const cinG = Cin / group;
  const coutG = Cout / group;
  const Ho = outSize(H, win, 0);
  const Wo = outSize(W, win, 1);
  const shape = [N, Cout, Ho, Wo];
  const data = new Array<number>(N * Cout * Ho * Wo).fill(0);
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Cout; co++) {
      const g = Math.floor(co / coutG);
      for (let ci = 0; ci < cinG; ci++)
        forWindow(H, W, win, (oy, ox, iy, ix, ky, kx) => {
          data[at4(shape, n, co, oy, ox)]! +=
            x.data[at4(x.shape, n, g * cinG + ci, iy, ix)]! * w.data[at4(w.shape, co, ci, ky, kx)]!;
        });
      if (b) for (let i = 0; i < Ho * Wo; i++) data[at4(shape, n, co, 0, 0) + i]! += b[co]!;
    }
  return { data, shape };
}

/** Scatter form of the transposed convolution: each input pixel adds w times itself to the output. */
export function convTransposeRef(
  x: Nd,
  w: Nd,
  win: Window,
  group: number,
  outputPadding: [number, number],
): Nd {
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const coutG = w.shape[1]!;
  const cinG = Cin / group;
  const Cout = coutG * group;
  const size = (s: number, axis: 0 | 1) =>
    win.strides[axis] * (s - 1) +
    outputPadding[axis] +
    (win.kernel[axis] - 1) * win.dilations[axis] +
    1 -
    win.pads[axis] -
    win.pads[axis + 2]!;
  const shape = [N, Cout, size(H, 0), size(W, 1)];
  const data = new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0);
  for (let n = 0; n < N; n++)
    for (let ci = 0; ci < Cin; ci++) {
      const g = Math.floor(ci / cinG);
      for (let co = 0; co < coutG; co++)
        for (let iy = 0; iy < H; iy++)
          for (let ix = 0; ix < W; ix++)
            for (let ky = 0; ky < win.kernel[0]; ky++)
              for (let kx = 0; kx < win.kernel[1]; kx++) {
                const oy = iy * win.strides[0] - win.pads[0] + ky * win.dilations[0];
                const ox = ix * win.strides[1] - win.pads[1] + kx * win.dilations[1];
                if (oy < 0 || oy >= shape[2]! || ox < 0 || ox >= shape[3]!) continue;
                data[at4(shape, n, g * coutG + co, oy, ox)]! +=
                  x.data[at4(x.shape, n, ci, iy, ix)]! * w.data[at4(w.shape, ci, co, ky, kx)]!;
              }
    }
  return { data, shape };
}

/** dW of a convolution straight from its definition. */
export function convWeightGradRef(x: Nd, dy: Nd, wShape: readonly number[], win: Window, group: number): Nd {
  const [N, , H, W] = x.shape as [number, number, number, number];
  const [Cout, cinG] = wShape as [number, number];
  const coutG = Cout / group;
  const data = new Array<number>(wShape.reduce((a, b) => a * b, 1)).fill(0);
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Cout; co++) {
      const g = Math.floor(co / coutG);
      for (let ci = 0; ci < cinG; ci++)
        forWindow(H, W, win, (oy, ox, iy, ix, ky, kx) => {
          data[at4(wShape, co, ci, ky, kx)]! +=
            dy.data[at4(dy.shape, n, co, oy, ox)]! * x.data[at4(x.shape, n, g * cinG + ci, iy, ix)]!;
        });
    }
  return { data, shape: [...wShape] };
}

export function poolRef(x: Nd, win: Window, kind: 'max' | 'avg-include-pad' | 'avg-exclude-pad'): Nd {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const Ho = outSize(H, win, 0);
  const Wo = outSize(W, win, 1);
  const shape = [N, C, Ho, Wo];
  const data: number[] = [];
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const acc = new Array<number>(Ho * Wo).fill(kind === 'max' ? -Infinity : 0);
      const count = new Array<number>(Ho * Wo).fill(0);
      forWindow(H, W, win, (oy, ox, iy, ix) => {
        const v = x.data[at4(x.shape, n, c, iy, ix)]!;
        const i = oy * Wo + ox;
        acc[i] = kind === 'max' ? Math.max(acc[i]!, v) : acc[i]! + v;
        count[i]!++;
      });
      const full = win.kernel[0] * win.kernel[1];
      for (let i = 0; i < Ho * Wo; i++) {
        if (kind === 'max') data.push(acc[i]!);
        else data.push(acc[i]! / (kind === 'avg-include-pad' ? full : count[i]!));
      }
    }
  return { data, shape };
}

export interface BatchNormRef {
  y: Nd;
  mean: number[];
  /** Biased (population) variance, used to normalise. */
  variance: number[];
  /** Unbiased variance, used for the running statistic. */
  unbiased: number[];
}

/** Batch-statistics normalisation; with `stats` given, normalises with those instead (inference). */
export function batchNormRef(
  x: Nd,
  scale: number[],
  bias: number[],
  eps: number,
  stats?: { mean: number[]; variance: number[] },
): BatchNormRef {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const M = N * H * W;
  const mean: number[] = [];
  const variance: number[] = [];
  const unbiased: number[] = [];
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let i = 0; i < H * W; i++) s += x.data[at4(x.shape, n, c, 0, 0) + i]!;
    const m = s / M;
    let q = 0;
    for (let n = 0; n < N; n++)
      for (let i = 0; i < H * W; i++) q += (x.data[at4(x.shape, n, c, 0, 0) + i]! - m) ** 2;
    mean.push(m);
    variance.push(q / M);
    unbiased.push(q / (M - 1));
  }
  const useMean = stats?.mean ?? mean;
  const useVar = stats?.variance ?? variance;
  const data = x.data.map((v, idx) => {
    const c = Math.floor(idx / (H * W)) % C;
    return (scale[c]! * (v - useMean[c]!)) / Math.sqrt(useVar[c]! + eps) + bias[c]!;
  });
  return { y: { data, shape: [...x.shape] }, mean, variance, unbiased };
}
