/**
 * Window geometry shared by Conv, ConvTranspose and the pools: option normalisation (a number means
 * "the same for both spatial axes"), ONNX attribute encoding and decoding, and output sizes. Only 2-D
 * spatial windows over static NCHW tensors are supported.
 */
import { attr, type Attrs, type TensorSpec } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';

export type Pair = readonly [number, number];
/** [top, left, bottom, right], the ONNX order (all begins, then all ends). */
export type Pads4 = readonly [number, number, number, number];

export interface WindowOptions {
  /** One number for both axes, or [h, w]. Default 1. */
  strides?: number | readonly number[];
  /** One number for all sides, [h, w] (symmetric) or [top, left, bottom, right]. Default 0. */
  pads?: number | readonly number[];
  /** One number for both axes, or [h, w]. Default 1. */
  dilations?: number | readonly number[];
}

export interface Window {
  kernel: Pair;
  strides: Pair;
  pads: Pads4;
  dilations: Pair;
}

/** `op` prefixes builder-time messages; inference passes '' because the graph adds op and node name. */
function prefix(op: string): string {
  return op ? `${op}: ` : '';
}

function fail(op: string, message: string): never {
  throw new NaskitError('shape_mismatch', `${prefix(op)}${message}`);
}

export function toPair(
  op: string,
  name: string,
  value: number | readonly number[] | undefined,
  dflt: number,
): Pair {
  const v = value === undefined ? [dflt, dflt] : typeof value === 'number' ? [value, value] : [...value];
  if (v.length !== 2) fail(op, `${name} must be one number or [h, w], got ${formatShape(v)}`);
  return [v[0]!, v[1]!];
}

export function toPads(op: string, value: number | readonly number[] | undefined): Pads4 {
  const v = value === undefined ? [0] : typeof value === 'number' ? [value] : [...value];
  if (v.length === 1) return [v[0]!, v[0]!, v[0]!, v[0]!];
  if (v.length === 2) return [v[0]!, v[1]!, v[0]!, v[1]!];
  if (v.length === 4) return [v[0]!, v[1]!, v[2]!, v[3]!];
  return fail(op, `pads must be one number, [h, w] or [top, left, bottom, right], got ${formatShape(v)}`);
}

/** Check that every number is an integer at least `min`, naming the attribute otherwise. */
export function checkInts(op: string, name: string, values: readonly number[], min: number): void {
  if (values.some((v) => !Number.isInteger(v) || v < min)) {
    fail(op, `${name} ${formatShape(values)} must be integers >= ${min}`);
  }
}

export function makeWindow(op: string, kernel: number | readonly number[], options: WindowOptions): Window {
  const w: Window = {
    kernel: toPair(op, 'kernel', kernel, 1),
    strides: toPair(op, 'strides', options.strides, 1),
    pads: toPads(op, options.pads),
    dilations: toPair(op, 'dilations', options.dilations, 1),
  };
  checkInts(op, 'kernel', w.kernel, 1);
  checkInts(op, 'strides', w.strides, 1);
  checkInts(op, 'pads', w.pads, 0);
  checkInts(op, 'dilations', w.dilations, 1);
  return w;
}

export function windowAttrs(w: Window, withDilations = true): Record<string, ReturnType<typeof attr.ints>> {
  const out: Record<string, ReturnType<typeof attr.ints>> = {
    kernel_shape: attr.ints(w.kernel),
    strides: attr.ints(w.strides),
    pads: attr.ints(w.pads),
  };
  if (withDilations) out.dilations = attr.ints(w.dilations);
  return out;
}

function intsAttr(attrs: Attrs, name: string, fallback: readonly number[]): number[] {
  const a = attrs[name];
  return a && a.kind === 'ints' ? [...a.value] : [...fallback];
}

/** Decode a node's window attributes (written in full by the builders; ONNX defaults otherwise). */
export function readWindow(attrs: Attrs, kernelFallback: Pair): Window {
  const k = intsAttr(attrs, 'kernel_shape', kernelFallback);
  const s = intsAttr(attrs, 'strides', [1, 1]);
  const p = intsAttr(attrs, 'pads', [0, 0, 0, 0]);
  const d = intsAttr(attrs, 'dilations', [1, 1]);
  return {
    kernel: [k[0]!, k[1]!],
    strides: [s[0]!, s[1]!],
    pads: [p[0]!, p[1]!, p[2]!, p[3]!],
    dilations: [d[0]!, d[1]!],
  };
}

export function intAttr(attrs: Attrs, name: string, fallback: number): number {
  const a = attrs[name];
  return a && a.kind === 'int' ? a.value : fallback;
}

/** Spatial extent of a dilated kernel. */
export function effectiveKernel(w: Window, axis: 0 | 1): number {
  return (w.kernel[axis] - 1) * w.dilations[axis] + 1;
}

/**
 * Output [H, W] of a strided window over `input` ([N, C, H, W]), failing with the offending numbers.
 * Pools (`padsBelowKernel`) also reject padding that would leave a window entirely in the padding.
 */
export function windowOutput(op: string, input: readonly number[], w: Window, padsBelowKernel = false): Pair {
  const out: number[] = [];
  for (const axis of [0, 1] as const) {
    const size = input[2 + axis]!;
    const padded = size + w.pads[axis] + w.pads[axis + 2]!;
    const ek = effectiveKernel(w, axis);
    if (padded < ek) {
      fail(
        op,
        `input ${formatShape(input)} is too small on axis ${axis === 0 ? 'H' : 'W'}: ${size} + pads ` +
          `${w.pads[axis]}+${w.pads[axis + 2]!} = ${padded} < kernel_shape ${w.kernel[axis]} at dilation ` +
          `${w.dilations[axis]} (extent ${ek}); use a smaller kernel or more padding`,
      );
    }
    if (padsBelowKernel && (w.pads[axis] >= ek || w.pads[axis + 2]! >= ek)) {
      fail(
        op,
        `pads ${formatShape(w.pads)} must be smaller than the kernel extent ${ek} on axis ${axis === 0 ? 'H' : 'W'} ` +
          `(windows would lie entirely in padding)`,
      );
    }
    out.push(Math.floor((padded - ek) / w.strides[axis]) + 1);
  }
  return [out[0]!, out[1]!];
}

/** Require a float NCHW tensor, naming the op and the received shape. */
export function requireNchw(op: string, what: string, x: TensorSpec): void {
  if (x.shape.length !== 4) {
    fail(
      op,
      `${what} must be [N, C, H, W], got ${formatShape(x.shape)} (only 2-D spatial inputs are supported)`,
    );
  }
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new NaskitError(
      'dtype_mismatch',
      `${prefix(op)}${what} must be float32 or float64, got ${x.dtype}`,
    );
  }
}

/** FLOPs of a 2-D convolution (multiply-adds counted as 2). */
export function convFlops(
  batch: number,
  cin: number,
  cout: number,
  group: number,
  out: Pair,
  kernel: Pair,
): number {
  return 2 * batch * cout * out[0] * out[1] * (cin / group) * kernel[0] * kernel[1];
}
