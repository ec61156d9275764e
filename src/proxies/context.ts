/** Build the context proxies run in: the space, the dataset's fixed batches and the compute budget. */
import { getSpace, spaceNames as SPACE_NAMES } from '../spaces/index.js';
import type { AnySpace } from '../spaces/space.js';
import { resolveDataDir } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import {
  BUILT_IN_PROXY_DATASETS,
  batchFromDataset,
  batchFromImages,
  loadProxyImages,
  type InMemoryImages,
  type ProxyBatch,
  type ProxyImages,
} from './data-batch.js';
import type { ProxyContext, ProxyDefinition } from './proxy.js';
import { ProxySession, type ProxySessionOptions } from './session.js';

export interface ContextOptions {
  space: string | AnySpace;
  dataset?: string;
  /** Data directory holding images/ (needed by data-dependent proxies only). */
  dataDir?: string;
  /** Images the caller already holds: batches come from them, and `dataset` only names them. */
  images?: InMemoryImages;
  seed?: number;
  threads?: number;
  concurrency?: number;
  /** Worker threads for scoring many architectures (default 1: score on the calling thread). */
  workers?: number;
  /** Settings of the context's session (how network proxies share compiled programs). */
  session?: ProxySessionOptions;
}

interface ImageShape {
  classes: number;
  inputShape: [number, number, number];
}

const DATASETS: Record<string, ImageShape> = {
  cifar10: { classes: 10, inputShape: [3, 32, 32] },
  'fashion-mnist': { classes: 10, inputShape: [1, 28, 28] },
  mnist: { classes: 10, inputShape: [1, 28, 28] },
};

/**
 * The data folder a proxy context is given: none when no proxy looks at images, or when the images are a
 * built-in set (fashion-mnist, mnist) and no folder is named; else the named folder, else $NASKIT_DATA.
 */
export function proxyDataDir(
  proxies: readonly Pick<ProxyDefinition, 'data'>[],
  dataset: string,
  dataDir: string | undefined,
): string | undefined {
  const needsData = proxies.some((p) => p.data !== 'none');
  if (!needsData || (BUILT_IN_PROXY_DATASETS.includes(dataset) && dataDir === undefined)) return undefined;
  return resolveDataDir(dataDir);
}

export function createProxyContext(options: ContextOptions): ProxyContext {
  const space = typeof options.space === 'string' ? getSpace(options.space) : options.space;
  const dataset = options.dataset ?? 'cifar10';
  const info = options.images ? shapeOf(options.images) : DATASETS[dataset];
  if (!info) {
    throw new NaskitError(
      'invalid_argument',
      `proxies run on the images of: ${Object.keys(DATASETS).join(', ')}; got dataset '${dataset}'`,
    );
  }
  const seed = options.seed ?? 0;
  const threads = options.threads ?? 1;
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new NaskitError('invalid_argument', `--workers must be a positive integer, got ${workers}`);
  }
  // Only a registered space can be rebuilt by name in a worker thread.
  const registered = SPACE_NAMES.includes(space.name) && getSpace(space.name) === space;
  const batches = new Map<number, ProxyBatch>();
  // The image set is read once per context, whatever batch sizes its proxies ask for.
  let images: ProxyImages | undefined;
  const session = new ProxySession(options.session);
  return {
    space,
    dataset,
    classes: info.classes,
    inputShape: info.inputShape,
    seed,
    threads,
    concurrency: options.concurrency ?? 2,
    workers,
    ...(registered
      ? {
          spawn: {
            space: space.name,
            dataset,
            seed,
            threads,
            ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
            ...(options.images === undefined ? {} : { images: options.images }),
          },
        }
      : {}),
    session,
    batch(size) {
      let b = batches.get(size);
      if (b === undefined) {
        b = options.images ? batchFromImages(options.images, size, seed) : batchFromFiles(size);
        batches.set(size, b);
      }
      return b;
    },
  };

  function batchFromFiles(size: number): ProxyBatch {
    if (options.dataDir === undefined && !BUILT_IN_PROXY_DATASETS.includes(dataset)) {
      throw new NaskitError(
        'data_missing',
        `this proxy needs ${dataset} images: pass --data-dir DIR (or set NASKIT_DATA) to a folder with images/`,
      );
    }
    images ??= loadProxyImages(dataset, options.dataDir);
    return batchFromDataset(images.dataset, size, seed, images.name);
  }
}

function shapeOf({ dataset }: InMemoryImages): ImageShape {
  return { classes: dataset.classes, inputShape: [dataset.channels, dataset.height, dataset.width] };
}
