import { afterAll, describe, expect, it } from 'vitest';
import { nb201 } from '../spaces/index.js';
import { Rng } from '../util/rng.js';
import { type CvConfig, type CvStartSpec, ShotCv, cvCandidates } from './adapt-cv.js';
import { initParams, releasePrograms } from './engine.js';
import { type AdaptConfig, adapt, adaptSnapshots, pretrainPooled } from './meta.js';
import { DEFAULT_META_EVAL, type MetaEvalConfig, runMetaEval } from './meta-eval.js';
import { encodeFor, makeModel } from './predictor.js';
import type { Setting } from './settings.js';
import { graphHash, unifiedGraph, type UnifiedGraph } from './unified-graph.js';

afterAll(releasePrograms);

function graphs(count: number, seed: number): { graphs: UnifiedGraph[]; archs: string[] } {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const out: UnifiedGraph[] = [];
  const archs: string[] = [];
  while (out.length < count) {
    const a = nb201.sample(rng);
    const g = unifiedGraph(nb201, a);
    if (!seen.has(graphHash(g))) {
      seen.add(graphHash(g));
      out.push(g);
      archs.push(nb201.format(a));
    }
  }
  return { graphs: out, archs };
}

/** Conv-heavy cells score high, pools low, with a per-task tilt on 1×1 convs. */
function setting(name: string, tilt: number, seed: number): Setting {
  const { graphs: gs, archs } = graphs(60, seed);
  const targets = Float64Array.from(gs, (g) => {
    const count = (op: number) => g.ops.filter((o) => o === op).length;
    return 2 * count(4) + tilt * count(3) - count(9) + 0.3 * g.edges.length;
  });
  const spec = { name, space: 'nb201', dataset: name, metric: 'val_acc', maximize: true };
  return {
    spec: { ...spec, from: { kind: 'file', path: name } },
    name,
    space: 'nb201',
    graphs: gs,
    archs,
    targets,
    rows: gs.length,
  };
}

const ADAPT: AdaptConfig = {
  steps: 3,
  lr: 1e-3,
  optimizer: 'adam',
  loss: 'mse+rank',
  weightDecay: 0,
  scope: 'all',
  targets: 'rank',
};

const CV: CvConfig = {
  folds: 4,
  repeats: 1,
  minShots: 8,
  steps: [5, 15],
  lrs: [1e-3, 3e-3],
  starts: ['own', 'pooled', 'ensemble'],
};

describe('adaptation snapshots', () => {
  it('the copy after s steps equals adapt with s steps', async () => {
    const model = makeModel('gcn', 16, 2);
    const s = setting('a', 1, 1);
    const set = encodeFor(model, s.graphs);
    const init = initParams(model, set, new Rng(1));
    const support = new Rng(2).sampleIndices(set.size, 12);
    const snaps = await adaptSnapshots(model, init, set, support, s.targets, ADAPT, [7, 0, 3], new Rng(3));
    for (const [i, steps] of [7, 0, 3].entries()) {
      const one = await adapt(model, init, set, support, s.targets, { ...ADAPT, steps }, new Rng(3));
      for (const name of one.names()) expect(snaps[i]!.get(name)).toEqual(one.get(name));
    }
    expect(snaps[1]!.get(init.names()[0]!)).toEqual(init.get(init.names()[0]!));
  });
});

describe('CV-chosen adaptation', () => {
  const model = makeModel('gcn', 16, 2);
  const held = setting('held', -1, 7);
  const set = encodeFor(model, held.graphs);
  const support = new Rng(11).sampleIndices(set.size, 16);
  const query = Array.from({ length: set.size }, (_, i) => i).filter((i) => !support.includes(i));
  const starts = async (): Promise<{ own: CvStartSpec; pooled: CvStartSpec }> => {
    const tasks = [setting('a', 1, 1), setting('b', 0.5, 2)].map((s) => ({
      name: s.name,
      set: encodeFor(model, s.graphs),
      targets: s.targets,
    }));
    const pooled = await pretrainPooled(
      model,
      tasks,
      60,
      { ...DEFAULT_META_EVAL.pretrain, batchSize: 32, targets: 'rank' },
      new Rng(5),
    );
    return {
      own: { name: 'own', init: initParams(model, set, new Rng(6)), adapt: ADAPT },
      pooled: { name: 'pooled', init: pooled, adapt: { ...ADAPT, steps: 15, lr: 3e-3 } },
    };
  };
  const choose = async (targets: Float64Array, seed: number, config: CvConfig = CV) => {
    const { own, pooled } = await starts();
    const cv = new ShotCv(model, set, support, targets, config, new Rng(seed));
    const choice = await cv.choose(own, pooled);
    return { choice, pred: await cv.predict(choice, own, pooled, query) };
  };

  it('lists every start, the defaults and the grid once, simplest first', () => {
    const labels = cvCandidates(CV, ADAPT, { ...ADAPT, steps: 15, lr: 3e-3 }).map((c) => c.label);
    expect(labels.slice(0, 6)).toEqual([
      'own:0',
      'own:3@0.001',
      'own:5@0.001',
      'own:5@0.003',
      'own:15@0.001',
      'own:15@0.003',
    ]);
    expect(labels.filter((l) => l.startsWith('pooled:'))).toEqual([
      'pooled:0',
      'pooled:15@0.003',
      'pooled:5@0.001',
      'pooled:5@0.003',
      'pooled:15@0.001',
    ]);
    // the ensemble pairs the two starts at the steps and rates both have
    expect(labels.filter((l) => l.startsWith('ensemble:'))).toEqual([
      'ensemble:0',
      'ensemble:15@0.003',
      'ensemble:5@0.001',
      'ensemble:5@0.003',
      'ensemble:15@0.001',
    ]);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('chooses without reading a query target, and the same seed chooses the same', async () => {
    const masked = new Float64Array(set.size).fill(Number.NaN);
    for (const i of support) masked[i] = held.targets[i]!;
    const poisoned = held.targets.slice();
    for (const i of query) poisoned[i] = -1000 * held.targets[i]!;
    const a = await choose(masked, 1);
    const b = await choose(poisoned, 1);
    const c = await choose(held.targets, 1);
    expect(b.choice).toEqual(a.choice);
    expect(c.choice).toEqual(a.choice);
    expect(b.pred).toEqual(a.pred);
    expect(c.pred).toEqual(a.pred);
    // the choice is the best-scoring candidate, and every candidate was scored
    const scores = [...a.choice.scores.values()];
    expect(scores.length).toBe(16);
    expect(a.choice.scores.get(a.choice.candidate.label)).toBe(Math.max(...scores));
    expect(a.pred.length).toBe(query.length);
    expect(a.pred.every(Number.isFinite)).toBe(true);
  });

  it('averages the out-of-fold Spearman over repeated fold draws, the first draw being plain k-fold', async () => {
    const one = (await choose(held.targets, 1)).choice.scores;
    const two = (await choose(held.targets, 1, { ...CV, repeats: 2 })).choice.scores;
    expect([...two.keys()]).toEqual([...one.keys()]);
    let differs = 0;
    for (const [label, s1] of one) {
      // score(R = 2) = (ρ of the first draw, which is R = 1's score, + ρ of a second draw) / 2
      const second = 2 * two.get(label)! - s1;
      expect(Math.abs(second)).toBeLessThanOrEqual(1 + 1e-12);
      if (Math.abs(second - s1) > 1e-9) differs++;
    }
    expect(differs).toBeGreaterThan(0);
    const again = (await choose(held.targets, 1, { ...CV, repeats: 2 })).choice.scores;
    expect(again).toEqual(two);
  });

  it('with `only`, the kept candidates score as in the whole grid, and unknown names are refused', async () => {
    const whole = (await choose(held.targets, 1)).choice.scores;
    const only = ['own:default', 'pooled:5@0.001', 'ensemble:15@0.003'];
    const some = (await choose(held.targets, 1, { ...CV, only })).choice;
    // own's default here is 3 steps at 1e-3
    expect([...some.scores.keys()]).toEqual(['own:3@0.001', 'pooled:5@0.001', 'ensemble:15@0.003']);
    for (const [label, score] of some.scores) expect(score, label).toBe(whole.get(label));
    expect(some.scores.get(some.candidate.label)).toBe(Math.max(...some.scores.values()));
    expect(() => cvCandidates({ ...CV, only: ['pooled:7@0.001'] }, ADAPT, ADAPT)).toThrow(
      /CV candidate 'pooled:7@0.001' is not in the grid; choose among own:default, pooled:default, own:0/,
    );
  });

  it('the default candidates include fine-tuning itself: the pooled start with its default adaptation', () => {
    const d = DEFAULT_META_EVAL;
    const labels = cvCandidates(d.cv, d.reptileAdapt, d.finetuneAdapt).map((c) => c.label);
    const finetune = `pooled:${d.finetuneAdapt.steps}@${d.finetuneAdapt.lr}`;
    expect(labels).toContain(finetune);
    expect(labels).toHaveLength(d.cv.only!.length);
    const c = cvCandidates(d.cv, d.reptileAdapt, d.finetuneAdapt).find((x) => x.label === finetune)!;
    expect({ start: c.start, steps: c.steps, lr: c.lr }).toEqual({
      start: 'pooled',
      steps: d.finetuneAdapt.steps,
      lr: d.finetuneAdapt.lr,
    });
  });

  it('falls back to the default adaptation below minShots and refuses a bad config', async () => {
    const { own, pooled } = await starts();
    const few = support.slice(0, 5);
    const cv = new ShotCv(model, set, few, held.targets, CV, new Rng(1));
    expect(cv.active).toBe(false);
    const choice = await cv.choose(own, pooled);
    expect(choice.candidate.label).toBe('own:default');
    expect(() => new ShotCv(model, set, support, held.targets, { ...CV, folds: 1 }, new Rng(1))).toThrow(
      /folds must be an integer >= 2/,
    );
    expect(() => new ShotCv(model, set, support, held.targets, { ...CV, repeats: 0 }, new Rng(1))).toThrow(
      /repeats must be an integer >= 1/,
    );
    const nan = held.targets.slice();
    nan[support[0]!] = Number.NaN;
    expect(() => new ShotCv(model, set, support, nan, CV, new Rng(1))).toThrow(/support architecture/);
  });
});

describe('meta-eval with CV methods', () => {
  const settings = [setting('nb201/a', 1, 1), setting('nb201/b', 0.5, 2), setting('nb201/held', -1, 7)];
  const tiny: MetaEvalConfig = {
    ...DEFAULT_META_EVAL,
    model: { hidden: 16, layers: 2, context: 4, contextEverywhere: false },
    budget: 200,
    pretrain: { ...DEFAULT_META_EVAL.pretrain, batchSize: 32 },
    maml: {
      ...DEFAULT_META_EVAL.maml,
      iterations: 8,
      tasksPerIteration: 2,
      supportSizes: [10],
      querySize: 20,
    },
    reptile: {
      ...DEFAULT_META_EVAL.reptile,
      iterations: 8,
      tasksPerIteration: 2,
      supportSizes: [10],
      querySize: 20,
    },
    cv: {
      folds: 4,
      repeats: 1,
      minShots: 8,
      steps: [5],
      lrs: [3e-3],
      starts: ['own', 'pooled', 'ensemble'],
    },
  };
  const run = (cvReport = false) =>
    runMetaEval({
      settings,
      holdout: 'nb201/held',
      methods: ['maml-cv', 'reptile-cv', 'maml'],
      shots: [0, 12],
      seeds: 2,
      config: tiny,
      cvReport,
    });

  it('reports the choice per seed, counts both initializations in the budget, and reproduces', async () => {
    const r = await run();
    const cvRows = r.results.filter((x) => x.method.endsWith('-cv'));
    expect(cvRows.map((x) => `${x.method}@${x.shots}`)).toEqual([
      'maml-cv@0',
      'maml-cv@12',
      'reptile-cv@0',
      'reptile-cv@12',
    ]);
    for (const row of cvRows) expect(row.choices!.length).toBe(2);
    // k = 0: nothing to cross-validate, so maml-cv is MAML's own zero-shot prediction
    const at0 = (m: string) => r.results.find((x) => x.method === m && x.shots === 0)!;
    expect(at0('maml-cv').choices).toEqual(['own:default', 'own:default']);
    expect(at0('maml-cv').spearman).toEqual(at0('maml').spearman);
    expect(r.budgets['maml-cv']!.full).toBe(r.budgets.maml!.full + tiny.budget);
    expect(r.results.find((x) => x.method === 'maml')!.choices).toBeUndefined();
    expect((await run()).results).toEqual(r.results);
  });

  it('with cvReport, scores every candidate on the query set without changing the choice', async () => {
    const plain = await run();
    const r = await run(true);
    const strip = (rows: typeof r.results) => rows.map(({ candidates: _, ...rest }) => rest);
    expect(strip(r.results)).toEqual(plain.results);
    for (const row of r.results) {
      if (!row.method.endsWith('-cv') || row.shots === 0) {
        expect(row.candidates).toBeUndefined();
        continue;
      }
      const labels = row.candidates!.map((c) => c.label);
      expect(labels).toContain('own:0');
      expect(labels).toContain('ensemble:5@0.003');
      row.choices!.forEach((chosen, seed) => {
        const cand = row.candidates!.find((c) => c.label === chosen)!;
        // the chosen candidate's query Spearman is the row's, and it had the best out-of-fold score
        expect(cand.query[seed]).toBe(row.spearman[seed]);
        expect(cand.cv[seed]).toBe(Math.max(...row.candidates!.map((c) => c.cv[seed]!)));
      });
    }
  });
});
