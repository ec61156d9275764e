/**
 * The black-box strategy registry: one entry per algorithm file. `getStrategy` accepts names and aliases.
 */
import { NaskitError } from '../util/errors.js';
import { bananas } from './bananas/bananas.js';
import { localSearch } from './local-search.js';
import { randomSearch } from './random-search.js';
import { regularizedEvolution } from './regularized-evolution.js';
import type { StrategyDefinition } from './strategy.js';

export const STRATEGIES: readonly StrategyDefinition[] = [
  randomSearch,
  regularizedEvolution,
  localSearch,
  bananas,
];

export function getStrategy(name: string): StrategyDefinition {
  const lower = name.toLowerCase();
  const found = STRATEGIES.find((s) => s.name === lower || s.aliases.includes(lower));
  if (found === undefined) {
    throw new NaskitError(
      'invalid_argument',
      `unknown strategy '${name}'; valid strategies: ${STRATEGIES.map((s) => `${s.name} (${s.description})`).join('; ')}`,
    );
  }
  return found;
}

export { BenchmarkEvaluator } from './evaluator.js';
export type { Budget, EvaluatorOptions, QueryRecord } from './evaluator.js';
export { incumbentAt, incumbentAtTime, oracle } from './results.js';
export type { Oracle } from './results.js';
export { runSearch, runSeeds, summarizeRuns, REPORT_BUDGETS } from './run.js';
export type { SearchRun, SearchRunOptions, BudgetSummary } from './run.js';
export { resolveParams } from './strategy.js';
export type {
  Evaluator,
  Observation,
  ParamSpec,
  SearchContext,
  Strategy,
  StrategyDefinition,
  StrategyParams,
} from './strategy.js';
