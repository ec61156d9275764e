/**
 * Shape inference shared by MaxPool and AveragePool: an NCHW input, a window from the node's
 * attributes, floor-mode output size (ceil_mode is not supported), and padding below the kernel size
 * so that no window lies entirely in the padding.
 */
import type { Attrs, TensorSpec } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { requireInput } from '../shape.js';
import {
  type Window,
  type WindowOptions,
  intAttr,
  makeWindow,
  readWindow,
  requireNchw,
  windowOutput,
} from './conv-geometry.js';

export interface PoolOptions extends WindowOptions {
  /** Window size: one number for both axes, or [h, w]. Required. */
  kernel: number | readonly number[];
  /** Defaults to 1 (ONNX); pass the kernel size for the usual non-overlapping pooling. */
  strides?: number | readonly number[];
}

export function poolWindow(op: string, options: PoolOptions): Window {
  if (options.kernel === undefined) {
    throw new NaskitError('invalid_argument', `${op}: options.kernel is required`);
  }
  return makeWindow(op, options.kernel, options);
}

/**
 * Infer [N, C, Ho, Wo] for a pooling node, naming the input shape and the attribute at fault (the graph
 * prefixes the op and node name).
 */
export function inferPool(inputs: readonly (TensorSpec | null)[], attrs: Attrs): [TensorSpec, Window] {
  const x = requireInput(inputs[0], 0);
  requireNchw('', 'input x', x);
  if (intAttr(attrs, 'ceil_mode', 0) !== 0) {
    throw new NaskitError('invalid_argument', 'ceil_mode=1 is not supported; pad the input instead');
  }
  if (!attrs.kernel_shape) {
    throw new NaskitError('shape_mismatch', `kernel_shape is required (input ${formatShape(x.shape)})`);
  }
  const window = readWindow(attrs, [1, 1]);
  const [ho, wo] = windowOutput('', x.shape, window, true);
  return [{ shape: [x.shape[0]!, x.shape[1]!, ho, wo], dtype: x.dtype }, window];
}
