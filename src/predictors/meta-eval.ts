/**
 * The few-shot transfer protocol. Hold out one setting (leave-one-setting-out) or every setting of one
 * space (leave-one-space-out, 'space:NAME'); learn initializations on the remaining settings once per
 * run (MAML, Reptile, pooled pre-training), then for every seed and shot count k draw one support set
 * of k architectures of the held-out setting — shared by all methods (spec pitfall P5) — adapt, and
 * score every other architecture of that setting with Spearman ρ and Kendall τ against the truth.
 *
 * Methods: maml / reptile (meta-learned init + adaptation), finetune (pooled pre-training + fine-tuning
 * on the shots), zeroshot (pooled pre-training, no adaptation), scratch (random init trained on the
 * shots only; undefined at k = 0, so it has no k = 0 row), meta-ensemble (the mean of the adapted
 * MAML and Reptile predictors' standardized scores), maml-cv / reptile-cv (how far to adapt, and from
 * the meta-learned or the pooled start or both, chosen by cross-validation on the k shots: adapt-cv.ts).
 *
 * Features: 'graph' (the unified graph only) or 'graph+scores' (also the settings' standardized score
 * features, score-features.ts; every setting must carry the same ones).
 */
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { ParamStore } from '../runtime/params.js';
import { kendall, spearman } from '../stats/correlation.js';
import { meanStd } from '../stats/summary.js';
import { initParams, predictRaw } from './engine.js';
import {
  supportTargets,
  type AdaptConfig,
  type MetaConfig,
  type TaskData,
  adapt,
  metaTrainMaml,
  metaTrainReptile,
  pretrainMultiTask,
  pretrainPooled,
} from './meta.js';
import { type CvConfig, type CvStartSpec, ShotCv, checkCvConfig, cvCandidates } from './adapt-cv.js';
import type { EncodedSet } from './encoding.js';
import type { ModelDef } from './models.js';
import { encodeFor, makeModel } from './predictor.js';
import { commonScoreNames } from './score-features.js';
import type { Setting } from './settings.js';
import type { TargetTransform } from './targets.js';
import { type TrainConfig, train } from './train.js';

export const METHODS = [
  'maml',
  'reptile',
  'meta-ensemble',
  'scratch',
  'finetune',
  'zeroshot',
  'maml-cv',
  'reptile-cv',
] as const;

export type Method = (typeof METHODS)[number];

/** What `--method` runs when not given: all but the CV methods, which cost more and are asked for by name. */
export const DEFAULT_METHODS: readonly Method[] = METHODS.filter((m) => !m.endsWith('-cv'));

export const FEATURES = ['graph', 'graph+scores'] as const;
export type Features = (typeof FEATURES)[number];

export interface MetaEvalConfig {
  /** Target normalization for every method (pre-training, episodes, adaptation, scratch). */
  targets: TargetTransform;
  /** One GCN for every method; the task context is used by the meta-learners only. */
  model: { hidden: number; layers: number; context: number; contextEverywhere: boolean };
  /** What the GCN reads besides the graph: nothing, or the settings' score features. */
  features: Features;
  /**
   * Full-parameter gradient evaluations each learned initialization may spend: the pooled model
   * (finetune, zeroshot) trains this many steps; the meta-learners split it between multi-task
   * pre-training with per-setting contexts and their meta-training (context-only steps, which touch
   * 8 numbers, are reported separately).
   */
  budget: number;
  /** Optimizer settings of pooled and multi-task pre-training. */
  pretrain: Omit<TrainConfig, 'steps'>;
  /** Meta-learners start test-time context inference from the best-fitting training-setting context. */
  contextBank: boolean;
  maml: MetaConfig;
  mamlAdapt: AdaptConfig;
  reptile: MetaConfig;
  reptileAdapt: AdaptConfig;
  finetuneAdapt: AdaptConfig;
  scratch: TrainConfig;
  /** The candidates and folds of maml-cv / reptile-cv. */
  cv: CvConfig;
}

const EPISODES = {
  tasksPerIteration: 4,
  supportSizes: [10, 20, 50],
  querySize: 64,
  loss: 'mse+rank',
} as const;
const ADAM_STEP = { optimizer: 'adam', loss: 'mse+rank', weightDecay: 0, scope: 'all' } as const;
/** Test-time context inference: 30 Adam steps on the 8 context numbers only. */
const INFER_CONTEXT = { contextSteps: 30, contextLr: 0.05, contextOptimizer: 'adam' } as const;

/**
 * Defaults, chosen on dev holdouts (nb201/svhn, tnb101-micro/class_scene, nb201/cifar100) and sized
 * so one held-out setting with all methods, 5 shot counts and 5 seeds takes minutes on 2 cores.
 * The budget trades the held-out setting's own space against a space never seen: at 38,400 the
 * starts fit the training spaces closely (NB201 holdouts at k = 20: Reptile .943 / .922 / .911, but
 * nb101/cifar10, the one node-op space, .570); at 9,600 they underfit NB201 (.919 / .900 / .899) and
 * transfer better (nb101 .767). 19,200 keeps NB201 ≥ +.05 over fine-tuning and lifts nb101 to .791
 * (docs/benchmarks.md, "The pre-training budget", chosen on those holdouts). The pooled model drifts
 * towards the mean of settings that rank the same cell graphs differently (NB201 and TNB101 micro
 * share their cell DAG) the longer it trains.
 * Fine-tuning's steps and rate are the best of a 3×3 grid on nb201/svhn at this budget
 * (scripts/predictors/finetune-sweep.mjs).
 */
export const DEFAULT_META_EVAL: MetaEvalConfig = {
  targets: 'rank',
  model: { hidden: 64, layers: 4, context: 8, contextEverywhere: false },
  features: 'graph',
  budget: 19200,
  contextBank: false,
  pretrain: {
    lr: 1e-3,
    weightDecay: 5e-4,
    batchSize: 64,
    loss: 'mse+rank',
    optimizer: 'adam',
    cosine: true,
    clip: 5,
  },
  // CAVIA: first-order MAML whose inner loop infers the task context only.
  maml: {
    ...EPISODES,
    iterations: 200,
    innerScope: 'context',
    innerSteps: 10,
    innerLr: 0.05,
    innerOptimizer: 'adam',
    outerLr: 1e-4,
  },
  mamlAdapt: { ...ADAM_STEP, steps: 0, lr: 1e-3, ...INFER_CONTEXT },
  // Reptile: infer the context, then a few steps on every weight; θ moves towards the result.
  reptile: {
    ...EPISODES,
    iterations: 200,
    innerScope: 'all',
    innerContextSteps: 10,
    innerContextLr: 0.05,
    innerSteps: 3,
    innerLr: 5e-4,
    innerOptimizer: 'adam',
    outerLr: 0.3,
  },
  reptileAdapt: { ...ADAM_STEP, steps: 3, lr: 5e-4, ...INFER_CONTEXT },
  finetuneAdapt: { ...ADAM_STEP, steps: 100, lr: 3e-3 },
  scratch: {
    steps: 200,
    lr: 2e-3,
    weightDecay: 5e-4,
    batchSize: 64,
    loss: 'mse+rank',
    optimizer: 'adam',
    cosine: true,
    clip: 5,
  },
  // The fine-tuning grid's steps and its two best rates (finetune-sweep.mjs); 5 folds of 4 at k = 20.
  // Six of the grid's 23 candidates compete: picking the best of 23 out-of-fold scores measured on 20
  // shots mostly picks noise. Five were chosen from --cv-report runs on nb101/cifar10, space:nb201,
  // space:darts and nb201/cifar10, then checked on space:tnb101-micro; the sixth is fine-tuning itself
  // (the pooled start's default adaptation), so that CV can choose what the methods are measured
  // against (docs/benchmarks.md); `--cv-candidates all` restores the whole grid.
  cv: {
    folds: 5,
    repeats: 1,
    minShots: 10,
    steps: [10, 30, 100],
    lrs: [1e-3, 3e-3],
    starts: ['own', 'pooled', 'ensemble'],
    only: [
      'own:default',
      'own:30@0.003',
      'pooled:10@0.001',
      'ensemble:10@0.001',
      'ensemble:30@0.003',
      'pooled:default',
    ],
  },
};

/** The meta-learner a CV method adapts from, and whether it also needs the pooled start. */
function cvParts(
  method: Method,
  config: MetaEvalConfig,
): { own: 'maml' | 'reptile'; pooled: boolean } | null {
  if (method !== 'maml-cv' && method !== 'reptile-cv') return null;
  return {
    own: method === 'maml-cv' ? 'maml' : 'reptile',
    pooled: config.cv.starts.some((s) => s !== 'own'),
  };
}

/** The parts of every CV method among `methods`. */
function cvMethodParts(methods: readonly Method[], config: MetaEvalConfig) {
  return methods.map((m) => cvParts(m, config)).filter((c) => c !== null);
}

/** Gradient evaluations a meta-learner spends: full-parameter ones and context-only ones. */
export function metaEvaluations(c: MetaConfig, kind: 'maml' | 'reptile'): { full: number; context: number } {
  const episodes = c.iterations * c.tasksPerIteration;
  const innerFull = c.innerScope === 'all' ? c.innerSteps : 0;
  const innerContext = (c.innerScope === 'context' ? c.innerSteps : 0) + (c.innerContextSteps ?? 0);
  return { full: episodes * (innerFull + (kind === 'maml' ? 1 : 0)), context: episodes * innerContext };
}

export interface MetaEvalOptions {
  settings: readonly Setting[];
  /** A setting name, or 'space:NAME' for every setting of a space. */
  holdout: string;
  methods: readonly Method[];
  shots: readonly number[];
  seeds: number;
  seed?: number;
  config?: MetaEvalConfig;
  /**
   * CV methods also score every candidate on the query set (after the choice, which never sees it):
   * how good the choice was against what the candidates offered. Costs one adaptation per candidate.
   */
  cvReport?: boolean;
  log?: (message: string) => void;
}

export interface MetaEvalRow {
  setting: string;
  method: Method;
  shots: number;
  spearman_mean: number;
  spearman_std: number;
  kendall_mean: number;
  kendall_std: number;
  /** Per-seed values, in seed order. */
  spearman: number[];
  kendall: number[];
  /** Architectures scored (the held-out setting minus the support). */
  evaluated: number;
  /** CV methods: the candidate chosen on each seed's shots (adapt-cv.ts labels), in seed order. */
  choices?: string[];
  /**
   * CV methods with `cvReport`: every candidate's out-of-fold Spearman on the shots (`cv`) and its
   * Spearman on the query set (`query`), per seed in seed order.
   */
  candidates?: CvCandidateReport[];
}

export interface CvCandidateReport {
  label: string;
  cv: number[];
  query: number[];
}

export interface MetaEvalResult {
  holdout: string;
  heldOut: string[];
  trainSettings: string[];
  results: MetaEvalRow[];
  seconds: Record<string, number>;
  /** Gradient evaluations behind each learned initialization (scratch trains on the shots only). */
  budgets: Record<string, { full: number; context: number }>;
}

/** Names of the held-out settings for a holdout argument; unknown names list the valid ones. */
export function resolveHoldout(settings: readonly Setting[], holdout: string): Setting[] {
  if (holdout.startsWith('space:')) {
    const space = holdout.slice('space:'.length);
    const held = settings.filter((s) => s.space === space);
    if (held.length === 0) {
      const spaces = [...new Set(settings.map((s) => s.space))];
      throw new NaskitError(
        'invalid_argument',
        `--holdout ${holdout}: no setting of space '${space}'; spaces: ${spaces.join(', ')}`,
      );
    }
    return held;
  }
  const found =
    settings.find((s) => s.name === holdout) ??
    settings.find((s) => s.name.toLowerCase() === holdout.toLowerCase());
  if (!found) {
    throw new NaskitError(
      'invalid_argument',
      `--holdout ${holdout}: unknown setting; valid settings: ${settings.map((s) => s.name).join(', ')} ` +
        `(or space:NAME for ${[...new Set(settings.map((s) => s.space))].join(', ')})`,
    );
  }
  return [found];
}

/** The CV methods' settings and candidates, resolved before any loading or training so a bad name fails fast. */
export function checkCvMethods(methods: readonly Method[], config: MetaEvalConfig): void {
  const parts = cvMethodParts(methods, config);
  if (parts.length > 0) checkCvConfig(config.cv);
  for (const p of parts) {
    const own = p.own === 'maml' ? config.mamlAdapt : config.reptileAdapt;
    cvCandidates(config.cv, own, p.pooled ? config.finetuneAdapt : undefined);
  }
}

function checkOptions(o: MetaEvalOptions): void {
  for (const m of o.methods) {
    if (!(METHODS as readonly string[]).includes(m)) {
      throw new NaskitError(
        'invalid_argument',
        `unknown method '${m}'; valid methods: ${METHODS.join(', ')}`,
      );
    }
  }
  if (o.methods.length === 0)
    throw new NaskitError('invalid_argument', `no method given; valid methods: ${METHODS.join(', ')}`);
  for (const k of o.shots) {
    if (!Number.isInteger(k) || k < 0)
      throw new NaskitError('invalid_argument', `shots must be integers >= 0, got ${k}`);
  }
  if (!Number.isInteger(o.seeds) || o.seeds < 1)
    throw new NaskitError('invalid_argument', `seeds must be a positive integer, got ${o.seeds}`);
}

function encodeSetting(model: ModelDef, s: Setting, features: Features): EncodedSet {
  return encodeFor(model, s.graphs, undefined, features === 'graph+scores' ? s.scores?.matrix : undefined);
}

function taskData(model: ModelDef, s: Setting, features: Features): TaskData {
  return { name: s.name, set: encodeSetting(model, s, features), targets: s.targets };
}

/** Everything one run's stages share: checked options, the model, and the held-out / training split. */
export interface MetaEvalPlan {
  readonly o: MetaEvalOptions;
  readonly config: MetaEvalConfig;
  readonly model: ModelDef;
  readonly held: readonly Setting[];
  readonly trainSettings: readonly Setting[];
  readonly base: Rng;
  /** The training settings encoded, once per plan on first use (both start groups learn from them). */
  readonly tasks: () => TaskData[];
}

/** Checks the options and settles the model and the split; every thread of a run builds the same plan. */
export function planMetaEval(o: MetaEvalOptions): MetaEvalPlan {
  checkOptions(o);
  const config = o.config ?? DEFAULT_META_EVAL;
  checkCvMethods(o.methods, config);
  if (!(FEATURES as readonly string[]).includes(config.features)) {
    throw new NaskitError(
      'invalid_config',
      `unknown features '${String(config.features)}'; use ${FEATURES.join(' or ')}`,
    );
  }
  const scoreCount = config.features === 'graph+scores' ? commonScoreNames(o.settings).length : 0;
  const model = makeModel(
    'gcn',
    config.model.hidden,
    config.model.layers,
    config.model.context,
    config.model.contextEverywhere,
    scoreCount,
  );
  const held = resolveHoldout(o.settings, o.holdout);
  const heldNames = new Set(held.map((s) => s.name));
  const trainSettings = o.settings.filter((s) => !heldNames.has(s.name));
  const needsTrain = o.methods.some((m) => m !== 'scratch');
  if (needsTrain && trainSettings.length === 0) {
    throw new NaskitError(
      'invalid_argument',
      `--holdout ${o.holdout} leaves no setting to learn from; add settings or hold out fewer`,
    );
  }
  let tasks: TaskData[] | undefined;
  return {
    o,
    config,
    model,
    held,
    trainSettings,
    base: new Rng(o.seed ?? 0),
    tasks: () => (tasks ??= trainSettings.map((s) => taskData(model, s, config.features))),
  };
}

/**
 * The learned starts come from two independent trainings: 'meta' (multi-task pre-training with
 * per-setting contexts, then MAML and/or Reptile) and 'pooled' (the pooled model of finetune,
 * zeroshot and the CV methods' pooled start). A run needs one, both or neither.
 */
export type StartGroup = 'meta' | 'pooled';

/** The meta-learners a run trains. */
function metaLearners(plan: MetaEvalPlan): ('maml' | 'reptile')[] {
  const { o, config } = plan;
  const cvs = cvMethodParts(o.methods, config);
  return (['maml', 'reptile'] as const).filter(
    (m) => o.methods.includes('meta-ensemble') || o.methods.includes(m) || cvs.some((c) => c.own === m),
  );
}

export function startGroups(plan: MetaEvalPlan): StartGroup[] {
  const { o, config } = plan;
  const groups: StartGroup[] = [];
  if (metaLearners(plan).length > 0) groups.push('meta');
  const cvs = cvMethodParts(o.methods, config);
  if (o.methods.includes('finetune') || o.methods.includes('zeroshot') || cvs.some((c) => c.pooled)) {
    groups.push('pooled');
  }
  return groups;
}

/** Learned initializations, the meta-learners' context bank, their budgets and stage times. */
export interface Starts {
  inits: Map<Method, ParamStore>;
  bank?: Float32Array[];
  budgets: Record<string, { full: number; context: number }>;
  seconds: Record<string, number>;
}

/** Trains one group of starts (a function of the plan and the group only, not of what ran before). */
export async function trainStarts(
  plan: MetaEvalPlan,
  group: StartGroup,
  log: (m: string) => void,
): Promise<Starts> {
  const { model, config, base } = plan;
  const tasks = plan.tasks();
  const starts: Starts = { inits: new Map(), budgets: {}, seconds: {} };
  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    starts.seconds[label] = secondsSince(t0);
    log(`${label}: ${starts.seconds[label]} s`);
    return out;
  };
  if (group === 'meta') {
    const meta = metaLearners(plan);
    // One multi-task pre-training with per-setting contexts serves both meta-learners; it gets what
    // the more expensive of their meta-training stages leaves of the budget.
    const stageCost = Math.max(...meta.map((m) => metaEvaluations(config[m], m).full));
    const steps = config.budget - stageCost;
    if (steps < 1) {
      throw new NaskitError(
        'invalid_config',
        `meta-training needs ${stageCost} gradient evaluations, more than the budget of ${config.budget}`,
      );
    }
    const { params: multi, contexts } = await timed('pre-train multi-task with contexts', () =>
      pretrainMultiTask(
        model,
        tasks,
        steps,
        { ...config.pretrain, targets: config.targets, taskContexts: true },
        base.fork('multitask'),
      ),
    );
    if (config.contextBank) starts.bank = contexts;
    for (const m of meta) {
      const c = { ...config[m], targets: config.targets };
      const learn = m === 'maml' ? metaTrainMaml : metaTrainReptile;
      starts.inits.set(
        m,
        await timed(`meta-train ${m}`, () => learn(model, tasks, c, base.fork(m), undefined, multi)),
      );
      const e = metaEvaluations(config[m], m);
      starts.budgets[m] = { full: steps + e.full, context: e.context };
    }
  } else {
    const pooled = await timed('pre-train pooled', () =>
      pretrainPooled(
        model,
        tasks,
        config.budget,
        { ...config.pretrain, targets: config.targets },
        base.fork('pooled'),
      ),
    );
    starts.inits.set('finetune', pooled);
    starts.inits.set('zeroshot', pooled);
    starts.budgets.finetune = { full: config.budget, context: 0 };
    starts.budgets.zeroshot = starts.budgets.finetune;
  }
  return starts;
}

/** The groups' starts together, with the CV methods' budgets (their meta-learner's, plus the pooled model's when that start competes). */
export function mergeStarts(plan: MetaEvalPlan, parts: readonly Starts[]): Starts {
  const merged: Starts = { inits: new Map(), budgets: {}, seconds: {} };
  for (const p of parts) {
    for (const [m, params] of p.inits) merged.inits.set(m, params);
    if (p.bank) merged.bank = p.bank;
    Object.assign(merged.budgets, p.budgets);
    Object.assign(merged.seconds, p.seconds);
  }
  for (const m of plan.o.methods) {
    const parts = cvParts(m, plan.config);
    if (!parts) continue;
    const own = merged.budgets[parts.own]!;
    const pooled = parts.pooled ? plan.config.budget : 0;
    merged.budgets[m] = { full: own.full + pooled, context: own.context };
  }
  return merged;
}

/** One method's result on one support draw of one shot count. */
export interface DrawResult {
  method: Method;
  shots: number;
  spearman: number;
  kendall: number;
  evaluated: number;
  choice?: string;
  report?: { label: string; cv: number; query: number }[];
}

/**
 * Every method and shot count on support draw `seed` of held-out setting `setting` (an index into
 * plan.held). Each draw's randomness is forked from its setting, seed and k, so draws can run in any
 * order, on any thread, with the same result. `encoded` keeps the last setting's encoding (a whole
 * table can be large), so consecutive draws of one setting encode it once.
 */
export async function evaluateDraw(
  plan: MetaEvalPlan,
  starts: Starts,
  setting: number,
  seed: number,
  log: (m: string) => void,
  encoded: Map<number, EncodedSet> = new Map(),
): Promise<DrawResult[]> {
  const { o, config, model, base } = plan;
  const { inits, bank } = starts;
  const held = plan.held[setting]!;
  let set = encoded.get(setting);
  if (!set) {
    set = encodeSetting(model, held, config.features);
    encoded.clear();
    encoded.set(setting, set);
  }
  const n = set.size;
  const out: DrawResult[] = [];
  for (const k of o.shots) {
    if (k > n - 2) {
      if (seed === 0) log(`${held.name}: skipping k=${k}, the setting has only ${n} architectures`);
      continue;
    }
    const r = base.fork(`${held.name}/seed${seed}/k${k}`);
    const support = r.sampleIndices(n, k);
    const inSupport = new Set(support);
    const evalRows = Array.from({ length: n }, (_, i) => i).filter((i) => !inSupport.has(i));
    const truth = Float64Array.from(evalRows, (i) => held.targets[i]!);
    const memo = new Map<Method, Float64Array>();
    const choices = new Map<Method, string>();
    const reports = new Map<Method, { label: string; cv: number; query: number }[]>();
    // CV methods see the support's targets and NaN elsewhere: they cannot read the query's.
    const masked = new Float64Array(n).fill(Number.NaN);
    for (const i of support) masked[i] = held.targets[i]!;
    let shotCv: ShotCv | undefined;
    const predict = async (method: Method): Promise<Float64Array> => {
      const known = memo.get(method);
      if (known) return known;
      const parts = cvParts(method, config);
      if (parts) {
        shotCv ??= new ShotCv(model, set, support, masked, config.cv, r.fork('cv'));
        const own: CvStartSpec = {
          name: parts.own,
          init: inits.get(parts.own)!,
          adapt: {
            ...(parts.own === 'maml' ? config.mamlAdapt : config.reptileAdapt),
            targets: config.targets,
            ...(bank ? { contextBank: bank } : {}),
          },
        };
        const pooled: CvStartSpec | undefined = parts.pooled
          ? {
              name: 'pooled',
              init: inits.get('finetune')!,
              adapt: { ...config.finetuneAdapt, targets: config.targets },
            }
          : undefined;
        const choice = await shotCv.choose(own, pooled);
        choices.set(method, choice.candidate.label);
        let pred: Float64Array | undefined;
        if (o.cvReport && shotCv.active) {
          const report = [];
          for (const candidate of cvCandidates(config.cv, own.adapt, pooled?.adapt)) {
            const p = await shotCv.predict({ ...choice, candidate }, own, pooled, evalRows);
            if (candidate.label === choice.candidate.label) pred = p;
            const query = spearman(p, truth, { nonFinite: 'throw' });
            report.push({ label: candidate.label, cv: choice.scores.get(candidate.label)!, query });
          }
          reports.set(method, report);
        }
        // The report has already adapted and scored the chosen candidate.
        pred ??= await shotCv.predict(choice, own, pooled, evalRows);
        memo.set(method, pred);
        return pred;
      }
      if (method === 'meta-ensemble') {
        const parts = [await predict('maml'), await predict('reptile')].map(standardized);
        return Float64Array.from(parts[0]!, (v, i) => v + parts[1]![i]!);
      }
      const params = await paramsFor(
        method,
        model,
        inits,
        set,
        support,
        held.targets,
        config,
        r.fork(method),
        bank,
      );
      const pred = await predictRaw(model, params, set, evalRows);
      memo.set(method, pred);
      return pred;
    };
    for (const method of o.methods) {
      if (method === 'scratch' && k === 0) continue;
      const pred = await predict(method);
      const choice = choices.get(method);
      const report = reports.get(method);
      out.push({
        method,
        shots: k,
        spearman: spearman(pred, truth, { nonFinite: 'throw' }),
        kendall: kendall(pred, truth, { nonFinite: 'throw' }),
        evaluated: evalRows.length,
        ...(choice !== undefined ? { choice } : {}),
        ...(report ? { report } : {}),
      });
    }
  }
  return out;
}

/** Mean ± std over the draws (given in seed order) of every method and k of one held-out setting. */
export function summarizeSetting(
  plan: MetaEvalPlan,
  setting: number,
  draws: readonly DrawResult[][],
): MetaEvalRow[] {
  const rows: MetaEvalRow[] = [];
  for (const method of plan.o.methods) {
    for (const k of plan.o.shots) {
      const mine = draws.flatMap((d) => d.filter((x) => x.method === method && x.shots === k));
      if (mine.length === 0) continue;
      const candidates = new Map<string, CvCandidateReport>();
      for (const x of mine) {
        for (const c of x.report ?? []) {
          const entry = candidates.get(c.label) ?? { label: c.label, cv: [], query: [] };
          entry.cv.push(round(c.cv));
          entry.query.push(round(nanToZero(c.query)));
          candidates.set(c.label, entry);
        }
      }
      const choices = mine.flatMap((x) => (x.choice !== undefined ? [x.choice] : []));
      const s = meanStd(mine.map((x) => nanToZero(x.spearman)));
      const t = meanStd(mine.map((x) => nanToZero(x.kendall)));
      rows.push({
        setting: plan.held[setting]!.name,
        method,
        shots: k,
        spearman_mean: round(s.mean),
        spearman_std: round(s.std),
        kendall_mean: round(t.mean),
        kendall_std: round(t.std),
        spearman: mine.map((x) => round(x.spearman)),
        kendall: mine.map((x) => round(x.kendall)),
        evaluated: mine[0]!.evaluated,
        ...(choices.length > 0 ? { choices } : {}),
        ...(candidates.size > 0 ? { candidates: [...candidates.values()] } : {}),
      });
    }
  }
  return rows;
}

/**
 * Where a run's stages execute: in this thread (the default), or spread over worker threads
 * (meta-eval-threads.ts), with the same results either way.
 */
export interface MetaEvalExecutor {
  /** Trains the groups (concurrently where the executor can). */
  starts(groups: readonly StartGroup[]): Promise<Starts[]>;
  /** Evaluates the draws (setting index, seed) with the merged starts; results in the order asked. */
  evaluate(draws: readonly { setting: number; seed: number }[], starts: Starts): Promise<DrawResult[][]>;
  close(): Promise<void>;
}

/** The in-thread executor. */
export function localExecutor(plan: MetaEvalPlan, log: (m: string) => void): MetaEvalExecutor {
  const encoded = new Map<number, EncodedSet>();
  return {
    async starts(groups) {
      const out: Starts[] = [];
      for (const g of groups) out.push(await trainStarts(plan, g, log));
      return out;
    },
    async evaluate(draws, starts) {
      const out: DrawResult[][] = [];
      for (const d of draws) out.push(await evaluateDraw(plan, starts, d.setting, d.seed, log, encoded));
      return out;
    },
    close: async () => undefined,
  };
}

export async function runMetaEval(
  o: MetaEvalOptions,
  executorFor: (plan: MetaEvalPlan, log: (m: string) => void) => MetaEvalExecutor = localExecutor,
): Promise<MetaEvalResult> {
  const plan = planMetaEval(o);
  const log = o.log ?? (() => {});
  const executor = executorFor(plan, log);
  try {
    const t0 = performance.now();
    const starts = mergeStarts(plan, await executor.starts(startGroups(plan)));
    const seconds: Record<string, number> = { ...starts.seconds };
    seconds['train starts (wall)'] = secondsSince(t0);
    const t1 = performance.now();
    const draws = plan.held.flatMap((_, setting) =>
      Array.from({ length: o.seeds }, (_, seed) => ({ setting, seed })),
    );
    const results = await executor.evaluate(draws, starts);
    const rows = plan.held.flatMap((_, setting) =>
      summarizeSetting(
        plan,
        setting,
        results.filter((_, i) => draws[i]!.setting === setting),
      ),
    );
    seconds.evaluate = secondsSince(t1);
    seconds.total = secondsSince(t0);
    log(`evaluated ${plan.held.length} setting(s) x ${o.seeds} draw(s) in ${seconds.evaluate} s`);
    return {
      holdout: o.holdout,
      heldOut: plan.held.map((s) => s.name),
      trainSettings: plan.trainSettings.map((s) => s.name),
      results: rows,
      seconds,
      budgets: starts.budgets,
    };
  } finally {
    await executor.close();
  }
}

/** Seconds since performance.now() read `t0`, to 0.01 s. */
function secondsSince(t0: number): number {
  return Number(((performance.now() - t0) / 1000).toFixed(2));
}

function standardized(x: Float64Array): Float64Array {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length) || 1;
  return x.map((v) => (v - mean) / sd);
}

/** A constant prediction has no rank correlation; count it as 0 (no information) rather than dropping the seed. */
function nanToZero(x: number): number {
  return Number.isNaN(x) ? 0 : x;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

async function paramsFor(
  method: Method,
  model: ModelDef,
  inits: ReadonlyMap<Method, ParamStore>,
  set: import('./encoding.js').EncodedSet,
  support: readonly number[],
  targets: Float64Array,
  config: MetaEvalConfig,
  rng: Rng,
  contextBank?: readonly Float32Array[],
): Promise<ParamStore> {
  const bank = contextBank ? { contextBank } : {};
  // MAML and Reptile adapt from their meta-learned start with the task context; fine-tuning from the pooled one.
  const adaptFrom = (start: 'maml' | 'reptile' | 'finetune', options: Omit<AdaptConfig, 'targets'>) =>
    adapt(model, inits.get(start)!, set, support, targets, { ...options, targets: config.targets }, rng);
  switch (method) {
    case 'maml':
      return adaptFrom('maml', { ...config.mamlAdapt, ...bank });
    case 'reptile':
      return adaptFrom('reptile', { ...config.reptileAdapt, ...bank });
    case 'finetune':
      return adaptFrom('finetune', config.finetuneAdapt);
    case 'zeroshot':
      return inits.get('zeroshot')!;
    case 'meta-ensemble':
      throw new NaskitError('invalid_argument', 'meta-ensemble averages predictions; it has no parameters');
    case 'maml-cv':
    case 'reptile-cv':
      throw new NaskitError('invalid_argument', `${method} chooses its adaptation by CV; see ShotCv`);
    case 'scratch': {
      const params = initParams(model, set, rng.fork('init'));
      const z = supportTargets(config.targets, targets, support, set.size);
      await train(model, params, set, z, support, config.scratch, rng.fork('train'));
      return params;
    }
  }
}
