import { attr, type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { constantAxes, requireInput } from '../shape.js';

export const Pad = defineOp({
  type: 'Pad',
  infer: (inputs, attrs) => {
    const x = requireInput(inputs[0], 0);
    const mode = attrs.mode?.value ?? 'constant';
    if (mode !== 'constant')
      throw new NaskitError('invalid_argument', `only mode 'constant' is supported, got '${mode}'`);
    const pads = constantAxes(inputs[1]);
    const r = x.shape.length;
    if (pads.length !== 2 * r) {
      throw new NaskitError(
        'shape_mismatch',
        `${pads.length} pads for ${formatShape(x.shape)} (need ${2 * r})`,
      );
    }
    const shape = x.shape.map((d, i) => d + pads[i]! + pads[i + r]!);
    if (shape.some((d) => d < 0)) {
      throw new NaskitError(
        'shape_mismatch',
        `pads ${formatShape(pads)} crop ${formatShape(x.shape)} below zero`,
      );
    }
    return [{ shape, dtype: x.dtype }];
  },
  // Padding by p is undone by padding by -p (negative pads crop), whatever the signs.
  vjp: ({ grads, inputs }) => [
    pad(
      grads[0]!,
      constantAxes(inputs[1]).map((p) => -p),
    ),
    null,
    null,
  ],
});

/**
 * Constant padding; `pads` in ONNX order (all begins, then all ends). Negative pads crop. The fill
 * value is a constant, so it carries no gradient.
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.every((p) => p === 0)) return x;
  const g = x.graph;
  const inputs = [x, g.int64s(pads, 'pads')];
  if (value !== 0) inputs.push(g.scalar(value, x.dtype));
  return g.apply1(Pad, inputs, { mode: attr.string('constant') });
}
