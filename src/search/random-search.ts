/** Random search: uniform samples from the space, skipping architectures already queried. */
import { drawUnseen, type SearchContext, type StrategyDefinition } from './strategy.js';

export const randomSearch: StrategyDefinition = {
  name: 'rs',
  aliases: ['random', 'random-search'],
  description: 'random search: query uniform samples of the space (no repeats) until the budget is spent',
  params: {},
  create: () => ({
    async run<A>(ctx: SearchContext<A>): Promise<void> {
      while (ctx.evaluator.canQuery()) {
        await ctx.evaluator.evaluate(drawUnseen(ctx, () => ctx.space.sample(ctx.rng)));
      }
    },
  }),
};
