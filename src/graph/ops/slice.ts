import type { Tensor, TensorSpec } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { constantAxes, normAxis, requireInput } from '../shape.js';
import { pad } from './pad.js';
import { reshape } from './reshape.js';
import { zerosLike } from './zeros.js';

/** One sliced axis after ONNX clamping: elements first, first + step, … (count of them). */
interface AxisRange {
  axis: number;
  first: number;
  count: number;
  step: number;
}

function axisRange(dim: number, axis: number, start: number, end: number, step: number): AxisRange {
  if (step === 0 || !Number.isInteger(step)) {
    throw new NaskitError('invalid_argument', `step on axis ${axis} must be a nonzero integer, got ${step}`);
  }
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
    return { axis, first: s, count: e > s ? Math.ceil((e - s) / step) : 0, step };
  }
  s = clamp(s, 0, dim - 1);
  e = clamp(e, -1, dim - 1);
  return { axis, first: s, count: s > e ? Math.ceil((s - e) / -step) : 0, step };
}

/** The ranges a Slice node selects, read from its constant operands. */
function sliceRanges(inputs: readonly (TensorSpec | null)[]): AxisRange[] {
  const x = requireInput(inputs[0], 0);
  const starts = constantAxes(inputs[1]);
  const ends = constantAxes(inputs[2]);
  const axes = inputs[3] ? constantAxes(inputs[3]) : starts.map((_, i) => i);
  const steps = inputs[4] ? constantAxes(inputs[4]) : starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw new NaskitError(
      'invalid_argument',
      `starts/ends/axes/steps have lengths ${starts.length}/${ends.length}/${axes.length}/${steps.length}; they must agree`,
    );
  }
  const seen = new Set<number>();
  return axes.map((a, i) => {
    const axis = normAxis(a, x.shape.length, 'Slice');
    if (seen.has(axis)) throw new NaskitError('invalid_argument', `axis ${axis} is sliced twice`);
    seen.add(axis);
    return axisRange(x.shape[axis]!, axis, starts[i]!, ends[i]!, steps[i]!);
  });
}

export const Slice = defineOp({
  type: 'Slice',
  infer: (inputs) => {
    const x = requireInput(inputs[0], 0);
    const shape = [...x.shape];
    for (const r of sliceRanges(inputs)) shape[r.axis] = r.count;
    return [{ shape, dtype: x.dtype }];
  },
  // Put the gradient back where the elements came from, zeros elsewhere: reverse axes read with a
  // negative step, spread strided axes by interleaving zeros, then one Pad (negative pads crop).
  vjp: ({ grads, inputs }) => {
    const x = inputs[0]!;
    const ranges = sliceRanges(inputs);
    let g = grads[0]!;
    if (g.size === 0) return [zerosLike(x)];
    const reversed = ranges.filter((r) => r.step < 0);
    if (reversed.length > 0) {
      g = slice(
        g,
        reversed.map((r) => r.axis),
        reversed.map(() => -1),
        reversed.map(() => Number.MIN_SAFE_INTEGER),
        reversed.map(() => -1),
      );
    }
    const strided = ranges.filter((r) => Math.abs(r.step) > 1);
    if (strided.length > 0) {
      // [.., n, ..] -> [.., n, 1, ..] -> pad the 1 up to the stride -> [.., n * stride, ..]
      const split: number[] = [];
      const padBegin: number[] = [];
      const padEnd: number[] = [];
      g.shape.forEach((d, axis) => {
        split.push(d);
        padBegin.push(0);
        padEnd.push(0);
        const r = strided.find((s) => s.axis === axis);
        if (r) {
          split.push(1);
          padBegin.push(0);
          padEnd.push(Math.abs(r.step) - 1);
        }
      });
      const merged = g.shape.map((d, axis) => d * Math.abs(strided.find((s) => s.axis === axis)?.step ?? 1));
      g = reshape(pad(reshape(g, split), [...padBegin, ...padEnd]), merged);
    }
    const begin = x.shape.map(() => 0);
    const end = x.shape.map(() => 0);
    for (const r of ranges) {
      const lowest = r.step > 0 ? r.first : r.first + (r.count - 1) * r.step;
      begin[r.axis] = lowest;
      end[r.axis] = x.shape[r.axis]! - lowest - g.shape[r.axis]!;
    }
    return [pad(g, [...begin, ...end]), null, null, null, null];
  },
});

/**
 * ONNX Slice: along each of `axes`, elements start, start + step, … up to (not including) end.
 * Negative starts/ends count from the end; out-of-range values are clamped as in numpy.
 */
/** Whether slicing an axis of length `dim` returns it unchanged (all of it, in order). */
function keepsWholeAxis(dim: number, axis: number, start: number, end: number, step: number): boolean {
  const r = axisRange(dim, axis, start, end, step);
  return r.count === dim && (dim === 1 || (r.first === 0 && step === 1));
}

export function slice(
  x: Tensor,
  axes: readonly number[],
  starts: readonly number[],
  ends: readonly number[],
  steps?: readonly number[],
): Tensor {
  const g = x.graph;
  if (
    starts.length !== axes.length ||
    ends.length !== axes.length ||
    (steps && steps.length !== axes.length)
  ) {
    throw new NaskitError(
      'invalid_argument',
      `slice of ${x}: axes ${formatShape(axes)}, starts ${formatShape(starts)}, ends ${formatShape(ends)}` +
        (steps ? `, steps ${formatShape(steps)}` : '') +
        ' must have one entry per axis',
    );
  }
  if (
    axes.every((axis, i) => keepsWholeAxis(x.shape.at(axis)!, axis, starts[i]!, ends[i]!, steps?.[i] ?? 1))
  ) {
    return x; // e.g. flipping a 1x1 kernel: no node at all
  }
  const operands = [x, g.int64s(starts, 'starts'), g.int64s(ends, 'ends'), g.int64s(axes, 'axes')];
  if (steps && steps.some((s) => s !== 1)) operands.push(g.int64s(steps, 'steps'));
  return g.apply1(Slice, operands);
}
