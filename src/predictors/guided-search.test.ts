import { afterAll, describe, expect, it } from 'vitest';
import type { Nb201Arch } from '../spaces/index.js';
import { nb201 } from '../spaces/index.js';
import type { SearchSpace } from '../spaces/space.js';
import type { Evaluator, Observation } from '../search/strategy.js';
import { resolveParams } from '../search/strategy.js';
import { Rng } from '../util/rng.js';
import { releasePrograms } from './engine.js';
import { guidedStrategy, learnGuidedPredictor } from './guided-search.js';
import { DEFAULT_META_EVAL, type MetaEvalConfig } from './meta-eval.js';
import type { Setting } from './settings.js';
import { graphHash, unifiedGraph, type UnifiedGraph } from './unified-graph.js';

afterAll(releasePrograms);

/** A synthetic score shared (up to a tilt) by the training settings and the searched one. */
function score(g: UnifiedGraph, tilt: number): number {
  const count = (op: number) => g.ops.filter((o) => o === op).length;
  return 2 * count(4) + count(3) + g.edges.length + tilt * count(9);
}

function uniqueArchs(n: number, seed: number): Nb201Arch[] {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const out: Nb201Arch[] = [];
  while (out.length < n) {
    const a = nb201.sample(rng);
    const h = graphHash(unifiedGraph(nb201, a));
    if (!seen.has(h)) {
      seen.add(h);
      out.push(a);
    }
  }
  return out;
}

function setting(name: string, tilt: number, seed: number): Setting {
  const archs = uniqueArchs(90, seed);
  const graphs = archs.map((a) => unifiedGraph(nb201, a));
  const targets = Float64Array.from(graphs, (g) => score(g, tilt));
  const spec = { name, space: 'nb201', dataset: name, metric: 'val_acc', maximize: true };
  return {
    spec: { ...spec, from: { kind: 'file', path: name } },
    name,
    space: 'nb201',
    graphs,
    archs: archs.map((a) => nb201.format(a)),
    targets,
    rows: 90,
  };
}

/** NB201 cut down to a fixed list of architectures, so the strategy can enumerate it cheaply. */
function smallSpace(archs: Nb201Arch[]): SearchSpace<Nb201Arch> {
  return { ...nb201, size: archs.length, enumerate: () => archs[Symbol.iterator]() };
}

class FakeEvaluator implements Evaluator<Nb201Arch> {
  readonly seen = new Map<string, Observation>();
  readonly order: Nb201Arch[] = [];
  constructor(private readonly budget: number) {}
  get queries(): number {
    return this.order.length;
  }
  canQuery(): boolean {
    return this.order.length < this.budget;
  }
  known(key: string): Observation | undefined {
    return this.seen.get(key);
  }
  async evaluate(arch: Nb201Arch): Promise<Observation> {
    if (!this.canQuery()) throw new Error('over budget');
    const obs = { key: nb201.key(arch), val: score(unifiedGraph(nb201, arch), 0.5), cost: null };
    this.seen.set(obs.key, obs);
    this.order.push(arch);
    return obs;
  }
}

const tiny: MetaEvalConfig = {
  ...DEFAULT_META_EVAL,
  model: { hidden: 16, layers: 2, context: 4, contextEverywhere: false },
  budget: 400,
  pretrain: { ...DEFAULT_META_EVAL.pretrain, batchSize: 32 },
  reptile: {
    ...DEFAULT_META_EVAL.reptile,
    iterations: 15,
    tasksPerIteration: 2,
    supportSizes: [10],
    querySize: 20,
  },
};

describe('predictor-guided search', () => {
  it('spends the budget on distinct graphs and finds top architectures of a related task', async () => {
    const train = [setting('nb201/a', 0, 1), setting('nb201/b', 1, 2)];
    const predictor = await learnGuidedPredictor(train, tiny, new Rng(3));
    const strategy = guidedStrategy(predictor);
    const pool = uniqueArchs(300, 9);
    const values = pool.map((a) => score(unifiedGraph(nb201, a), 0.5)).sort((x, y) => y - x);
    const evaluator = new FakeEvaluator(20);
    const space = smallSpace(pool);
    await strategy.create(resolveParams(strategy, { init: 5, batch: 5 })).run({
      space,
      evaluator,
      rng: new Rng(4),
    });
    expect(evaluator.queries).toBe(20);
    const hashes = new Set(evaluator.order.map((a) => graphHash(unifiedGraph(nb201, a))));
    expect(hashes.size).toBe(20);
    // 20 random queries of 300 reach the top 3% with probability ~0.45; the guided search must.
    const best = Math.max(...[...evaluator.seen.values()].map((o) => o.val));
    expect(best).toBeGreaterThanOrEqual(values[Math.floor(0.03 * values.length)]!);
  });

  it('refuses a space it cannot enumerate, and checks its parameters', async () => {
    const strategy = guidedStrategy(
      await learnGuidedPredictor([setting('nb201/a', 0, 1)], { ...tiny, budget: 100 }, new Rng(1)),
    );
    const { enumerate: _drop, ...rest } = nb201;
    void _drop;
    const run = strategy
      .create(resolveParams(strategy, {}))
      .run({ space: rest as SearchSpace<Nb201Arch>, evaluator: new FakeEvaluator(3), rng: new Rng(1) });
    await expect(run).rejects.toThrow(/cannot be enumerated/);
    expect(() => resolveParams(strategy, { batch: 0 })).toThrow(/batch must be an integer >= 1/);
    await expect(learnGuidedPredictor([], tiny, new Rng(1))).rejects.toThrow(/at least one training setting/);
  });
});
