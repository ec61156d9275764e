import { attr, type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { requireInput, requireSameDtype } from '../shape.js';
import { requireFloat } from './float-unary.js';
import { mul } from './mul.js';

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

export const Gemm = defineOp({
  type: 'Gemm',
  infer: (inputs, attrs) => {
    const a = requireInput(inputs[0], 0);
    const b = requireInput(inputs[1], 1);
    const c = inputs[2];
    requireSameDtype(c ? [a, b, c] : [a, b]);
    requireFloat(a, 'Gemm');
    if (a.shape.length !== 2 || b.shape.length !== 2) {
      throw new NaskitError(
        'shape_mismatch',
        `A ${formatShape(a.shape)} and B ${formatShape(b.shape)} must be 2-D`,
      );
    }
    const [m, k] = attrs.transA?.value ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
    const [k2, n] = attrs.transB?.value ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
    if (k !== k2) {
      throw new NaskitError(
        'shape_mismatch',
        `op(A) is [${m}, ${k}] but op(B) is [${k2}, ${n}] (A ${formatShape(a.shape)}, B ${formatShape(b.shape)}, ` +
          `transA=${attrs.transA?.value ?? 0}, transB=${attrs.transB?.value ?? 0})`,
      );
    }
    // C broadcasts one way only: to [M, N].
    const target = [m, n];
    const fits = (cs: readonly number[]) =>
      cs.length <= 2 && cs.every((d, i) => d === 1 || d === target[2 - cs.length + i]);
    if (c && !fits(c.shape)) {
      throw new NaskitError('shape_mismatch', `C ${formatShape(c.shape)} does not broadcast to [${m}, ${n}]`);
    }
    return [{ shape: [m, n], dtype: a.dtype }];
  },
  // Y = alpha op(A) op(B) + beta C. Each operand's gradient is itself one Gemm, with the transposes
  // chosen so no Transpose node is needed.
  vjp: ({ grads, inputs, attrs, needsGrad }) => {
    const g = grads[0]!;
    const a = inputs[0]!;
    const b = inputs[1]!;
    const c = inputs[2];
    const tA = Boolean(attrs.transA?.value);
    const tB = Boolean(attrs.transB?.value);
    const alpha = (attrs.alpha?.value as number | undefined) ?? 1;
    const beta = (attrs.beta?.value as number | undefined) ?? 1;
    const da = !needsGrad(0)
      ? null
      : tA
        ? gemm(b, g, null, { transA: tB, transB: true, alpha }) // (alpha G op(B)^T)^T = alpha op(B) G^T
        : gemm(g, b, null, { transB: !tB, alpha }); // alpha G op(B)^T
    const db = !needsGrad(1)
      ? null
      : tB
        ? gemm(g, a, null, { transA: true, transB: tA, alpha }) // alpha G^T op(A)
        : gemm(a, g, null, { transA: !tA, alpha }); // alpha op(A)^T G
    const dc = c && needsGrad(2) ? (beta === 1 ? g : mul(g, beta)) : null;
    return [da, db, dc];
  },
});

/** General matrix multiply Y = alpha op(A) op(B) + beta C for 2-D A and B (op = optional transpose). */
export function gemm(a: Tensor, b: Tensor, c: Tensor | null = null, options: GemmOptions = {}): Tensor {
  const attrs: Record<string, ReturnType<typeof attr.int>> = {};
  if (options.transA) attrs.transA = attr.int(1);
  if (options.transB) attrs.transB = attr.int(1);
  if (options.alpha !== undefined && options.alpha !== 1) attrs.alpha = attr.float(options.alpha);
  if (options.beta !== undefined && options.beta !== 1) attrs.beta = attr.float(options.beta);
  return a.graph.apply1(Gemm, c ? [a, b, c] : [a, b], attrs);
}
