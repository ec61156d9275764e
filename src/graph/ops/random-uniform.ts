/**
 * ONNX RandomUniform: a tensor of the given static shape drawn from U[low, high) inside the model, so
 * a compiled training step gets fresh values on every run (drop-path masks). The generator is seeded
 * by the `seed` attribute when the session is created and advances run by run, so two sessions built
 * from the same graph draw the same sequence. No inputs, no gradient.
 */
import { attr, type Graph, type Tensor } from '../graph.js';
import { NaskitError, formatShape } from '../../util/errors.js';
import { defineOp } from '../op.js';

export const RandomUniform = defineOp({
  type: 'RandomUniform',
  infer: (_inputs, attrs) => {
    const shape = attrs.shape?.value;
    if (!Array.isArray(shape)) throw new NaskitError('invalid_argument', "the 'shape' attribute is required");
    return [{ shape: shape as number[], dtype: 'float32' }];
  },
  nonDifferentiable: true,
  impure: true,
});

export interface RandomUniformOptions {
  low?: number;
  high?: number;
  /** Generator seed; an integer below 2^24 so the float attribute holds it exactly. */
  seed: number;
}

export function randomUniform(graph: Graph, shape: readonly number[], options: RandomUniformOptions): Tensor {
  const { seed } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 24) {
    throw new NaskitError(
      'invalid_argument',
      `randomUniform ${formatShape(shape)}: seed must be an integer in [0, 2^24), got ${seed}`,
    );
  }
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!(high > low)) {
    throw new NaskitError(
      'invalid_argument',
      `randomUniform ${formatShape(shape)}: needs low < high, got [${low}, ${high})`,
    );
  }
  return graph.apply1(RandomUniform, [], {
    shape: attr.ints(shape),
    dtype: attr.int(1),
    low: attr.float(low),
    high: attr.float(high),
    seed: attr.float(seed),
  });
}
