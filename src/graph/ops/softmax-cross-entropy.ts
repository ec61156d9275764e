/**
 * Fused softmax cross-entropy: one ONNX SoftmaxCrossEntropyLoss node forward, and the closed-form
 * gradient (softmax - onehot) * g / B backward, read off the node's log-probability output.
 *
 * Measured against LogSoftmax + GatherElements with the generic rules (ORT 1.30, 1 thread, forward +
 * backward, best of 15): 31 vs 26 us at [64, 10], 63 vs 66 us at [256, 100], 2.0 vs 2.3 ms at
 * [1024, 1000]. The fused node is as fast where it matters and keeps the backward to 3 [B, K] ops.
 */
import { attr, type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';
import { requireInput } from '../shape.js';
import { add } from './add.js';
import { exp } from './exp.js';
import { expand } from './expand.js';
import { requireFloat } from './float-unary.js';
import { requireIndices } from './index-dtype.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { reduceSum } from './reduce-sum.js';
import { reshape } from './reshape.js';
import { scatterElements } from './scatter-elements.js';
import { sub } from './sub.js';

export type LossReduction = 'mean' | 'sum' | 'none';

export const SoftmaxCrossEntropyLoss = defineOp({
  type: 'SoftmaxCrossEntropyLoss',
  infer: (inputs, attrs) => {
    const logits = requireInput(inputs[0], 0);
    const labels = requireInput(inputs[1], 1);
    requireFloat(logits, 'logits');
    requireIndices(labels, 'labels');
    if (inputs[2]) throw new NaskitError('invalid_argument', 'class weights are not supported');
    const [b] = logits.shape;
    if (logits.shape.length !== 2 || labels.shape.length !== 1 || labels.shape[0] !== b) {
      throw new NaskitError(
        'shape_mismatch',
        `logits must be [B, K] and labels [B]; got logits ${formatShape(logits.shape)}, labels ${formatShape(labels.shape)}`,
      );
    }
    const reduction = (attrs.reduction?.value as LossReduction | undefined) ?? 'mean';
    return [
      { shape: reduction === 'none' ? [b!] : [], dtype: logits.dtype },
      { shape: logits.shape, dtype: logits.dtype },
    ];
  },
  vjp: ({ grads, inputs, outputs, attrs }) => {
    const [logits, labels] = inputs as Tensor[];
    const logProb = outputs[1]!;
    const [b] = logits!.shape as [number, number];
    const reduction = (attrs.reduction?.value as LossReduction | undefined) ?? 'mean';
    const probs = exp(logProb);
    let dx: Tensor | null = null;
    const gLoss = grads[0];
    if (gLoss) {
      // s = d loss / d (per-row loss): g / B, g, or g per row.
      const s =
        reduction === 'mean' ? mul(gLoss, 1 / b) : reduction === 'sum' ? gLoss : reshape(gLoss, [b, 1]);
      const column = reshape(labels!, [b, 1]);
      const minusS = reduction === 'none' ? neg(s) : expand(neg(s), [b, 1]);
      dx = scatterElements(mul(probs, s), column, minusS, 1, 'add');
    }
    const gLogProb = grads[1];
    if (gLogProb) {
      // The log-probability output is a LogSoftmax: d = g - softmax * rowsum(g).
      const d = sub(gLogProb, mul(probs, reduceSum(gLogProb, [1], true)));
      dx = dx ? add(dx, d) : d;
    }
    return [dx, null];
  },
});

/**
 * Cross-entropy of softmax(logits [B, K]) against integer class labels [B], averaged over the batch
 * ('mean'), summed ('sum'), or per example ('none', shape [B]). Labels outside [0, K) fail at run time.
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: Tensor,
  options: { reduction?: LossReduction } = {},
): Tensor {
  const reduction = options.reduction ?? 'mean';
  if (!['mean', 'sum', 'none'].includes(reduction)) {
    throw new NaskitError(
      'invalid_argument',
      `softmaxCrossEntropy: reduction must be mean, sum or none, got '${reduction}'`,
    );
  }
  return logits.graph.apply(SoftmaxCrossEntropyLoss, [logits, labels], {
    reduction: attr.string(reduction),
  })[0]!;
}
