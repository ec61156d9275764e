// The fine-tuning baseline of `predict meta-eval` over a grid of adaptation steps × learning rates:
// one pooled pre-training of BUDGET gradient evaluations, then every grid point on the same k = 20
// support draws as meta-eval (seed 0, 5 draws). Prints mean Spearman and the per-draw values.
// Usage (after `npm run build`): node scripts/predictors/finetune-sweep.mjs DATA_DIR HOLDOUT [BUDGET]
import { loadSettings } from '../../dist/experiments/predict/settings.js';
import { DEFAULT_META_EVAL } from '../../dist/predictors/meta-eval.js';
import { adapt, pretrainPooled } from '../../dist/predictors/meta.js';
import { encodeFor, makeModel } from '../../dist/predictors/predictor.js';
import { predictRaw } from '../../dist/predictors/engine.js';
import { spearman } from '../../dist/stats/correlation.js';
import { Rng } from '../../dist/util/rng.js';

const [dataDir, holdout] = process.argv.slice(2);
if (!dataDir || !holdout) throw new Error('usage: finetune-sweep.mjs DATA_DIR HOLDOUT [BUDGET]');
const config = DEFAULT_META_EVAL;
const budget = Number(process.argv[4] ?? config.budget);
const shots = 20;
const draws = 5;
const settings = await loadSettings({ dataDir }, () => {});
const held = settings.find((s) => s.name === holdout);
if (!held) throw new Error(`unknown setting ${holdout}; settings: ${settings.map((s) => s.name).join(', ')}`);
const m = config.model;
const model = makeModel('gcn', m.hidden, m.layers, m.context, m.contextEverywhere);
const tasks = settings
  .filter((s) => s !== held)
  .map((s) => ({ name: s.name, set: encodeFor(model, s.graphs), targets: s.targets }));
// The same forks as runMetaEval with --seed 0, so the pooled model and the supports are meta-eval's.
const base = new Rng(0);
const pooled = await pretrainPooled(
  model,
  tasks,
  budget,
  { ...config.pretrain, targets: config.targets },
  base.fork('pooled'),
);
const set = encodeFor(model, held.graphs);
const n = set.size;
const grid = [{ steps: 0, lr: 0 }];
for (const steps of [10, 30, 100]) for (const lr of [3e-4, 1e-3, 3e-3]) grid.push({ steps, lr });
for (const point of grid) {
  const rhos = [];
  for (let seed = 0; seed < draws; seed++) {
    const r = base.fork(`${held.name}/seed${seed}/k${shots}`);
    const support = r.sampleIndices(n, shots);
    const inSupport = new Set(support);
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => !inSupport.has(i));
    const truth = Float64Array.from(rows, (i) => held.targets[i]);
    const params = await adapt(
      model,
      pooled,
      set,
      support,
      held.targets,
      { ...config.finetuneAdapt, ...point, targets: config.targets },
      r.fork('finetune'),
    );
    rhos.push(spearman(await predictRaw(model, params, set, rows), truth, { nonFinite: 'throw' }));
  }
  const mean = rhos.reduce((a, b) => a + b, 0) / rhos.length;
  console.log(
    `${holdout} budget ${budget} steps ${String(point.steps).padStart(3)} lr ${point.lr.toExponential(0)}: ` +
      `${mean.toFixed(4)}  (${rhos.map((x) => x.toFixed(3)).join(' ')})`,
  );
}
