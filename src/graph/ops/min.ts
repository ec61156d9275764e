import type { Tensor } from '../graph.js';
import { NaskitError } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { lift } from './elementwise.js';
import { extremumVjp } from './extremum-grad.js';
import { inferVariadic } from './sum.js';

export const Min = defineOp({ type: 'Min', infer: inferVariadic, vjp: extremumVjp });

/** Elementwise minimum of tensors (numbers become scalar constants), broadcasting. */
export function min(xs: readonly (Tensor | number)[]): Tensor {
  const like = xs.find((x): x is Tensor => typeof x !== 'number');
  if (!like) throw new NaskitError('invalid_argument', 'min: at least one operand must be a tensor');
  return like.graph.apply1(
    Min,
    xs.map((x) => lift(like, x)),
  );
}
