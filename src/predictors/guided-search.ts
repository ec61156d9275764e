/**
 * Search guided by a meta-learned predictor (spec §3.4, "use in search", BRP-NAS style): the predictor
 * starts from an initialization learned on other settings (Reptile over task contexts, as in
 * meta-eval), so it ranks the new setting's architectures before any query. Each round it adapts to
 * the (architecture, validation) pairs queried so far, scores every architecture of the space and
 * queries the `batch` best-scoring unseen ones; `members` adaptations with different seeds are averaged
 * so a single unlucky adaptation cannot steer a whole round.
 *
 * Architectures with the same unified graph (isomorphic cells) are scored once; after one of them is
 * queried the others are skipped, since the predictor cannot tell them apart.
 */
import type { ParamStore } from '../runtime/params.js';
import type { SearchSpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { SearchContext, Strategy, StrategyDefinition, StrategyParams } from '../search/strategy.js';
import { numParam } from '../search/strategy.js';
import type { EncodedSet } from './encoding.js';
import { predictRaw } from './engine.js';
import { type AdaptConfig, adapt, metaTrainReptile, pretrainPooled } from './meta.js';
import { type MetaEvalConfig, metaEvaluations } from './meta-eval.js';
import type { ModelDef } from './models.js';
import { encodeFor, makeModel } from './predictor.js';
import type { Setting } from './settings.js';
import { graphHash, unifiedGraph } from './unified-graph.js';

/** A meta-learned predictor ready to be adapted: model, initialization and test-time adaptation. */
export interface LearnedPredictor {
  model: ModelDef;
  init: ParamStore;
  adapt: AdaptConfig;
}

/** Every architecture of a finite space, grouped by unified graph and encoded once. */
interface Pool<A> {
  /** One representative list of architectures per unique graph. */
  archs: A[][];
  /** Graph index of each architecture key. */
  graphOf: Map<string, number>;
  set: EncodedSet;
}

const pools = new WeakMap<object, Pool<unknown>>();

function poolFor<A>(space: SearchSpace<A>, model: ModelDef): Pool<A> {
  const cached = pools.get(space) as Pool<A> | undefined;
  if (cached) return cached;
  if (!space.enumerate) {
    throw new NaskitError(
      'invalid_argument',
      `predictor-guided search scores the whole space, but ${space.name} cannot be enumerated; use a finite space (nb201, tnb101-micro, ...) or a table`,
    );
  }
  const byHash = new Map<string, number>();
  const archs: A[][] = [];
  const graphs = [];
  const graphOf = new Map<string, number>();
  for (const arch of space.enumerate()) {
    const graph = unifiedGraph(space.name, arch);
    const hash = graphHash(graph);
    let g = byHash.get(hash);
    if (g === undefined) {
      g = archs.length;
      byHash.set(hash, g);
      archs.push([]);
      graphs.push(graph);
    }
    archs[g]!.push(arch);
    graphOf.set(space.key(arch), g);
  }
  const pool: Pool<A> = { archs, graphOf, set: encodeFor(model, graphs) };
  pools.set(space, pool as Pool<unknown>);
  return pool;
}

export interface GuidedParams {
  /** Random queries before the predictor is used (0: the first batch is the zero-shot ranking). */
  init: number;
  batch: number;
  members: number;
}

class GuidedSearch implements Strategy {
  constructor(
    private readonly predictor: LearnedPredictor,
    private readonly p: GuidedParams,
  ) {}

  async run<A>(ctx: SearchContext<A>): Promise<void> {
    const { space, evaluator, rng } = ctx;
    const { model, init } = this.predictor;
    const pool = poolFor(space, model);
    const seenGraphs = new Set<number>();
    const support: number[] = [];
    const values: number[] = [];
    const query = async (g: number, r: Rng): Promise<void> => {
      const options = pool.archs[g]!;
      const arch = options[r.int(options.length)]!;
      const obs = await evaluator.evaluate(arch);
      seenGraphs.add(g);
      support.push(g);
      values.push(obs.val);
    };
    const unseen = (): number[] =>
      Array.from({ length: pool.archs.length }, (_, g) => g).filter((g) => !seenGraphs.has(g));

    for (let i = 0; i < this.p.init && evaluator.canQuery(); i++) {
      const left = unseen();
      if (left.length === 0) return;
      await query(left[rng.int(left.length)]!, rng.fork(`init${i}`));
    }
    for (let round = 0; evaluator.canQuery(); round++) {
      const left = unseen();
      if (left.length === 0) return;
      const r = rng.fork(`round${round}`);
      const score = await this.score(model, init, pool.set, support, values, left, r);
      const order = left.map((g, i) => ({ g, s: score[i]! })).sort((a, b) => b.s - a.s);
      for (let i = 0; i < Math.min(this.p.batch, order.length) && evaluator.canQuery(); i++)
        await query(order[i]!.g, r.fork(`pick${i}`));
    }
  }

  /** Mean over members of the adapted predictor's standardized scores of `rows`. */
  private async score(
    model: ModelDef,
    init: ParamStore,
    set: EncodedSet,
    support: readonly number[],
    values: readonly number[],
    rows: readonly number[],
    rng: Rng,
  ): Promise<Float64Array> {
    const targets = new Float64Array(set.size);
    support.forEach((g, i) => {
      targets[g] = values[i]!;
    });
    const members = support.length === 0 ? 1 : this.p.members;
    const total = new Float64Array(rows.length);
    for (let m = 0; m < members; m++) {
      const params = await adapt(model, init, set, support, targets, this.predictor.adapt, rng.fork(`m${m}`));
      const raw = await predictRaw(model, params, set, rows);
      let mean = 0;
      for (const v of raw) mean += v / raw.length;
      let sd = 0;
      for (const v of raw) sd += (v - mean) ** 2 / raw.length;
      sd = Math.sqrt(sd) || 1;
      for (let i = 0; i < raw.length; i++) total[i]! += (raw[i]! - mean) / sd / members;
    }
    return total;
  }
}

/** The strategy for one learned predictor; its parameters go through the search API's checks. */
export function guidedStrategy(predictor: LearnedPredictor): StrategyDefinition {
  return {
    name: 'meta-guided',
    aliases: [],
    description:
      'queries the top unseen architectures of a meta-learned GCN predictor, adapted to every query so far',
    params: {
      init: {
        default: 0,
        description: 'random queries before the predictor is used (0: start from the zero-shot ranking)',
        min: 0,
        integer: true,
      },
      batch: { default: 10, description: 'architectures queried per adaptation', min: 1, integer: true },
      members: {
        default: 3,
        description: 'adaptations (different seeds) averaged per round',
        min: 1,
        integer: true,
      },
    },
    create(params: StrategyParams): Strategy {
      return new GuidedSearch(predictor, {
        init: numParam(params, 'init'),
        batch: numParam(params, 'batch'),
        members: numParam(params, 'members'),
      });
    },
  };
}

/**
 * Learn the predictor exactly as `predict meta-eval` learns its Reptile initialization: multi-task
 * pre-training with per-setting contexts for what the budget leaves, then Reptile meta-training.
 */
export async function learnGuidedPredictor(
  trainSettings: readonly Setting[],
  config: MetaEvalConfig,
  rng: Rng,
  log: (message: string) => void = () => {},
): Promise<LearnedPredictor> {
  if (trainSettings.length === 0) {
    throw new NaskitError('invalid_argument', 'the guided predictor needs at least one training setting');
  }
  const m = config.model;
  const model = makeModel('gcn', m.hidden, m.layers, m.context, m.contextEverywhere);
  const tasks = trainSettings.map((s) => ({
    name: s.name,
    set: encodeFor(model, s.graphs),
    targets: s.targets,
  }));
  const steps = config.budget - metaEvaluations(config.reptile, 'reptile').full;
  if (steps < 1) {
    throw new NaskitError(
      'invalid_config',
      `Reptile needs more gradient evaluations than the budget of ${config.budget}`,
    );
  }
  let t0 = performance.now();
  const multi = await pretrainPooled(
    model,
    tasks,
    steps,
    { ...config.pretrain, targets: config.targets, taskContexts: true },
    rng.fork('multitask'),
  );
  log(`pre-train multi-task with contexts: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const init = await metaTrainReptile(
    model,
    tasks,
    { ...config.reptile, targets: config.targets },
    rng.fork('reptile'),
    undefined,
    multi,
  );
  log(`meta-train reptile: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { model, init, adapt: { ...config.reptileAdapt, targets: config.targets } };
}
