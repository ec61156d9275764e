import { attr, type DType, type Tensor } from '../graph.js';
import { NaskitError } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { requireInput } from '../shape.js';

/** ONNX TensorProto.DataType codes of the dtypes naskit uses. */
const ONNX_CODE: Record<DType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };

function dtypeOfCode(code: number): DType {
  const found = (Object.keys(ONNX_CODE) as DType[]).find((d) => ONNX_CODE[d] === code);
  if (!found) {
    throw new NaskitError(
      'invalid_argument',
      `Cast: 'to' = ${code} is not a dtype naskit supports (${Object.entries(ONNX_CODE)
        .map(([d, c]) => `${d}=${c}`)
        .join(', ')})`,
    );
  }
  return found;
}

export const Cast = defineOp({
  type: 'Cast',
  infer: (inputs, attrs) => {
    const x = requireInput(inputs[0], 0);
    return [{ shape: x.shape, dtype: dtypeOfCode(attrs.to?.value as number) }];
  },
  // Float-to-float casts pass the gradient back in the input's dtype. Casts to integers or bool
  // need no rule: the engine never routes gradients into non-float tensors.
  vjp: ({ grads, inputs }) => [cast(grads[0]!, inputs[0]!.dtype)],
});

export function cast(x: Tensor, to: DType): Tensor {
  return x.graph.apply1(Cast, [x], { to: attr.int(ONNX_CODE[to]) });
}
