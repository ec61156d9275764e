/**
 * Building blocks shared by the supernets: the α parameters with their softmax, and the DARTS mixed
 * op (the softmax-weighted sum of every candidate op's output on one edge).
 */
import type { Tensor } from '../graph/graph.js';
import type { NetContext } from '../graph/network.js';
import { mul } from '../graph/ops/mul.js';
import { slice } from '../graph/ops/slice.js';
import { softmax } from '../graph/ops/softmax.js';
import { sum } from '../graph/ops/sum.js';
import { NaskitError } from '../util/errors.js';

/** Standard deviation of the α initialisation (DARTS: 1e-3 · randn). */
export const ALPHA_INIT_STD = 1e-3;

/**
 * Declare α `name` ([rows, ops], trainable; search code finds it by the `alpha/` prefix and gives it
 * its own optimiser) at the graph root and return softmax over each row.
 */
export function alphaSoftmax(ctx: NetContext, name: string, rows: number, ops: number): Tensor {
  if (!name.startsWith('alpha/')) {
    throw new NaskitError('invalid_argument', `α parameter '${name}' must be named under 'alpha/'`);
  }
  const alpha = ctx.graph.param(name, [rows, ops], { init: { kind: 'normal', std: ALPHA_INIT_STD } });
  return softmax(alpha, 1);
}

/** The mixing weight of op `col` on edge `row`, shaped [1, 1] so it broadcasts over [B, C, H, W]. */
export function edgeWeight(weights: Tensor, row: number, col: number): Tensor {
  return slice(weights, [0, 1], [row, col], [row + 1, col + 1]);
}

/**
 * Σ_k w[row, k] · out_k over the ops that produce an output (a `none` op contributes exactly zero, so
 * callers leave it out; its α still matters through the softmax). Null when no op produced anything.
 */
export function mixedSum(weights: Tensor, row: number, outputs: readonly (Tensor | null)[]): Tensor | null {
  const terms: Tensor[] = [];
  outputs.forEach((out, col) => {
    if (out) terms.push(mul(out, edgeWeight(weights, row, col)));
  });
  return terms.length === 0 ? null : sum(terms);
}

/** Row-wise argmax of a [rows, cols] α value, skipping the columns in `exclude`. */
export function rowArgmax(
  values: Float32Array,
  rows: number,
  cols: number,
  exclude: ReadonlySet<number> = new Set(),
): number[] {
  if (values.length !== rows * cols) {
    throw new NaskitError(
      'shape_mismatch',
      `α has ${values.length} values, expected ${rows} × ${cols} = ${rows * cols}`,
    );
  }
  return Array.from({ length: rows }, (_, r) => {
    let best = -1;
    for (let c = 0; c < cols; c++) {
      if (exclude.has(c)) continue;
      if (best < 0 || values[r * cols + c]! > values[r * cols + best]!) best = c;
    }
    return best;
  });
}
