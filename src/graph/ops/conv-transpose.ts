/**
 * 2-D transposed convolution over static NCHW tensors (ONNX ConvTranspose, opset 17). It is the input
 * gradient of Conv, and a layer in its own right (upsampling). Its own gradient: the input gradient is
 * a Conv of dy with the same weights, the weight gradient is the Conv weight gradient with the roles of
 * input and output exchanged, and the bias gradient sums dy over N, H and W.
 */
import { attr, type Attrs, type Tensor, type TensorSpec } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { requireInput } from '../shape.js';
import { reduceSum } from './reduce-sum.js';
import {
  type Pair,
  type WindowOptions,
  checkInts,
  effectiveKernel,
  intAttr,
  makeWindow,
  readWindow,
  requireNchw,
  toPair,
  windowAttrs,
} from './conv-geometry.js';
import { rawConv } from './conv.js';
import { convWeightGrad, pickWeightGradMethod } from './conv-weight-grad.js';

export interface ConvTransposeOptions extends WindowOptions {
  /** Channel groups; Cin and Cout must both be divisible by it. Default 1. */
  group?: number;
  /** Extra rows/columns added at the bottom/right of the output, each < its stride. Default 0. */
  outputPadding?: number | readonly number[];
}

function readOutputPadding(attrs: Attrs): Pair {
  const a = attrs.output_padding;
  return a && a.kind === 'ints' ? [a.value[0]!, a.value[1]!] : [0, 0];
}

function inferConvTranspose(inputs: readonly (TensorSpec | null)[], attrs: Attrs): TensorSpec[] {
  const x = requireInput(inputs[0], 0);
  const w = requireInput(inputs[1], 1);
  const b = inputs[2] ?? null;
  requireNchw('', 'input x', x);
  if (w.shape.length !== 4) {
    throw new NaskitError(
      'shape_mismatch',
      `weight must be [Cin, Cout/group, kh, kw], got ${formatShape(w.shape)}`,
    );
  }
  if (w.dtype !== x.dtype || (b && b.dtype !== x.dtype)) {
    throw new NaskitError(
      'dtype_mismatch',
      `x is ${x.dtype} but weight/bias are ${w.dtype}/${b?.dtype ?? '-'}`,
    );
  }
  const group = intAttr(attrs, 'group', 1);
  const [cin, coutPerGroup, kh, kw] = w.shape as [number, number, number, number];
  if (x.shape[1] !== cin || !Number.isInteger(group) || group < 1 || cin % group !== 0) {
    throw new NaskitError(
      'shape_mismatch',
      `x ${formatShape(x.shape)} must have weight ${formatShape(w.shape)}'s ${cin} input ` +
        `channels, divisible by group ${group}`,
    );
  }
  const cout = coutPerGroup * group;
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) {
    throw new NaskitError('shape_mismatch', `bias must be [${cout}], got ${formatShape(b.shape)}`);
  }
  const window = readWindow(attrs, [kh, kw]);
  if (window.kernel[0] !== kh || window.kernel[1] !== kw) {
    throw new NaskitError(
      'shape_mismatch',
      `kernel_shape ${formatShape(window.kernel)} disagrees with weight ${formatShape(w.shape)}`,
    );
  }
  const op = readOutputPadding(attrs);
  const out = ([0, 1] as const).map((axis) => {
    if (op[axis] >= window.strides[axis]) {
      throw new NaskitError(
        'shape_mismatch',
        `output_padding ${formatShape(op)} must be smaller than strides ${formatShape(window.strides)}`,
      );
    }
    return (
      window.strides[axis] * (x.shape[2 + axis]! - 1) +
      op[axis] +
      effectiveKernel(window, axis) -
      window.pads[axis] -
      window.pads[axis + 2]!
    );
  });
  if (out[0]! < 1 || out[1]! < 1) {
    throw new NaskitError(
      'shape_mismatch',
      `input ${formatShape(x.shape)} with kernel ${formatShape(window.kernel)}, strides ` +
        `${formatShape(window.strides)} and pads ${formatShape(window.pads)} gives an empty output ` +
        `${formatShape(out)}; reduce the pads`,
    );
  }
  return [{ shape: [x.shape[0]!, cout, out[0]!, out[1]!], dtype: x.dtype }];
}

export const ConvTranspose = defineOp({
  type: 'ConvTranspose',
  infer: (inputs, attrs) => inferConvTranspose(inputs, attrs),
  vjp: ({ inputs, attrs, grads, needsGrad }) => {
    const x = inputs[0]!;
    const w = inputs[1]!;
    const dy = grads[0]!;
    const window = readWindow(attrs, [w.shape[2]!, w.shape[3]!]);
    const group = intAttr(attrs, 'group', 1);
    // y = ConvTranspose(x) means x's gradient is the forward Conv of dy; output_padding < stride
    // guarantees that Conv lands exactly on x's size.
    const dx = needsGrad(0) ? rawConv(dy, w, { ...window, group }) : null;
    // dW[ci, co, k] pairs x (the "output" of that Conv) with dy (its "input").
    const dw = needsGrad(1)
      ? convWeightGrad(
          { x: dy, dy: x, window, group, weightShape: w.shape },
          pickWeightGradMethod(dy.shape, w.shape, window, group),
        )
      : null;
    const db = inputs[2] && needsGrad(2) ? reduceSum(dy, [0, 2, 3]) : null;
    return [dx, dw, db];
  },
});

/**
 * convTranspose(x [N, Cin, H, W], w [Cin, Cout/group, kh, kw], b? [Cout]) -> [N, Cout, Ho, Wo], with
 * Ho = stride*(H-1) + output_padding + dilation*(kh-1) + 1 - pad_top - pad_bottom.
 */
export function convTranspose(
  x: Tensor,
  w: Tensor,
  b: Tensor | null = null,
  options: ConvTransposeOptions = {},
): Tensor {
  if (w.shape.length !== 4) {
    throw new NaskitError(
      'shape_mismatch',
      `ConvTranspose: weight must be [Cin, Cout/group, kh, kw], got ${formatShape(w.shape)}`,
    );
  }
  const window = makeWindow('ConvTranspose', [w.shape[2]!, w.shape[3]!], options);
  const group = options.group ?? 1;
  checkInts('ConvTranspose', 'group', [group], 1);
  const outputPadding = toPair('ConvTranspose', 'outputPadding', options.outputPadding, 0);
  checkInts('ConvTranspose', 'outputPadding', outputPadding, 0);
  return x.graph.apply1(ConvTranspose, b ? [x, w, b] : [x, w], {
    ...windowAttrs(window),
    group: attr.int(group),
    output_padding: attr.ints(outputPadding),
  });
}
