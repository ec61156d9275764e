/**
 * Random search: uniform samples from the space, skipping architectures already queried. With a proxy
 * warm start it first queries the pool in proxy-rank order (epsinas' RS-warmup).
 */
import { initialDraws, type SearchContext, type StrategyDefinition } from './strategy.js';

export const randomSearch: StrategyDefinition = {
  name: 'rs',
  aliases: ['random', 'random-search'],
  description: 'random search: query uniform samples of the space (no repeats) until the budget is spent',
  params: {},
  create: () => ({
    async run<A>(ctx: SearchContext<A>): Promise<void> {
      const draw = initialDraws(ctx);
      while (ctx.evaluator.canQuery()) await ctx.evaluator.evaluate(draw());
    },
  }),
};
