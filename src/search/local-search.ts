/**
 * Local search (hill climbing over `space.neighbors`), as in White et al. 2021, "Local search is state of
 * the art for NAS benchmarks": start from the best of `init` random architectures, move to a better
 * neighbor (the first one found in random order, or the best of all), and restart from a fresh random
 * architecture at a local optimum (with a proxy warm start, the starts come from the top of the
 * proxy-ranked pool first). Neighbors already queried are looked up, not re-queried.
 */
import {
  initialDraws,
  numParam,
  strParam,
  type Observation,
  type SearchContext,
  type StrategyDefinition,
  type StrategyParams,
} from './strategy.js';

export const localSearch: StrategyDefinition = {
  name: 'ls',
  aliases: ['local', 'local-search'],
  description: 'local search: hill climbing over neighbors (first or best improvement) with random restarts',
  params: {
    init: {
      default: 10,
      description: 'random architectures queried before the first climb',
      min: 1,
      integer: true,
    },
    improvement: {
      default: 'first',
      description:
        "'first': move to the first better neighbor; 'best': query all neighbors, move to the best",
      choices: ['first', 'best'],
    },
  },
  create: (params: StrategyParams) => {
    const init = numParam(params, 'init');
    const improvement = strParam(params, 'improvement');
    return {
      async run<A>(ctx: SearchContext<A>): Promise<void> {
        const { space, evaluator, rng } = ctx;
        const look = async (arch: A): Promise<Observation | null> => {
          const seen = evaluator.known(space.key(arch));
          if (seen) return seen;
          return evaluator.canQuery() ? evaluator.evaluate(arch) : null;
        };
        const initial = initialDraws(ctx);
        const randomStart = async (count: number): Promise<{ arch: A; obs: Observation } | null> => {
          let best: { arch: A; obs: Observation } | null = null;
          for (let i = 0; i < count && evaluator.canQuery(); i++) {
            const arch = initial();
            const obs = await evaluator.evaluate(arch);
            if (best === null || obs.val > best.obs.val) best = { arch, obs };
          }
          return best;
        };

        let current = await randomStart(init);
        while (current !== null && evaluator.canQuery()) {
          const neighbors = rng.shuffle(space.neighbors(current.arch));
          let next: { arch: A; obs: Observation } | null = null;
          for (const arch of neighbors) {
            const obs = await look(arch);
            if (obs === null) return; // budget spent mid-scan
            if (obs.val > (next ?? current).obs.val) {
              next = { arch, obs };
              if (improvement === 'first') break;
            }
          }
          current = next ?? (await randomStart(1));
        }
      },
    };
  },
};
