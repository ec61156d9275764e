import { afterAll, describe, expect, it } from 'vitest';
import { nb201, tnbMicro } from '../spaces/index.js';
import { spearman } from '../stats/correlation.js';
import { Rng } from '../util/rng.js';
import { predictRaw, releasePrograms } from './engine.js';
import { adapt, pretrainMultiTask, sampleEpisode } from './meta.js';
import { DEFAULT_META_EVAL, type MetaEvalConfig, resolveHoldout, runMetaEval } from './meta-eval.js';
import { threadExecutor } from './meta-eval-threads.js';
import { encodeFor, makeModel } from './predictor.js';
import type { Setting } from './settings.js';
import { graphHash, unifiedGraph, type UnifiedGraph } from './unified-graph.js';

afterAll(releasePrograms);

/** Synthetic settings: related tasks share a structural component, plus a task-specific tilt. */
function synthetic(
  space: typeof nb201 | typeof tnbMicro,
  name: string,
  tilt: number[],
  seed: number,
): Setting {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const graphs: UnifiedGraph[] = [];
  const archs: string[] = [];
  while (graphs.length < 90) {
    const arch = space.sample(rng);
    const g = unifiedGraph(space, arch);
    const h = graphHash(g);
    if (!seen.has(h)) {
      seen.add(h);
      graphs.push(g);
      archs.push(space.format(arch as never));
    }
  }
  const targets = Float64Array.from(graphs, (g) => {
    const counts = [3, 4, 9].map((op) => g.ops.filter((o) => o === op).length);
    return 2 * counts[1]! + counts[0]! + g.edges.length + counts.reduce((s, c, i) => s + c * tilt[i]!, 0);
  });
  const spec = {
    name,
    space: space.name,
    dataset: name,
    metric: 'val_acc',
    maximize: true,
    from: { kind: 'file' as const, path: name },
  };
  return { spec, name, space: space.name, graphs, archs, targets, rows: graphs.length };
}

const settings = [
  synthetic(nb201, 'nb201/a', [0.5, 0, -1], 1),
  synthetic(nb201, 'nb201/b', [-0.5, 0.5, 0], 2),
  synthetic(tnbMicro, 'tnb101-micro/a', [0, -0.5, 0], 3),
  synthetic(nb201, 'nb201/held', [0, 0.3, -0.5], 4),
];

const tiny: MetaEvalConfig = {
  ...DEFAULT_META_EVAL,
  model: { hidden: 16, layers: 2, context: 4, contextEverywhere: false },
  budget: 300,
  pretrain: { ...DEFAULT_META_EVAL.pretrain, batchSize: 32 },
  maml: {
    ...DEFAULT_META_EVAL.maml,
    iterations: 15,
    tasksPerIteration: 2,
    supportSizes: [10],
    querySize: 20,
  },
  reptile: {
    ...DEFAULT_META_EVAL.reptile,
    iterations: 15,
    tasksPerIteration: 2,
    supportSizes: [10],
    querySize: 20,
  },
  scratch: { ...DEFAULT_META_EVAL.scratch, steps: 40 },
};

describe('meta-learning across settings', () => {
  it('draws disjoint support and query sets standardized by the support', () => {
    const model = makeModel('gcn', 8, 1);
    const s = settings[0]!;
    const task = { name: s.name, set: encodeFor(model, s.graphs), targets: s.targets };
    const ep = sampleEpisode(task, 10, 30, new Rng(1));
    expect(ep.support.length).toBe(10);
    expect(ep.query.length).toBe(30);
    expect(ep.support.filter((r) => ep.query.includes(r))).toEqual([]);
    const zs = ep.support.map((r) => ep.z[r]!);
    expect(zs.reduce((a, b) => a + b, 0) / 10).toBeCloseTo(0, 5);
  });

  it('resolves single settings and whole spaces, listing valid names otherwise', () => {
    expect(resolveHoldout(settings, 'space:nb201').map((s) => s.name)).toEqual([
      'nb201/a',
      'nb201/b',
      'nb201/held',
    ]);
    expect(() => resolveHoldout(settings, 'nb201/zzz')).toThrow(/valid settings: nb201\/a, nb201\/b/);
    expect(() => resolveHoldout(settings, 'space:darts')).toThrow(/spaces: nb201, tnb101-micro/);
  });

  it('evaluates every method and shot count, and transfers to a related held-out setting', async () => {
    const run = () =>
      runMetaEval({
        settings,
        holdout: 'nb201/held',
        methods: ['maml', 'reptile', 'meta-ensemble', 'scratch', 'finetune', 'zeroshot'],
        shots: [0, 10],
        seeds: 2,
        config: tiny,
      });
    const r = await run();
    expect(r.trainSettings).toEqual(['nb201/a', 'nb201/b', 'tnb101-micro/a']);
    const keys = r.results.map((x) => `${x.method}@${x.shots}`);
    expect(keys).toEqual([
      'maml@0',
      'maml@10',
      'reptile@0',
      'reptile@10',
      'meta-ensemble@0',
      'meta-ensemble@10',
      'scratch@10',
      'finetune@0',
      'finetune@10',
      'zeroshot@0',
      'zeroshot@10',
    ]);
    for (const row of r.results) {
      expect(row.spearman.length).toBe(2);
      expect(row.evaluated).toBe(90 - row.shots);
      expect(Math.abs(row.spearman_mean)).toBeLessThanOrEqual(1);
    }
    // the pooled model has seen the shared structure, so it ranks the new setting well without shots
    const zero = r.results.find((x) => x.method === 'zeroshot' && x.shots === 0)!;
    expect(zero.spearman_mean).toBeGreaterThan(0.5);
    // the ensemble is computed from the same adapted MAML and Reptile predictors: asking for it alone
    // gives the same numbers
    const alone = await runMetaEval({
      settings,
      holdout: 'nb201/held',
      methods: ['meta-ensemble'],
      shots: [0, 10],
      seeds: 2,
      config: tiny,
    });
    expect(alone.results).toEqual(r.results.filter((x) => x.method === 'meta-ensemble'));
    // same seed, same numbers
    expect((await run()).results).toEqual(r.results);
  });

  it('on worker threads: the starts train at once and the draws are shared out, with the in-thread numbers', async () => {
    const options = {
      settings,
      holdout: 'space:nb201',
      methods: ['maml', 'finetune', 'zeroshot', 'reptile-cv'] as const,
      shots: [0, 10],
      seeds: 2,
      config: tiny,
      cvReport: true,
    };
    const here = await runMetaEval({ ...options, methods: [...options.methods] });
    const logs: string[] = [];
    const o = { ...options, methods: [...options.methods], log: (m: string) => logs.push(m) };
    const threads = await runMetaEval(o, threadExecutor(o, 2, 1));
    expect(threads.results).toEqual(here.results);
    expect(threads.budgets).toEqual(here.budgets);
    expect(threads.heldOut).toEqual(['nb201/a', 'nb201/b', 'nb201/held']);
    // the threads' progress reaches the caller's log
    expect(logs.some((m) => /^pre-train pooled: /.test(m))).toBe(true);
    expect(() => threadExecutor(o, 1, 1)).toThrow(/integer >= 2/);
  });

  it('rejects unknown methods and impossible holdouts', async () => {
    await expect(
      runMetaEval({
        settings,
        holdout: 'nb201/held',
        methods: ['protonet' as never],
        shots: [0],
        seeds: 1,
        config: tiny,
      }),
    ).rejects.toThrow(/unknown method 'protonet'; valid methods: maml, reptile/);
    await expect(
      runMetaEval({
        settings: [settings[3]!],
        holdout: 'nb201/held',
        methods: ['maml'],
        shots: [0],
        seeds: 1,
        config: tiny,
      }),
    ).rejects.toThrow(/leaves no setting to learn from/);
  });
});

describe('task contexts', () => {
  it('multi-task pre-training with per-setting contexts fits opposite tasks, and inference finds the right one', async () => {
    const base = settings[0]!;
    const flipped = (name: string, sign: number): Setting => ({
      ...base,
      name,
      targets: base.targets.map((t) => sign * t),
    });
    const model = makeModel('gcn', 16, 2, 4);
    const tasks = [flipped('up', 1), flipped('down', -1)].map((s) => ({
      name: s.name,
      set: encodeFor(model, s.graphs),
      targets: s.targets,
    }));
    const { params, contexts } = await pretrainMultiTask(
      model,
      tasks,
      400,
      { ...DEFAULT_META_EVAL.pretrain, batchSize: 32, targets: 'rank', taskContexts: true },
      new Rng(3),
    );
    const set = tasks[0]!.set;
    const withContext = (c: Float32Array) => {
      const p = params.clone();
      p.get('film/context').set(c);
      return p;
    };
    // each learned context reproduces its own task, so the two rank in opposite orders
    expect(
      spearman(await predictRaw(model, withContext(contexts[0]!), set), base.targets, { nonFinite: 'throw' }),
    ).toBeGreaterThan(0.6);
    expect(
      spearman(await predictRaw(model, withContext(contexts[1]!), set), base.targets, { nonFinite: 'throw' }),
    ).toBeLessThan(-0.6);
    // inferring the context from 10 shots of the 'down' task (weights frozen) recovers its order
    const support = new Rng(8).sampleIndices(set.size, 10);
    const down = tasks[1]!.targets;
    const adapted = await adapt(
      model,
      params,
      set,
      support,
      down,
      {
        steps: 0,
        lr: 1e-3,
        optimizer: 'adam',
        loss: 'mse+rank',
        weightDecay: 0,
        scope: 'all',
        targets: 'rank',
        contextSteps: 30,
        contextLr: 0.05,
        contextOptimizer: 'adam',
      },
      new Rng(9),
    );
    expect(spearman(await predictRaw(model, adapted, set), down, { nonFinite: 'throw' })).toBeGreaterThan(
      0.5,
    );
    for (const name of params.names())
      if (name !== 'film/context') expect(adapted.get(name)).toEqual(params.get(name));
    // with the learned contexts as a bank and no inference steps, the shots pick the 'down' context
    const banked = await adapt(
      model,
      params,
      set,
      support,
      down,
      {
        steps: 1,
        lr: 1e-12,
        optimizer: 'sgd',
        loss: 'mse+rank',
        weightDecay: 0,
        scope: 'head',
        targets: 'rank',
        contextBank: contexts,
      },
      new Rng(9),
    );
    expect(banked.get('film/context')).toEqual(contexts[1]);
    expect(spearman(await predictRaw(model, banked, set), down, { nonFinite: 'throw' })).toBeGreaterThan(0.6);
  });
});
