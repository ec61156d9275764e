/**
 * The black-box search contract. A strategy sees a search space, an evaluator that answers "train this
 * architecture" with its validation metric (never the test metric), and an Rng; it loops while the
 * evaluator has budget. Each algorithm lives in its own file and is listed in ./index.ts.
 */
import type { SearchSpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

/** What a strategy learns from one query. */
export interface Observation {
  key: string;
  /** The validation metric (the search's fitness; higher is better). */
  val: number;
  /** Simulated training seconds charged, or null when the benchmark has no cost model. */
  cost: number | null;
}

export interface Evaluator<A> {
  /** Train (look up) an architecture; rejects when the budget is already spent. */
  evaluate(arch: A): Promise<Observation>;
  /** True while another query fits in the budget. */
  canQuery(): boolean;
  /** The observation of an architecture queried earlier in this run, if any. */
  known(key: string): Observation | undefined;
  /** Queries made so far. */
  readonly queries: number;
}

export interface SearchContext<A> {
  space: SearchSpace<A>;
  evaluator: Evaluator<A>;
  rng: Rng;
  /**
   * Architectures ranked best first by a zero-cost proxy before any query (see warm-start.ts). Strategies
   * take their initial queries from its top through `initialDraws`; absent for a plain search.
   */
  warmStart?: readonly A[];
}

export interface Strategy {
  run<A>(ctx: SearchContext<A>): Promise<void>;
}

export type ParamValue = number | string;
export type StrategyParams = Record<string, ParamValue>;

export interface ParamSpec {
  default: ParamValue;
  description: string;
  /** Allowed values for string parameters. */
  choices?: readonly string[];
  /** Smallest allowed value for numbers. */
  min?: number;
  integer?: boolean;
}

export interface StrategyDefinition {
  /** Short name used on the command line ('rs', 're', 'ls', 'bananas'). */
  name: string;
  aliases: readonly string[];
  description: string;
  params: Readonly<Record<string, ParamSpec>>;
  create(params: StrategyParams): Strategy;
}

/** Fill in defaults and check user-given parameters (strings from the CLI are converted). */
export function resolveParams(
  def: StrategyDefinition,
  given: Record<string, ParamValue> = {},
): StrategyParams {
  const out: StrategyParams = {};
  for (const name of Object.keys(given)) {
    if (!(name in def.params)) {
      throw new NaskitError(
        'invalid_argument',
        `strategy ${def.name} has no parameter '${name}'; its parameters: ${Object.keys(def.params).join(', ')}`,
      );
    }
  }
  for (const [name, spec] of Object.entries(def.params)) {
    const raw = given[name] ?? spec.default;
    if (typeof spec.default === 'number') {
      const x = typeof raw === 'number' ? raw : Number(raw);
      const bad =
        !Number.isFinite(x) ||
        (spec.integer === true && !Number.isInteger(x)) ||
        (spec.min !== undefined && x < spec.min);
      if (bad) {
        throw new NaskitError(
          'invalid_argument',
          `strategy ${def.name}: ${name} must be ${spec.integer ? 'an integer' : 'a number'}` +
            `${spec.min !== undefined ? ` >= ${spec.min}` : ''}, got '${raw}' (${spec.description})`,
        );
      }
      out[name] = x;
    } else {
      const s = String(raw);
      if (spec.choices && !spec.choices.includes(s)) {
        throw new NaskitError(
          'invalid_argument',
          `strategy ${def.name}: ${name} must be one of ${spec.choices.join(', ')}, got '${s}'`,
        );
      }
      out[name] = s;
    }
  }
  return out;
}

export function numParam(params: StrategyParams, name: string): number {
  const v = params[name];
  if (typeof v !== 'number') throw new NaskitError('invalid_argument', `parameter ${name} must be a number`);
  return v;
}

export function strParam(params: StrategyParams, name: string): string {
  const v = params[name];
  if (typeof v !== 'string') throw new NaskitError('invalid_argument', `parameter ${name} must be a string`);
  return v;
}

/** Whether the run has already queried `arch`. */
function queried<A>(ctx: SearchContext<A>, arch: A): boolean {
  return ctx.evaluator.known(ctx.space.key(arch)) !== undefined;
}

/**
 * Draw architectures until one has not been queried yet (re-querying a table entry only wastes budget).
 * After `tries` draws it tries uniform samples instead, and after as many of those returns the last one,
 * so a nearly exhausted space still progresses.
 */
export function drawUnseen<A>(ctx: SearchContext<A>, draw: () => A, tries = 100): A {
  const seen = (a: A): boolean => queried(ctx, a);
  let arch = draw();
  for (let t = 1; t < tries && seen(arch); t++) arch = draw();
  // A move that only proposes queried architectures (a parent whose neighbourhood is used up): a
  // uniform sample is worth more than a repeated, wasted query.
  for (let t = 0; t < tries && seen(arch); t++) arch = ctx.space.sample(ctx.rng);
  return arch;
}

/**
 * The draw for a strategy's initial queries: the proxy warm-start pool in rank order (skipping what was
 * already queried) while it lasts, then unseen uniform samples. Without a warm start it is just the latter.
 */
export function initialDraws<A>(ctx: SearchContext<A>): () => A {
  const pool = ctx.warmStart ?? [];
  let next = 0;
  return () => {
    while (next < pool.length) {
      const arch = pool[next++]!;
      if (!queried(ctx, arch)) return arch;
    }
    return drawUnseen(ctx, () => ctx.space.sample(ctx.rng));
  };
}
