/**
 * The proxies a run ranks architectures with, as ArchScorers over canonical NB201 strings: any proxy
 * of the registry (src/proxies/index.ts), scored on a fixed batch of the run's own training images
 * (seeded, normalized like training, no augmentation), each with its published settings. Registry
 * proxies report higher = better; an architecture a proxy cannot score (epsilon's NaN on cells without
 * a parameter-free path) gets no score from it (see ranking.ts for what happens then).
 */
import { availableParallelism } from 'node:os';
import { subset, type ImageDataset } from '../../data/dataset.js';
import { normalizedImages, type Normalization } from '../../data/normalize.js';
import type { ProxyBatch } from '../../proxies/data-batch.js';
import { ProxySession } from '../../proxies/session.js';
import {
  getProxy,
  proxyNames,
  type ProxyContext,
  type ProxyDefinition,
  type ProxyScorer,
} from '../../proxies/index.js';
import { nb201 } from '../../spaces/index.js';
import type { AnySpace } from '../../spaces/space.js';
import { NaskitError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { RunConfig } from './config.js';
import type { ArchScorer } from './search-phase.js';

/** Throw invalid_config unless every name is a registered proxy. */
export function checkProxyNames(names: readonly string[]): void {
  const unknown = names.filter((n) => !proxyNames.includes(n));
  if (unknown.length > 0) {
    throw new NaskitError(
      'invalid_config',
      `field 'search.proxies' = ${JSON.stringify(names)}: unknown proxy '${unknown[0]}'; allowed: ${proxyNames.join(', ')}`,
    );
  }
}

export function makeScorers(
  config: RunConfig,
  train: ImageDataset,
  normalization: Normalization,
  rng: Rng,
  threads: number | undefined,
): ArchScorer[] {
  checkProxyNames(config.search.proxies);
  const context = runProxyContext(config, train, normalization, rng, threads);
  return config.search.proxies.map((name) => registryScorer(getProxy(name), context));
}

/** The context registry proxies run in: the run's space, its training images, the run's cores. */
function runProxyContext(
  config: RunConfig,
  train: ImageDataset,
  normalization: Normalization,
  rng: Rng,
  threads: number | undefined,
): ProxyContext {
  const batches = new Map<number, ProxyBatch>();
  const shape = [train.channels, train.height, train.width] as const;
  return {
    space: nb201 as AnySpace,
    dataset: config.dataset,
    classes: train.classes,
    inputShape: shape,
    seed: config.seed,
    // One thread per program, as many programs in flight as the run has threads: the proxy engines
    // parallelize across architectures, and single-threaded programs give the same bits every time.
    threads: 1,
    concurrency: threads ?? availableParallelism(),
    session: new ProxySession(),
    batch(size) {
      let batch = batches.get(size);
      if (!batch) {
        if (!Number.isInteger(size) || size < 2 || size > train.n) {
          throw new NaskitError(
            'invalid_argument',
            `a proxy asked for a batch of ${size} images; the training part has ${train.n}`,
          );
        }
        const picked = subset(train, rng.fork(`batch/${size}`).sampleIndices(train.n, size));
        batch = {
          images: normalizedImages(picked, normalization),
          labels: picked.labels,
          size,
          shape,
          classes: train.classes,
          source: `${train.name}[seed ${config.seed}, ${size} of ${train.n}]`,
        };
        batches.set(size, batch);
      }
      return batch;
    },
  };
}

function registryScorer(definition: ProxyDefinition, context: ProxyContext): ArchScorer {
  let scorer: Promise<ProxyScorer> | null = null;
  return {
    name: definition.name,
    direction: 'max',
    async score(archs) {
      scorer ??= definition.create(context);
      const values = await (await scorer).score(archs.map((a) => nb201.parse(a)));
      return values.map((v) => v.value ?? Number.NaN);
    },
    async release() {
      if (scorer) await (await scorer).release();
      scorer = null;
    },
  };
}
