/** Checks shared by the gather/scatter ops: their index operands are int64 (or int32 where ONNX allows). */
import type { TensorSpec } from '../graph.js';
import { NaskitError } from '../../util/errors.js';

export function requireIndices(spec: TensorSpec, what: string, allowInt32 = true): void {
  const ok = spec.dtype === 'int64' || (allowInt32 && spec.dtype === 'int32');
  if (!ok) {
    throw new NaskitError(
      'dtype_mismatch',
      `${what} must be int64${allowInt32 ? ' or int32' : ''}, got ${spec.dtype}; cast the indices first`,
    );
  }
}
