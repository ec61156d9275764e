/** Shape/dtype inference for ops that are only defined on floating-point tensors (Tanh, Exp, …). */
import { type TensorSpec, isFloat } from '../graph.js';
import { NaskitError } from '../../util/errors.js';
import { requireInput } from '../shape.js';

export function requireFloat(spec: TensorSpec, what: string): void {
  if (!isFloat(spec.dtype)) {
    throw new NaskitError(
      'dtype_mismatch',
      `${what} needs a float32 or float64 tensor, got ${spec.dtype}; cast it first`,
    );
  }
}

export function inferFloatUnary(inputs: readonly (TensorSpec | null)[]): TensorSpec[] {
  const x = requireInput(inputs[0], 0);
  requireFloat(x, 'input 0');
  return [{ shape: x.shape, dtype: x.dtype }];
}
