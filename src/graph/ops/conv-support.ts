/**
 * Plain ONNX ops that the convolution, pooling and batch-norm gradient rules are built from: Pad,
 * Transpose, Slice, MatMul, Concat, ReduceMean, Sqrt, Div, ScatterElements. They only appear inside
 * gradient graphs and batch statistics (whose gradient the batch-norm rule supplies in closed form),
 * so they carry shape inference but no VJP rule of their own; differentiating through one of them
 * fails with 'no_vjp' naming it.
 */
import { attr, type Tensor, type TensorSpec, sizeOf } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { broadcastShapes, constantAxes, normAxis, requireInput, requireSameDtype } from '../shape.js';
import { inferBinary, lift } from './elementwise.js';
import { reducedShape } from './reduce-sum.js';

export const Pad = defineOp({
  type: 'Pad',
  infer: (inputs) => {
    const x = requireInput(inputs[0], 0);
    const pads = constantAxes(inputs[1]);
    const r = x.shape.length;
    if (pads.length !== 2 * r) {
      throw new NaskitError('shape_mismatch', `Pad: ${pads.length} pads for rank ${r} (need ${2 * r})`);
    }
    return [{ shape: x.shape.map((d, i) => d + pads[i]! + pads[i + r]!), dtype: x.dtype }];
  },
});

/** Zero padding; `pads` is ONNX order: all begins, then all ends. */
export function pad(x: Tensor, pads: readonly number[]): Tensor {
  if (pads.every((p) => p === 0)) return x;
  return x.graph.apply1(Pad, [x, x.graph.int64s(pads, 'pads')], { mode: attr.string('constant') });
}

export const Transpose = defineOp({
  type: 'Transpose',
  infer: (inputs, attrs) => {
    const x = requireInput(inputs[0], 0);
    const perm = attrs.perm?.value as readonly number[];
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== x.shape.length || sorted.some((p, i) => p !== i)) {
      throw new NaskitError(
        'shape_mismatch',
        `Transpose: perm ${formatShape(perm)} is not a permutation of the axes of ${formatShape(x.shape)}`,
      );
    }
    return [{ shape: perm.map((p) => x.shape[p]!), dtype: x.dtype }];
  },
});

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.every((p, i) => p === i)) return x;
  return x.graph.apply1(Transpose, [x], { perm: attr.ints(perm) });
}

/** Length of one sliced axis, following the ONNX clamping rules for positive steps. */
function sliceLength(dim: number, start: number, end: number, step: number): number {
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
  const s = clamp(start);
  const e = clamp(end);
  return e > s ? Math.ceil((e - s) / step) : 0;
}

export const Slice = defineOp({
  type: 'Slice',
  infer: (inputs) => {
    const x = requireInput(inputs[0], 0);
    const starts = constantAxes(inputs[1]);
    const ends = constantAxes(inputs[2]);
    const axes = inputs[3] ? constantAxes(inputs[3]) : starts.map((_, i) => i);
    const steps = inputs[4] ? constantAxes(inputs[4]) : starts.map(() => 1);
    const shape = [...x.shape];
    axes.forEach((a, i) => {
      const axis = normAxis(a, shape.length, 'Slice');
      if (steps[i]! < 1)
        throw new NaskitError('invalid_argument', `Slice: step ${steps[i]} must be positive`);
      shape[axis] = sliceLength(x.shape[axis]!, starts[i]!, ends[i]!, steps[i]!);
    });
    return [{ shape, dtype: x.dtype }];
  },
});

export function slice(
  x: Tensor,
  axes: readonly number[],
  starts: readonly number[],
  ends: readonly number[],
  steps?: readonly number[],
): Tensor {
  const g = x.graph;
  const operands = [x, g.int64s(starts, 'starts'), g.int64s(ends, 'ends'), g.int64s(axes, 'axes')];
  if (steps && steps.some((s) => s !== 1)) operands.push(g.int64s(steps, 'steps'));
  return g.apply1(Slice, operands);
}

export const MatMul = defineOp({
  type: 'MatMul',
  infer: (inputs) => {
    const a = requireInput(inputs[0], 0);
    const b = requireInput(inputs[1], 1);
    requireSameDtype([a, b]);
    if (a.shape.length < 2 || b.shape.length < 2 || a.shape.at(-1) !== b.shape.at(-2)) {
      throw new NaskitError(
        'shape_mismatch',
        `MatMul: ${formatShape(a.shape)} x ${formatShape(b.shape)} (inner dims must agree, rank >= 2)`,
      );
    }
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'MatMul batch dims');
    return [{ shape: [...batch, a.shape.at(-2)!, b.shape.at(-1)!], dtype: a.dtype }];
  },
});

export function matMul(a: Tensor, b: Tensor): Tensor {
  return a.graph.apply1(MatMul, [a, b]);
}

export const Concat = defineOp({
  type: 'Concat',
  infer: (inputs, attrs) => {
    const xs = inputs.map((t, i) => requireInput(t, i));
    requireSameDtype(xs);
    const first = xs[0]!;
    const axis = normAxis(attrs.axis!.value as number, first.shape.length, 'Concat');
    let total = 0;
    for (const x of xs) {
      const ok =
        x.shape.length === first.shape.length && x.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!ok) {
        throw new NaskitError(
          'shape_mismatch',
          `Concat on axis ${axis}: ${formatShape(x.shape)} does not match ${formatShape(first.shape)}`,
        );
      }
      total += x.shape[axis]!;
    }
    const shape = [...first.shape];
    shape[axis] = total;
    return [{ shape, dtype: first.dtype }];
  },
});

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 1) return xs[0]!;
  return xs[0]!.graph.apply1(Concat, xs, { axis: attr.int(axis) });
}

export const ReduceMean = defineOp({
  type: 'ReduceMean',
  // Opset 17 ReduceMean takes axes as an attribute (the input form arrived in opset 18).
  infer: (inputs, attrs) => {
    const x = requireInput(inputs[0], 0);
    const axes = (attrs.axes?.value as readonly number[] | undefined) ?? [];
    return [{ shape: reducedShape(x, axes, attrs.keepdims?.value !== 0), dtype: x.dtype }];
  },
});

export function reduceMean(x: Tensor, axes: readonly number[], keepdims = true): Tensor {
  return x.graph.apply1(ReduceMean, [x], {
    axes: attr.ints(axes.map((a) => normAxis(a, x.rank, 'reduceMean'))),
    keepdims: attr.int(keepdims ? 1 : 0),
  });
}

export const Sqrt = defineOp({
  type: 'Sqrt',
  infer: (inputs) => {
    const x = requireInput(inputs[0], 0);
    return [{ shape: x.shape, dtype: x.dtype }];
  },
});

export function sqrt(x: Tensor): Tensor {
  return x.graph.apply1(Sqrt, [x]);
}

export const Div = defineOp({ type: 'Div', infer: inferBinary });

export function div(a: Tensor, b: Tensor | number): Tensor {
  return a.graph.apply1(Div, [a, lift(a, b)]);
}

export const ScatterElements = defineOp({
  type: 'ScatterElements',
  infer: (inputs) => {
    const data = requireInput(inputs[0], 0);
    const indices = requireInput(inputs[1], 1);
    const updates = requireInput(inputs[2], 2);
    if (indices.shape.length !== data.shape.length || sizeOf(indices.shape) !== sizeOf(updates.shape)) {
      throw new NaskitError(
        'shape_mismatch',
        `ScatterElements: data ${formatShape(data.shape)}, indices ${formatShape(indices.shape)}, ` +
          `updates ${formatShape(updates.shape)} (indices and updates must match, same rank as data)`,
      );
    }
    return [{ shape: data.shape, dtype: data.dtype }];
  },
});

/** data with `updates` added at `indices` along `axis` (duplicates accumulate). */
export function scatterAdd(data: Tensor, indices: Tensor, updates: Tensor, axis: number): Tensor {
  return data.graph.apply1(ScatterElements, [data, indices, updates], {
    axis: attr.int(axis),
    reduction: attr.string('add'),
  });
}

/** Shape inference helper used by the builders here and in the conv ops. */
export function specOf(t: Tensor): TensorSpec {
  return { shape: t.shape, dtype: t.dtype };
}
