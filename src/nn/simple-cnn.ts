/**
 * A small plain CNN for quick baselines and the engine's MNIST check: three conv-BN-ReLU stages
 * (16, 32, 64 channels) with 2×2 max-pooling between them, global average pooling and a linear head.
 */
import type { NetworkSpec } from '../graph/network.js';
import { maxPool } from '../graph/ops/max-pool.js';
import { convBnRelu, poolClassifier } from './blocks.js';

export function simpleCnn(
  inputShape: readonly [number, number, number],
  classes: number,
  width = 16,
): NetworkSpec {
  return {
    name: 'simple-cnn',
    inputShape,
    classes,
    forward(ctx, x) {
      let y = convBnRelu(ctx, x, 'conv1', { out: width, kernel: 3, padding: 1 });
      y = maxPool(y, { kernel: 2, strides: 2 });
      y = convBnRelu(ctx, y, 'conv2', { out: 2 * width, kernel: 3, padding: 1 });
      y = maxPool(y, { kernel: 2, strides: 2 });
      y = convBnRelu(ctx, y, 'conv3', { out: 4 * width, kernel: 3, padding: 1 });
      return poolClassifier(ctx, y, classes);
    },
  };
}
