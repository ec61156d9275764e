/**
 * epsilon (epsinas; Gracheva, arXiv 2302.04406, code github.com/egracheva/epsinas): build the network
 * with ONE output unit twice, every conv/linear/BN-scale weight set to a constant (a small one, then a
 * large one) and every bias to 0, BN with batch statistics; push one fixed unlabeled batch of 256
 * normalized training images (no augmentation) through each; rescale each output vector to [0, 1];
 * drop exact zeros; score = mean |difference| / mean. Higher = better.
 *
 * Exactly as published, in float32: the pair is (1e-7, 1) on NB201 and (1e-4, 10) on NB101, and the
 * score is NaN when an output vector is constant — on NB201 that happens precisely for cells with no
 * parameter-free (skip / avg-pool) input→output path, whose every signal path underflows to 0 with the
 * tiny constant. Those architectures get `value: null` with the reason.
 */
import { defineProxy, requireSpace, type ProxyContext, type ProxyDefinition } from './proxy.js';
import { epsilonScore } from './constant/epsilon-formula.js';
import { constantRunner, constantScorer } from './constant/scorer.js';
import { NaskitError } from '../util/errors.js';

/** The weight pairs of the released epsinas code (NB201 and NB101 Reproduce notebooks). */
export const EPSILON_PAIRS: Readonly<Record<string, readonly [number, number]>> = {
  nb201: [1e-7, 1],
  nb101: [1e-4, 10],
};

export const EPSILON_BATCH = 256;

export function epsilonPair(space: string): readonly [number, number] {
  const pair = EPSILON_PAIRS[space];
  if (!pair) {
    throw new NaskitError(
      'invalid_argument',
      `epsilon has weight pairs for ${Object.keys(EPSILON_PAIRS).join(', ')}, not '${space}'`,
    );
  }
  return pair;
}

export const epsilon: ProxyDefinition = defineProxy({
  name: 'epsilon',
  direction: 'maximize',
  data: 'images',
  spaces: ['nb201', 'nb101'],
  description:
    'epsinas: output dispersion between two constant-weight initialisations (NB201 1e-7/1, NB101 1e-4/10), ' +
    'float32, batch 256, one output unit; higher = better; NaN (null) when an output is constant',
  async create(context: ProxyContext) {
    requireSpace(epsilon, context.space);
    const weights = epsilonPair(context.space.name);
    const runner = constantRunner(context, { weights, batchSize: EPSILON_BATCH });
    return constantScorer(epsilon, context, runner, weights, ([low, high]) => {
      const value = epsilonScore(low!, high!);
      if (Number.isNaN(value)) return { value: null, failure: nanReason(low!, high!) };
      return { value };
    });
  },
});

/** Why an epsilon score is NaN: which output vector is constant (or non-finite). */
export function nanReason(low: ArrayLike<number>, high: ArrayLike<number>): string {
  const describe = (v: ArrayLike<number>, name: string): string | null => {
    const xs = Array.from(v);
    if (xs.some((x) => !Number.isFinite(x))) return `the ${name}-constant output has NaN/Inf`;
    const first = xs[0]!;
    return xs.every((x) => x === first)
      ? `the ${name}-constant output is constant (${first}) over the batch`
      : null;
  };
  const reasons = [describe(low, 'low'), describe(high, 'high')].filter((r): r is string => r !== null);
  return `epsilon is NaN: ${reasons.length > 0 ? reasons.join('; ') : 'no finite entries after rescaling'}`;
}
