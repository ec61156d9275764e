import { afterAll, describe, expect, it } from 'vitest';
import { nb201 } from '../spaces/index.js';
import type { Nb201Arch } from '../spaces/index.js';
import { spearman } from '../stats/correlation.js';
import { Rng } from '../util/rng.js';
import { encodeGraphs } from './encoding.js';
import { initParams, predictRaw, releasePrograms } from './engine.js';
import { PredictorEnsemble } from './ensemble.js';
import { gcnModel } from './models.js';
import { NeuralPredictor } from './predictor.js';
import { unifiedGraph } from './unified-graph.js';

/** A structural target a graph model can learn: weighted op counts on live paths plus connectivity. */
function syntheticScore(arch: Nb201Arch): number {
  const g = unifiedGraph(nb201, arch);
  const weight = [0, 0, 0, 1, 3, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0];
  return g.ops.reduce((s, op) => s + weight[op]!, 0) + 0.5 * g.edges.length;
}

const rng = new Rng(5);
const archs = rng.shuffle([...nb201.enumerate()]).slice(0, 400);
const scores = archs.map(syntheticScore);
const train = { archs: archs.slice(0, 100), y: scores.slice(0, 100) };
const test = { archs: archs.slice(100), y: scores.slice(100) };
const quick = { steps: 150 };

afterAll(releasePrograms);

describe('neural predictors', () => {
  it('a GCN learns a structural target from 100 architectures', async () => {
    const p = new NeuralPredictor(nb201, { kind: 'gcn', train: quick }, new Rng(1));
    await p.fit(train.archs, train.y);
    const pred = await p.predict(test.archs);
    expect(spearman(pred, test.y, { nonFinite: 'throw' })).toBeGreaterThan(0.8);
    // predictions come back in the targets' units
    const mean = test.y.reduce((a, b) => a + b, 0) / test.y.length;
    const predMean = pred.reduce((a, b) => a + b, 0) / pred.length;
    expect(Math.abs(predMean - mean)).toBeLessThan(1);
  });

  it('an MLP learns it from the flattened unified graph and from the space one-hot', async () => {
    for (const encoding of ['unified', 'onehot'] as const) {
      const p = new NeuralPredictor(nb201, { kind: 'mlp', encoding, train: quick }, new Rng(2));
      await p.fit(train.archs, train.y);
      expect(spearman(await p.predict(test.archs), test.y, { nonFinite: 'throw' })).toBeGreaterThan(0.6);
    }
  });

  it('is reproducible from its seed and differs across seeds', async () => {
    const fitPredict = async (seed: number) => {
      const p = new NeuralPredictor(nb201, { kind: 'gcn', train: { steps: 20 } }, new Rng(seed));
      await p.fit(train.archs.slice(0, 30), train.y.slice(0, 30));
      return p.predict(test.archs.slice(0, 50));
    };
    const a = await fitPredict(3);
    expect(await fitPredict(3)).toEqual(a);
    expect(await fitPredict(4)).not.toEqual(a);
  });

  it('GCN scores do not depend on how far graphs are padded', async () => {
    const model = gcnModel({ hidden: 16, layers: 3 });
    const graphs = test.archs.slice(0, 20).map((a) => unifiedGraph(nb201, a));
    const tight = encodeGraphs(graphs);
    const padded = encodeGraphs(graphs, 21);
    const params = initParams(model, tight, new Rng(9));
    const a = await predictRaw(model, params, tight);
    const b = await predictRaw(model, params, padded);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
  });

  it('an ensemble reports the members mean and a positive spread', async () => {
    const e = new PredictorEnsemble(nb201, { kind: 'gcn', train: { steps: 40 } }, 3, new Rng(6));
    await e.fit(train.archs.slice(0, 40), train.y.slice(0, 40));
    const { mean, std } = await e.predictWithUncertainty(test.archs.slice(0, 30));
    const members = await Promise.all(e.members.map((m) => m.predict(test.archs.slice(0, 30))));
    for (let i = 0; i < 30; i++) {
      expect(mean[i]).toBeCloseTo(members.reduce((s, m) => s + m[i]!, 0) / 3, 5);
      expect(std[i]).toBeGreaterThan(0);
    }
  });

  it('rejects bad use with messages that say what to do', async () => {
    const p = new NeuralPredictor(nb201, { kind: 'gcn' }, new Rng(1));
    await expect(p.predict(test.archs.slice(0, 2))).rejects.toThrow(/before fit\(\)/);
    await expect(p.fit(train.archs.slice(0, 3), [1, 2])).rejects.toThrow(/3 architectures but 2 targets/);
    await expect(p.fit(train.archs.slice(0, 2), [1, Number.NaN])).rejects.toThrow(/target 1 is NaN/);
    expect(() => new NeuralPredictor(nb201, { kind: 'gcn', encoding: 'path' }, new Rng(1))).toThrow(
      /must be 'unified'/,
    );
    expect(() => new PredictorEnsemble(nb201, { kind: 'gcn' }, 1, new Rng(1))).toThrow(/ensemble size/);
  });
});
