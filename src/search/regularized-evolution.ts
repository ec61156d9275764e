/**
 * Regularized (aging) evolution, Real et al. 2019: a population of the most recent `population`
 * architectures; each step picks `tournament` members at random, mutates the best of them and replaces
 * the oldest member with the child. With a proxy warm start the initial population is the top of the
 * proxy-ranked pool (epsinas' AE-warmup).
 */
import {
  drawUnseen,
  initialDraws,
  numParam,
  type Observation,
  type SearchContext,
  type StrategyDefinition,
  type StrategyParams,
} from './strategy.js';

export const regularizedEvolution: StrategyDefinition = {
  name: 're',
  aliases: ['evolution', 'regularized-evolution'],
  description: 'regularized evolution: tournament selection, mutation via space.mutate, oldest member dies',
  params: {
    population: {
      default: 10,
      description: 'population size (also the number of random initial queries)',
      min: 2,
      integer: true,
    },
    tournament: { default: 3, description: 'members sampled per tournament', min: 1, integer: true },
  },
  create: (params: StrategyParams) => {
    const populationSize = numParam(params, 'population');
    const tournament = Math.min(numParam(params, 'tournament'), populationSize);
    return {
      async run<A>(ctx: SearchContext<A>): Promise<void> {
        const { space, evaluator, rng } = ctx;
        const population: { arch: A; obs: Observation }[] = [];
        const initial = initialDraws(ctx);
        while (population.length < populationSize && evaluator.canQuery()) {
          const arch = initial();
          population.push({ arch, obs: await evaluator.evaluate(arch) });
        }
        while (evaluator.canQuery()) {
          const contestants = rng.sampleIndices(population.length, tournament).map((i) => population[i]!);
          const parent = contestants.reduce((best, m) => (m.obs.val > best.obs.val ? m : best));
          const child = drawUnseen(ctx, () => space.mutate(parent.arch, rng));
          population.push({ arch: child, obs: await evaluator.evaluate(child) });
          population.shift();
        }
      },
    };
  },
};
