/** `naskit bench predictor`: GCN and MLP predictor fit time on NB201 architectures. */
import { benchPredictor, type PredictorBench } from '../../predictors/bench.js';
import { benchOutput } from './output.js';

export interface PredictorBenchFlags {
  archs?: number;
  json?: boolean;
}

/** Run the bench and return what the command prints. */
export async function runPredictorBench(flags: PredictorBenchFlags): Promise<string> {
  const result = await benchPredictor({ archs: flags.archs });
  return benchOutput(result, flags.json, predictorLines);
}

function predictorLines(r: PredictorBench): string[] {
  return [
    `GCN fit on ${r.archs} archs   ${r.gcn_fit_100_s.toFixed(2)} s (cold), ${r.gcn_fit_100_warm_s.toFixed(2)} s (warm)`,
    `MLP fit on ${r.archs} archs   ${r.mlp_fit_100_s.toFixed(2)} s (cold), ${r.mlp_fit_100_warm_s.toFixed(2)} s (warm)`,
    `(${r.steps} optimizer steps each)`,
  ];
}
