/**
 * 2-D convolution over static NCHW tensors (ONNX Conv, opset 17) with its gradient:
 * - input: at stride 1 a Conv of dy with the flipped kernel, otherwise a ConvTranspose of dy with the
 *   same weights, its output_padding restoring the rows the forward's floor division dropped;
 * - weight: see conv-weight-grad.ts (the formulation is chosen per shape class from measurements);
 * - bias: dy summed over N, H and W.
 */
import { attr, type Attrs, type Tensor, type TensorSpec } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { requireInput } from '../shape.js';
import { reduceSum } from './reduce-sum.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { transpose } from './transpose.js';
import {
  type Window,
  type WindowOptions,
  effectiveKernel,
  intAttr,
  makeWindow,
  readWindow,
  requireNchw,
  windowAttrs,
  windowOutput,
} from './conv-geometry.js';
import { convTranspose } from './conv-transpose.js';
import { convWeightGrad, pickWeightGradMethod } from './conv-weight-grad.js';

export interface ConvOptions extends WindowOptions {
  /** Channel groups; Cin and Cout must both be divisible by it (group = Cin is depthwise). Default 1. */
  group?: number;
}

function inferConv(inputs: readonly (TensorSpec | null)[], attrs: Attrs): TensorSpec[] {
  const x = requireInput(inputs[0], 0);
  const w = requireInput(inputs[1], 1);
  const b = inputs[2] ?? null;
  requireNchw('', 'input x', x);
  if (w.shape.length !== 4) {
    throw new NaskitError(
      'shape_mismatch',
      `weight must be [Cout, Cin/group, kh, kw], got ${formatShape(w.shape)}`,
    );
  }
  if (w.dtype !== x.dtype || (b && b.dtype !== x.dtype)) {
    throw new NaskitError(
      'dtype_mismatch',
      `x is ${x.dtype} but weight/bias are ${w.dtype}/${b?.dtype ?? '-'}`,
    );
  }
  const group = intAttr(attrs, 'group', 1);
  const [cout, cinPerGroup, kh, kw] = w.shape as [number, number, number, number];
  const cin = x.shape[1]!;
  if (!Number.isInteger(group) || group < 1 || cin % group !== 0 || cout % group !== 0) {
    throw new NaskitError(
      'shape_mismatch',
      `group ${group} must divide both input channels ${cin} (x ${formatShape(x.shape)}) and output ` +
        `channels ${cout} (weight ${formatShape(w.shape)})`,
    );
  }
  if (cinPerGroup * group !== cin) {
    throw new NaskitError(
      'shape_mismatch',
      `weight ${formatShape(w.shape)} expects ${cinPerGroup} input channels per group, but x ` +
        `${formatShape(x.shape)} with group ${group} has ${cin / group}; the weight must be ` +
        `[Cout, ${cin / group}, kh, kw]`,
    );
  }
  const window = readWindow(attrs, [kh, kw]);
  if (window.kernel[0] !== kh || window.kernel[1] !== kw) {
    throw new NaskitError(
      'shape_mismatch',
      `kernel_shape ${formatShape(window.kernel)} disagrees with weight ${formatShape(w.shape)}`,
    );
  }
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) {
    throw new NaskitError('shape_mismatch', `bias must be [${cout}], got ${formatShape(b.shape)}`);
  }
  const [ho, wo] = windowOutput('', x.shape, window);
  return [{ shape: [x.shape[0]!, cout, ho, wo], dtype: x.dtype }];
}

export const Conv = defineOp({
  type: 'Conv',
  infer: (inputs, attrs) => inferConv(inputs, attrs),
  vjp: ({ inputs, attrs, grads, needsGrad }) => {
    const x = inputs[0]!;
    const w = inputs[1]!;
    const dy = grads[0]!;
    const window = readWindow(attrs, [w.shape[2]!, w.shape[3]!]);
    const group = intAttr(attrs, 'group', 1);
    const dx = needsGrad(0) ? convInputGrad(dy, w, x.shape, window, group) : null;
    const dw = needsGrad(1)
      ? convWeightGrad(
          { x, dy, window, group, weightShape: w.shape },
          pickWeightGradMethod(x.shape, w.shape, window, group),
        )
      : null;
    const db = inputs[2] && needsGrad(2) ? reduceSum(dy, [0, 2, 3]) : null;
    return [dx, dw, db];
  },
});

export type InputGradMethod = 'conv-transpose' | 'flipped-conv';

/**
 * Whether dL/dx can be a plain Conv of dy with the spatially flipped, channel-transposed kernel: only
 * at stride 1, and only when no pad reaches past the kernel extent (the new pads extent-1-pad must
 * not be negative).
 */
export function canUseFlippedConv(window: Window): boolean {
  return ([0, 1] as const).every(
    (axis) =>
      window.strides[axis] === 1 &&
      window.pads[axis] <= effectiveKernel(window, axis) - 1 &&
      window.pads[axis + 2]! <= effectiveKernel(window, axis) - 1,
  );
}

/**
 * dL/dx of a convolution. 'conv-transpose' is ConvTranspose(dy, W), its output_padding adding back
 * input rows no output window reached; 'flipped-conv' (stride 1 only) is the same sum written as a
 * forward Conv, which ORT runs faster than ConvTranspose (see `naskit bench conv-grad`).
 */
export function convInputGrad(
  dy: Tensor,
  w: Tensor,
  xShape: readonly number[],
  window: Window,
  group: number,
  method: InputGradMethod = canUseFlippedConv(window) ? 'flipped-conv' : 'conv-transpose',
): Tensor {
  if (method === 'flipped-conv') {
    if (!canUseFlippedConv(window)) {
      throw new NaskitError(
        'invalid_argument',
        `Conv input gradient: 'flipped-conv' needs stride 1 and pads within the kernel extent, got strides ` +
          `${formatShape(window.strides)} and pads ${formatShape(window.pads)}`,
      );
    }
    const [cout, cinG, kh, kw] = w.shape as [number, number, number, number];
    const perGroup = reshape(w, [group, cout / group, cinG, kh, kw]);
    const swapped = reshape(transpose(perGroup, [0, 2, 1, 3, 4]), [cinG * group, cout / group, kh, kw]);
    const flipped = slice(swapped, [2, 3], [kh - 1, kw - 1], [-kh - 1, -kw - 1], [-1, -1]);
    const reach = (axis: 0 | 1) => effectiveKernel(window, axis) - 1;
    return rawConv(dy, flipped, {
      kernel: window.kernel,
      strides: window.strides,
      dilations: window.dilations,
      pads: [
        reach(0) - window.pads[0],
        reach(1) - window.pads[1],
        reach(0) - window.pads[2],
        reach(1) - window.pads[3],
      ],
      group,
    });
  }
  const outputPadding = ([0, 1] as const).map((axis) => {
    const reached =
      window.strides[axis] * (dy.shape[2 + axis]! - 1) +
      effectiveKernel(window, axis) -
      window.pads[axis] -
      window.pads[axis + 2]!;
    return xShape[2 + axis]! - reached;
  });
  return convTranspose(dy, w, null, {
    strides: window.strides,
    pads: window.pads,
    dilations: window.dilations,
    group,
    outputPadding,
  });
}

/** A Conv node from an already normalised window (used by gradient rules). */
export function rawConv(
  x: Tensor,
  w: Tensor,
  window: Window & { group: number },
  b: Tensor | null = null,
): Tensor {
  const inputs = b ? [x, w, b] : [x, w];
  return x.graph.apply1(Conv, inputs, { ...windowAttrs(window), group: attr.int(window.group) });
}

/**
 * conv(x [N, Cin, H, W], w [Cout, Cin/group, kh, kw], b? [Cout]) -> [N, Cout, Ho, Wo], with
 * Ho = floor((H + pad_top + pad_bottom - dilation*(kh-1) - 1) / stride) + 1.
 */
export function conv(x: Tensor, w: Tensor, b: Tensor | null = null, options: ConvOptions = {}): Tensor {
  if (w.shape.length !== 4) {
    throw new NaskitError(
      'shape_mismatch',
      `Conv: weight must be [Cout, Cin/group, kh, kw], got ${formatShape(w.shape)}`,
    );
  }
  const window = makeWindow('Conv', [w.shape[2]!, w.shape[3]!], options);
  const group = options.group ?? 1;
  if (!Number.isInteger(group) || group < 1) {
    throw new NaskitError('shape_mismatch', `Conv: group must be a positive integer, got ${group}`);
  }
  return rawConv(x, w, { ...window, group }, b);
}
