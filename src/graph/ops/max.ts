import type { Tensor } from '../graph.js';
import { NaskitError } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { lift } from './elementwise.js';
import { extremumVjp } from './extremum-grad.js';
import { inferVariadic } from './sum.js';

export const Max = defineOp({ type: 'Max', infer: inferVariadic, vjp: extremumVjp });

/** Elementwise maximum of tensors (numbers become scalar constants), broadcasting. */
export function max(xs: readonly (Tensor | number)[]): Tensor {
  const like = xs.find((x): x is Tensor => typeof x !== 'number');
  if (!like) throw new NaskitError('invalid_argument', 'max: at least one operand must be a tensor');
  return like.graph.apply1(
    Max,
    xs.map((x) => lift(like, x)),
  );
}
