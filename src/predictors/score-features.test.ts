import { afterAll, describe, expect, it } from 'vitest';
import { nb201 } from '../spaces/index.js';
import { Rng } from '../util/rng.js';
import { releasePrograms } from './engine.js';
import { DEFAULT_META_EVAL, type MetaEvalConfig, runMetaEval } from './meta-eval.js';
import { encodeFor, makeModel } from './predictor.js';
import { commonScoreNames, standardizeFeature, withScores } from './score-features.js';
import type { Setting } from './settings.js';
import { graphHash, unifiedGraph, type UnifiedGraph } from './unified-graph.js';

afterAll(releasePrograms);

/**
 * Settings whose target is a hidden per-architecture quantity the graph cannot show (a random
 * "latent"), plus a little graph structure; the score feature is the latent on a per-setting scale.
 */
function setting(name: string, seed: number): { setting: Setting; latent: number[] } {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const graphs: UnifiedGraph[] = [];
  const archs: string[] = [];
  while (graphs.length < 80) {
    const a = nb201.sample(rng);
    const g = unifiedGraph(nb201, a);
    if (!seen.has(graphHash(g))) {
      seen.add(graphHash(g));
      graphs.push(g);
      archs.push(nb201.format(a));
    }
  }
  const latent = graphs.map(() => rng.normal());
  const targets = Float64Array.from(graphs, (g, i) => latent[i]! + 0.1 * g.edges.length);
  const spec = { name, space: 'nb201', dataset: name, metric: 'val_acc', maximize: true };
  const s: Setting = {
    spec: { ...spec, from: { kind: 'file', path: name } },
    name,
    space: 'nb201',
    graphs,
    archs,
    targets,
    rows: graphs.length,
  };
  return { setting: s, latent };
}

describe('score features', () => {
  it('standardizes within the table by rank: normal scores of mid-ranks, failures at the median', () => {
    const z = standardizeFeature([5, null, 1, 1000, 3, Number.NaN]);
    // four finite values: ranks 3, 1, 4, 2 → Φ⁻¹(r / 5)
    expect(z[2]!).toBeCloseTo(-0.8416, 3);
    expect(z[4]!).toBeCloseTo(-0.2533, 3);
    expect(z[0]!).toBeCloseTo(0.2533, 3);
    expect(z[3]!).toBeCloseTo(0.8416, 3);
    expect(z[1]).toBe(0);
    expect(z[5]).toBe(0);
    // only the order counts, so a monotone change of scale gives the same features
    expect(standardizeFeature([Math.log(5), null, 0, Math.log(1000), Math.log(3), null])).toEqual(z);
    expect([...standardizeFeature([null, null])]).toEqual([0, 0]);
  });

  it('attaches one row per graph, and refuses mismatched shapes or feature sets', () => {
    const { setting: s } = setting('nb201/a', 1);
    const n = s.graphs.length;
    const scored = withScores(
      s,
      ['params', 'flops'],
      [s.graphs.map((_, i) => i), s.graphs.map((_, i) => -i)],
    );
    expect(scored.scores!.matrix.dim).toBe(2);
    expect(scored.scores!.matrix.values[0]).toBeLessThan(0);
    expect(scored.scores!.matrix.values[1]).toBeGreaterThan(0);
    expect(() => withScores(s, ['params'], [[1, 2]])).toThrow(/2 values for 80 graphs/);
    expect(() => commonScoreNames([scored, s])).toThrow(/has score features \[none\]/);
    const model = makeModel('gcn', 8, 1, 0, false, 2);
    expect(model.fields).toContain('scores');
    expect(() => encodeFor(model, s.graphs)).toThrow(/reads score features but none were given/);
    const set = encodeFor(model, s.graphs, undefined, scored.scores!.matrix);
    expect(set.fields.get('scores')!.shape).toEqual([2]);
    expect(set.size).toBe(n);
    expect(() => encodeFor(makeModel('gcn', 8, 1), s.graphs, undefined, scored.scores!.matrix)).toThrow(
      /does not read them/,
    );
  });

  it('carry what the graph cannot show to a held-out setting', async () => {
    const parts = [setting('nb201/a', 1), setting('nb201/b', 2), setting('nb201/held', 3)];
    // each setting's feature is its latent on another scale: only ranks within the setting agree
    const settings = parts.map(({ setting: s, latent }, k) =>
      withScores(s, ['latent'], [latent.map((v) => Math.exp(v) * 10 ** k)]),
    );
    const config: MetaEvalConfig = {
      ...DEFAULT_META_EVAL,
      model: { hidden: 16, layers: 2, context: 4, contextEverywhere: false },
      budget: 300,
      pretrain: { ...DEFAULT_META_EVAL.pretrain, batchSize: 32 },
    };
    const zeroshot = async (features: MetaEvalConfig['features']) =>
      (
        await runMetaEval({
          settings,
          holdout: 'nb201/held',
          methods: ['zeroshot'],
          shots: [0],
          seeds: 1,
          config: { ...config, features },
        })
      ).results[0]!.spearman_mean;
    const graphOnly = await zeroshot('graph');
    const withFeatures = await zeroshot('graph+scores');
    expect(withFeatures).toBeGreaterThan(0.8);
    expect(withFeatures - graphOnly).toBeGreaterThan(0.4);
  });
});
