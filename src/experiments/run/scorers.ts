/**
 * The proxies a run can rank architectures with, as ArchScorers over canonical NB201 strings:
 * - every proxy of the registry (src/proxies/index.ts), epsilon first among them: scored on a fixed
 *   batch of the run's own training images (seeded, normalized like training, no augmentation), each
 *   proxy with its published settings. Registry proxies report higher = better; an architecture the
 *   proxy cannot score (epsilon's NaN on cells without a parameter-free path) gets no score and ranks last.
 * - `params`: the trainable-parameter count of the run's network, a classic zero-cost baseline
 *   (higher = better), counted in closed form so thousands of architectures cost nothing.
 */
import { availableParallelism } from 'node:os';
import { subset, type ImageDataset } from '../../data/dataset.js';
import { normalizedImages, type Normalization } from '../../data/normalize.js';
import type { ProxyBatch } from '../../proxies/data-batch.js';
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

/** Proxy names a run accepts. */
export function runProxyNames(): string[] {
  return [...proxyNames, ...(proxyNames.includes('params') ? [] : ['params'])];
}

export function makeScorers(
  config: RunConfig,
  train: ImageDataset,
  normalization: Normalization,
  rng: Rng,
  threads: number | undefined,
): ArchScorer[] {
  const allowed = runProxyNames();
  const unknown = config.search.proxies.filter((n) => !allowed.includes(n));
  if (unknown.length > 0) {
    throw new NaskitError(
      'invalid_config',
      `field 'search.proxies' = ${JSON.stringify(config.search.proxies)}: unknown proxy '${unknown[0]}'; allowed: ${allowed.join(', ')}`,
    );
  }
  const context = runProxyContext(config, train, normalization, rng, threads);
  return config.search.proxies.map((name) =>
    proxyNames.includes(name)
      ? registryScorer(getProxy(name), context)
      : paramsScorer(config.network.channels, config.network.cells, train.channels, train.classes),
  );
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

const CONV_WEIGHTS: Record<string, (c: number) => number> = {
  nor_conv_3x3: (c) => c * c * 9 + 2 * c,
  nor_conv_1x1: (c) => c * c + 2 * c,
};

/** Trainable parameters of nb201Network(arch, {channels, cellsPerStage, classes, inputShape[0] = inChannels}). */
export function nb201ParamCount(
  arch: string,
  channels: number,
  cellsPerStage: number,
  inChannels: number,
  classes: number,
): number {
  const edges = nb201.parse(arch).edges;
  let total = inChannels * channels * 9 + 2 * channels; // stem conv + BN
  for (let stage = 0; stage < 3; stage++) {
    const c = channels * 2 ** stage;
    if (stage > 0) total += (c / 2) * c * 9 + 2 * c + c * c * 9 + 2 * c + (c / 2) * c; // reduction block
    const cell = edges.reduce((sum, op) => sum + (CONV_WEIGHTS[op]?.(c) ?? 0), 0);
    total += cellsPerStage * cell;
  }
  const last = channels * 4;
  return total + 2 * last + last * classes + classes; // final BN + classifier
}

function paramsScorer(channels: number, cells: number, inChannels: number, classes: number): ArchScorer {
  return {
    name: 'params',
    direction: 'max',
    score: async (archs) => archs.map((a) => nb201ParamCount(a, channels, cells, inChannels, classes)),
    release: async () => {},
  };
}
