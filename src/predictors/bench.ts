/**
 * Predictor training speed: wall time of `fit` on 100 NB201 architectures with the default training
 * configuration (300 AdamW steps, full batch), for the GCN on the unified graph and the MLP on the
 * flattened unified graph. Cold (programs compiled inside the timing) and warm (cached programs) are
 * both reported; the headline figures are the cold ones, which is what a user pays for one fit.
 * The targets are a fixed structural score, so no benchmark data is needed.
 */
import { nb201 } from '../spaces/index.js';
import { Rng } from '../util/rng.js';
import { releasePrograms } from './engine.js';
import { DEFAULT_FIT, NeuralPredictor, type PredictorKind } from './predictor.js';
import { unifiedGraph } from './unified-graph.js';

export interface PredictorBench {
  gcn_fit_100_s: number;
  mlp_fit_100_s: number;
  gcn_fit_100_warm_s: number;
  mlp_fit_100_warm_s: number;
  steps: number;
  archs: number;
}

async function timeFit(
  kind: PredictorKind,
  archs: readonly unknown[],
  targets: number[],
  seed: number,
): Promise<number> {
  const p = new NeuralPredictor(nb201, { kind }, new Rng(seed));
  const t0 = performance.now();
  await p.fit(archs as never[], targets);
  return (performance.now() - t0) / 1000;
}

export async function benchPredictor(
  options: { archs?: number; seed?: number } = {},
): Promise<PredictorBench> {
  const n = options.archs ?? 100;
  const rng = new Rng(options.seed ?? 0);
  const archs = Array.from({ length: n }, () => nb201.sample(rng));
  const targets = archs.map((a) => {
    const g = unifiedGraph(nb201, a);
    return g.edges.length + g.ops.filter((op) => op === 4).length * 2;
  });
  await releasePrograms(); // cold start: nothing compiled yet
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const gcnCold = await timeFit('gcn', archs, targets, 1);
  const gcnWarm = await timeFit('gcn', archs, targets, 2);
  const mlpCold = await timeFit('mlp', archs, targets, 1);
  const mlpWarm = await timeFit('mlp', archs, targets, 2);
  await releasePrograms();
  return {
    gcn_fit_100_s: round(gcnCold),
    mlp_fit_100_s: round(mlpCold),
    gcn_fit_100_warm_s: round(gcnWarm),
    mlp_fit_100_warm_s: round(mlpWarm),
    steps: DEFAULT_FIT.steps,
    archs: n,
  };
}
