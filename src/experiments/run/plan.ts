/**
 * The cost model of `naskit run`: turns the time budget into phase sizes (how many architectures to
 * score, how many to short-train and on how many images, how long to train the winner). The plan is
 * a pure function of the budget, the configuration and the dataset sizes — never of the clock — so an
 * interrupted run that is resumed makes exactly the same choices as one that was not.
 *
 * Costs are per-unit constants for the reference network — NB201 cells at C=8 with 1 cell per stage on
 * 28×28×1 input, every edge nor_conv_3x3 (the most expensive cell, so real candidates cost at most
 * this), batch 128 — on the project's 2-core machine with 2 ONNX Runtime threads. Measured with
 * little other load: a training step 1.03 ms per image, inference 0.21 ms per image (batch 256),
 * compiling a network's programs 0.4 s, and epsilon 17 ms per architecture (its programs run one at a
 * time: onnxruntime-node gave no speed-up from concurrent runs) after ~5 s of one-off compilation.
 * The defaults below add ~25% headroom to those. Other spaces, widths, depths and input sizes scale the
 * training and inference costs by the conv multiply-accumulates of their space's heaviest architecture
 * (relativeNetworkCost). Across spaces that is rough (DARTS' depthwise convs do few MACs per byte and
 * run slower per MAC), and the proxy cost is not scaled at all; a faster or slower machine or another
 * space can set its own numbers in the config's `cost` block. The plan fills BUDGET_USE of the budget,
 * leaving room for a slower machine.
 */
import { countConvMacs } from '../../nn/param-count.js';
import { getSpace, spaceNames } from '../../spaces/index.js';
import type { AnySpace } from '../../spaces/space.js';
import { NaskitError } from '../../util/errors.js';

export const COST_DEFAULTS = {
  /** Wall-clock ms per image of one training step (forward + backward + SGD). */
  train_ms_per_image: 1.3,
  /** Wall-clock ms per image of inference (validation, test). */
  eval_ms_per_image: 0.3,
  /** Wall-clock ms to score one architecture with all of the run's proxies. */
  proxy_ms_per_arch: 20,
  /** Wall-clock ms to build, serialize and compile one network's training and inference programs. */
  compile_ms: 800,
  /** Seconds outside the phases: loading data, compiling the proxy programs, export, parity check, report. */
  fixed_s: 20,
} as const;

export interface CostModel {
  train_ms_per_image: number;
  eval_ms_per_image: number;
  proxy_ms_per_arch: number;
  compile_ms: number;
  fixed_s: number;
}

/** Share of the (budget − fixed) time each phase is planned with; the final training gets the rest. */
export const PHASE_SHARES = { proxy: 0.1, short: 0.3 } as const;

/** Fraction of the budget the plan fills. */
export const BUDGET_USE = 0.9;

/** The network the cost constants were measured on (its heaviest architecture, see heaviestMacs). */
export const REFERENCE_NETWORK = {
  space: 'nb201',
  channels: 8,
  cells: 1,
  inputShape: [1, 28, 28] as const,
  classes: 10,
};

/** The spaces `naskit run` can search: those with a network builder and a heaviest architecture. */
export const RUN_SPACES: readonly string[] = spaceNames.filter((name) => {
  const space = getSpace(name);
  return space.build !== undefined && space.heaviest !== undefined;
});

export interface PlanInputs {
  budgetMinutes: number;
  /** Images in the training set before the validation split, and in the test set. */
  trainImages: number;
  testImages: number;
  classes: number;
  /** Relative cost of the configured network against the reference network (1 = reference). */
  networkCost: number;
  /** Distinct architectures in the space (caps the sample count). */
  spaceSize: number | null;
  cost: CostModel;
  overrides: {
    samples?: number | undefined;
    topK?: number | undefined;
    shortImages?: number | undefined;
    shortEpochs: number;
    shortBatch: number;
    valImages?: number | undefined;
    finalEpochs?: number | undefined;
    finalImages?: number | undefined;
    finalBatch: number;
    finalOnTrainAndVal: boolean;
    /** Baseline networks trained like the winner (final training + test) inside the final share; default 0. */
    baselines?: number | undefined;
  };
}

/** Unit costs of this run's network (the cost model scaled by networkCost): what the deadline checks project with. */
export interface PlanRates {
  train_ms_per_image: number;
  eval_ms_per_image: number;
  proxy_ms_per_arch: number;
  compile_s: number;
  fixed_s: number;
}

export interface RunPlan {
  samples: number;
  top_k: number;
  val_images: number;
  short_images: number;
  short_epochs: number;
  final_images: number;
  final_epochs: number;
  /** Baselines trained exactly like the winner (0 in runs made before baselines existed). */
  baselines?: number;
  /** Absent in runs made before the deadline checks existed: such runs are not re-planned. */
  rates?: PlanRates;
  /**
   * Planned seconds per phase (what the cost model expects; the report sets them against the measured
   * time). `final` is the winner's final training + test, `baselines` all baselines' (absent: none).
   */
  estimate_s: {
    proxy: number;
    short: number;
    final: number;
    baselines?: number;
    fixed: number;
    total: number;
  };
}

export const MAX_SAMPLES = 5000;

export function makePlan(p: PlanInputs): RunPlan {
  const o = p.overrides;
  const budgetS = p.budgetMinutes * 60;
  const trainMs = p.cost.train_ms_per_image * p.networkCost;
  const evalMs = p.cost.eval_ms_per_image * p.networkCost;
  const compileS = p.cost.compile_ms / 1000;
  const work = Math.max(BUDGET_USE * budgetS - p.cost.fixed_s, 0);

  const maxSamples = Math.min(MAX_SAMPLES, p.spaceSize ?? MAX_SAMPLES);
  const samples = clamp(
    o.samples ?? Math.floor((PHASE_SHARES.proxy * work * 1000) / p.cost.proxy_ms_per_arch),
    1,
    maxSamples,
  );
  const topK = clamp(o.topK ?? Math.round(3 + p.budgetMinutes / 2), 1, Math.min(24, samples));
  // Validation: 10% of the training set, at most 5,000 images, and at most a quarter of a candidate's time.
  const candidateS = (PHASE_SHARES.short * work) / topK - compileS;
  const valFit = Math.floor((0.25 * candidateS * 1000) / evalMs);
  const valImages =
    o.valImages ??
    clamp(
      Math.min(Math.round(0.1 * p.trainImages), 5000, valFit),
      Math.min(10 * p.classes, p.trainImages - 1),
      p.trainImages - 1,
    );
  if (valImages >= p.trainImages) {
    throw new NaskitError(
      'invalid_config',
      `short_train.val_images = ${valImages} leaves no training images (the training set has ${p.trainImages}); choose fewer`,
    );
  }
  const trainPart = p.trainImages - valImages;

  const perCandidateS = candidateS - (valImages * evalMs) / 1000;
  const fitImages = Math.floor((perCandidateS * 1000) / (trainMs * o.shortEpochs));
  const shortImages = clamp(
    o.shortImages ?? roundDown(fitImages, o.shortBatch),
    Math.min(o.shortBatch, trainPart),
    trainPart,
  );

  const proxyS = (samples * p.cost.proxy_ms_per_arch) / 1000;
  const shortS = topK * (compileS + (o.shortEpochs * shortImages * trainMs + valImages * evalMs) / 1000);
  const finalPool = o.finalOnTrainAndVal ? p.trainImages : trainPart;
  const testS = (p.testImages * evalMs) / 1000;
  // The baselines are trained exactly like the winner, so the final share is split evenly between them.
  const trainings = 1 + (o.baselines ?? 0);
  const finalWorkS = (work - proxyS - shortS) / trainings - 2 * compileS - testS;
  const epochMs = finalPool * trainMs;
  let finalEpochs = o.finalEpochs ?? Math.max(1, Math.floor((finalWorkS * 1000) / epochMs));
  let finalImages = o.finalImages ?? finalPool;
  if (o.finalEpochs === undefined && o.finalImages === undefined && finalWorkS * 1000 < epochMs) {
    // Less than one pass fits: one epoch over a stratified subset of the size that does.
    finalEpochs = 1;
    finalImages = roundDown(Math.floor((Math.max(finalWorkS, 0) * 1000) / trainMs), o.finalBatch);
  }
  finalImages = clamp(finalImages, Math.min(o.finalBatch, finalPool), finalPool);
  const finalS = 2 * compileS + (finalEpochs * finalImages * trainMs) / 1000 + testS;
  const baselinesS = (trainings - 1) * finalS;
  return {
    samples,
    top_k: topK,
    val_images: valImages,
    short_images: shortImages,
    short_epochs: o.shortEpochs,
    final_images: finalImages,
    final_epochs: finalEpochs,
    baselines: trainings - 1,
    rates: {
      train_ms_per_image: trainMs,
      eval_ms_per_image: evalMs,
      proxy_ms_per_arch: p.cost.proxy_ms_per_arch,
      compile_s: compileS,
      fixed_s: p.cost.fixed_s,
    },
    estimate_s: {
      proxy: round1(proxyS),
      short: round1(shortS),
      final: round1(finalS),
      baselines: round1(baselinesS),
      fixed: p.cost.fixed_s,
      total: round1(proxyS + shortS + finalS + baselinesS + p.cost.fixed_s),
    },
  };
}

/** The width and depth of a run's network (what `NetworkConfig.channels` and `cells` mean is the space's). */
export interface NetworkSize {
  channels: number;
  cells: number;
}

/**
 * Conv multiply-accumulates per image of the space's heaviest architecture (`SearchSpace.heaviest`) at
 * this width, depth and input: real candidates cost at most about this.
 */
export function heaviestMacs(
  space: AnySpace,
  size: NetworkSize,
  inputShape: readonly [number, number, number],
  classes: number,
): number {
  if (!space.build || !space.heaviest) {
    throw new NaskitError(
      'invalid_config',
      `space '${space.name}' has no ${space.build ? 'heaviest architecture for the cost model' : 'network builder'}; ` +
        `'naskit run' works on ${RUN_SPACES.join(', ')}`,
    );
  }
  return countConvMacs(
    space.build(space.heaviest(), { classes, inputShape, channels: size.channels, cells: size.cells }),
  );
}

/** Cost of the run's network relative to REFERENCE_NETWORK, the one the constants were measured on. */
export function relativeNetworkCost(
  space: AnySpace,
  size: NetworkSize,
  inputShape: readonly [number, number, number],
  classes: number,
): number {
  const r = REFERENCE_NETWORK;
  return (
    heaviestMacs(space, size, inputShape, classes) /
    heaviestMacs(getSpace(r.space), r, r.inputShape, r.classes)
  );
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, x));
}

function roundDown(x: number, multiple: number): number {
  return Math.max(multiple, Math.floor(x / multiple) * multiple);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
