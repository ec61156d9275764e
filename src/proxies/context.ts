/** Build the context proxies run in: the space, the dataset's fixed batches and the compute budget. */
import { getSpace } from '../spaces/index.js';
import type { AnySpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import { loadProxyBatch, type ProxyBatch } from './data-batch.js';
import type { ProxyContext } from './proxy.js';

export interface ContextOptions {
  space: string | AnySpace;
  dataset?: string;
  /** Data directory holding images/ (needed by data-dependent proxies only). */
  dataDir?: string;
  seed?: number;
  threads?: number;
  concurrency?: number;
}

const DATASETS: Record<string, { classes: number; inputShape: [number, number, number] }> = {
  cifar10: { classes: 10, inputShape: [3, 32, 32] },
};

export function createProxyContext(options: ContextOptions): ProxyContext {
  const space = typeof options.space === 'string' ? getSpace(options.space) : options.space;
  const dataset = options.dataset ?? 'cifar10';
  const info = DATASETS[dataset];
  if (!info) {
    throw new NaskitError(
      'invalid_argument',
      `proxies run on the images of: ${Object.keys(DATASETS).join(', ')}; got dataset '${dataset}'`,
    );
  }
  const seed = options.seed ?? 0;
  const batches = new Map<number, ProxyBatch>();
  return {
    space,
    dataset,
    classes: info.classes,
    inputShape: info.inputShape,
    seed,
    threads: options.threads ?? 1,
    concurrency: options.concurrency ?? 2,
    batch(size) {
      let b = batches.get(size);
      if (b === undefined) {
        if (options.dataDir === undefined) {
          throw new NaskitError(
            'data_missing',
            `this proxy needs ${dataset} images: pass --data-dir DIR (or set NASKIT_DATA) to a folder with images/`,
          );
        }
        b = loadProxyBatch(dataset, options.dataDir, size, seed);
        batches.set(size, b);
      }
      return b;
    },
  };
}
