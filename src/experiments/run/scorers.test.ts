import { describe, expect, it } from 'vitest';
import type { ImageDataset } from '../../data/dataset.js';
import { Rng } from '../../util/rng.js';
import { parseRunConfig } from './config.js';
import { makeScorers } from './scorers.js';

// Seeded 8×8 images, 3 classes: enough for a proxy batch of 32.
const n = 48;
const train: ImageDataset = {
  name: 'synthetic',
  pixels: Uint8Array.from({ length: n * 3 * 64 }, (_, i) => (i * 97 + 13) % 256),
  labels: Int32Array.from({ length: n }, (_, i) => i % 3),
  n,
  channels: 3,
  height: 8,
  width: 8,
  classes: 3,
  classNames: ['a', 'b', 'c'],
};
const normalization = { mean: [127, 127, 127], std: [64, 64, 64] };
// The first two share their conv pattern (one group program); the third is alone (its own network).
const archs = [
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|',
  '|none~0|+|none~0|none~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|',
];

describe('run scorers', () => {
  it('score a mix of shared and lone conv patterns exactly as the proxy scores each cell', async () => {
    const config = parseRunConfig({ search: { proxies: ['synflow'] } }, 'test');
    const [scorer] = makeScorers(config, train, normalization, new Rng(0), 1);
    const viaRun = await scorer!.score(archs);
    await scorer!.release();
    expect(viaRun.every(Number.isFinite)).toBe(true);
    // Each cell alone (its own network), one scorer each: the values of the shared program to the bit.
    for (const [i, text] of archs.entries()) {
      const [alone] = makeScorers(config, train, normalization, new Rng(0), 1);
      const [value] = await alone!.score([text]);
      await alone!.release();
      expect(value, `arch ${i}`).toBe(viaRun[i]);
    }
  }, 60_000);
});
