/**
 * A small, self-contained proxy context for tests: NB201-style networks at 4 channels and 1 cell per
 * stage, on seeded 8×8 synthetic images with 3 classes (no data folder needed).
 */
import type { ProxyBatch } from '../../src/proxies/data-batch.js';
import type { ProxyContext } from '../../src/proxies/proxy.js';
import { ProxySession, type ProxySessionOptions } from '../../src/proxies/session.js';
import type { AnySpace } from '../../src/spaces/space.js';
import { Rng } from '../../src/util/rng.js';

export function tinyProxyContext(
  space: AnySpace,
  seeds: { proxy: number; images: number },
  session: ProxySessionOptions = {},
): ProxyContext {
  const rng = new Rng(seeds.images);
  const batches = new Map<number, ProxyBatch>();
  return {
    space,
    dataset: 'synthetic',
    classes: 3,
    inputShape: [3, 8, 8],
    seed: seeds.proxy,
    threads: 1,
    concurrency: 1,
    networkSize: { channels: 4, cells: 1 },
    session: new ProxySession(session),
    batch(size) {
      let b = batches.get(size);
      if (!b) {
        b = {
          images: Float32Array.from({ length: size * 3 * 64 }, () => rng.normal()),
          labels: Int32Array.from({ length: size }, (_, i) => i % 3),
          size,
          shape: [3, 8, 8],
          classes: 3,
          source: `synthetic-${size}`,
        };
        batches.set(size, b);
      }
      return b;
    },
  };
}
