/**
 * The proxies a run ranks architectures with: any proxy of the registry (src/proxies/index.ts), scored
 * on a fixed batch of the run's own training images (seeded, normalized like training, no
 * augmentation), each with its published settings. Registry proxies report higher = better; an
 * architecture a proxy cannot score (epsilon's NaN on cells without a parameter-free path) gets no
 * score from it (see ranking.ts for what happens then).
 */
import { availableParallelism } from 'node:os';
import type { ImageDataset } from '../../data/dataset.js';
import type { Normalization } from '../../data/normalize.js';
import { createProxyContext } from '../../proxies/context.js';
import { getProxy, proxyNames } from '../../proxies/index.js';
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

/**
 * The run's proxies, all in one context over the run's space and training images (`rng` draws the
 * batches). One thread per program, as many programs at once as the run has threads (worker threads
 * when it has several): the proxy engines parallelize across architectures, and single-threaded
 * programs give the same bits every time.
 */
export function makeScorers(
  space: AnySpace,
  config: RunConfig,
  train: ImageDataset,
  normalization: Normalization,
  rng: Rng,
  threads: number | undefined,
): ArchScorer[] {
  checkProxyNames(config.search.proxies);
  const cores = threads ?? availableParallelism();
  const context = createProxyContext({
    space,
    dataset: config.dataset,
    images: { dataset: train, normalization, batchSeed: rng.seed },
    seed: config.seed,
    threads: 1,
    concurrency: cores,
    workers: cores,
  });
  return config.search.proxies.map((name) => ({
    name,
    direction: 'max',
    definition: getProxy(name),
    context,
  }));
}
