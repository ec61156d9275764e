/**
 * The baselines a run's answer is compared with (issue 16, item 6): the space's heaviest architecture
 * (`SearchSpace.heaviest`: on NB201 the all-`nor_conv_3x3` cell; every run space has one) and one
 * random architecture drawn with the run's seed, distinct from the winner and the heaviest. Both are
 * trained and tested exactly like the winner, inside the same budget, so "did the search help?" has
 * an answer in the summary.
 */
import type { AnySpace } from '../../spaces/space.js';
import { Rng } from '../../util/rng.js';

export const BASELINES = ['heaviest', 'random'] as const;
export type BaselineName = (typeof BASELINES)[number];

export interface BaselineRecord {
  type: 'baseline';
  name: BaselineName;
  arch: string;
  /** The baseline is the winner itself (the search found the heaviest cell): its result is the winner's. */
  same_as_winner: boolean;
  test_accuracy: number;
  test_loss: number;
  params: number;
  epochs: number;
  seconds: number;
  at: number;
}

/** The baselines of a run, in the order they are trained (and dropped last-first when time is short). */
export function baselineArchitectures(
  space: AnySpace,
  seed: number,
  winner: string,
): { name: BaselineName; arch: string }[] {
  const heaviest = space.heaviest!();
  // Distinct by key (the space's identity), not by string.
  const taken = new Set([space.key(space.parse(winner)), space.key(heaviest)]);
  const rng = new Rng(seed).fork('baseline-random');
  let random = space.sample(rng);
  // A handful of draws always suffices in the run spaces (thousands of architectures or more).
  for (let i = 0; i < 100 && taken.has(space.key(random)); i++) random = space.sample(rng);
  // The heaviest is compared by key too: a winner isomorphic to it is reported as the same network.
  const heaviestArch =
    space.key(heaviest) === space.key(space.parse(winner)) ? winner : space.format(heaviest);
  return [
    { name: 'heaviest', arch: heaviestArch },
    { name: 'random', arch: space.format(random) },
  ];
}
