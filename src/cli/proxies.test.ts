import { describe, expect, it } from 'vitest';
import { createProxyContext } from '../proxies/context.js';
import { scoreCommand } from './proxies.js';

const ARCH =
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|';

describe('naskit proxies score on a built-in dataset', () => {
  it('finds Fashion-MNIST and MNIST without a data folder', async () => {
    const saved = process.env.NASKIT_DATA;
    delete process.env.NASKIT_DATA;
    try {
      const out = await scoreCommand([ARCH], {
        space: 'nb201',
        proxies: 'epsilon',
        dataset: 'fashion-mnist',
        seed: '0',
        threads: '1',
        workers: '1',
        json: true,
      });
      const j = JSON.parse(out) as { scores: { arch: string; epsilon: number | null }[] };
      expect(j.scores).toHaveLength(1);
      expect(j.scores[0]!.epsilon).toEqual(expect.any(Number));
      expect(Number.isFinite(j.scores[0]!.epsilon)).toBe(true);

      const mnist = createProxyContext({ space: 'nb201', dataset: 'mnist' }).batch(4);
      expect(mnist.shape).toEqual([1, 28, 28]);
      expect(mnist.source).toMatch(/^mnist/);
      // CIFAR-10 images do not ship with naskit: without a folder the error says how to give one.
      expect(() => createProxyContext({ space: 'nb201', dataset: 'cifar10' }).batch(4)).toThrow(
        /needs cifar10 images: pass --data-dir/,
      );
    } finally {
      if (saved !== undefined) process.env.NASKIT_DATA = saved;
    }
  });
});
