/**
 * `naskit bench supernet`: what a supernet search pays per step, on random input (no data needed).
 * - load_s: build + ONNX Runtime session creation of the training program(s) a search starts with.
 * - mixed: median weight step (forward + backward + SGD update, clipping included) and median α step
 *   (forward + backward of α on another batch + Adam); with --compare-torch the same supernet in
 *   PyTorch (scripts/torch_supernet_bench.py) in the same invocation.
 * - single-path: over `paths` random paths (the space's uniform sampler), the mean of each path's
 *   median weight step (as training meets a path: nothing cached for it) against the mean of the same
 *   cells' median step as standalone networks (`supernet.withPath`: the same C, N, batch and BN, the
 *   same clipping and SGD update), measured interleaved path by path.
 */
import { Sgd, clipGradNorm } from '../../runtime/optim.js';
import { ParamStore } from '../../runtime/params.js';
import { TrainStep, buildEvalGraph } from '../../runtime/train-program.js';
import { getDefaultThreads } from '../../runtime/session.js';
import { syntheticDataset } from '../../data/synthetic.js';
import { unitScale } from '../../data/normalize.js';
import { getSpace } from '../../spaces/index.js';
import { DEFAULT_HYPER, SupernetTrainer } from '../../train/supernet/trainer.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { medianMs, round, runPythonReference } from '../python-reference.js';

export interface SupernetBenchOptions {
  space?: string;
  mode?: string;
  channels?: number;
  cells?: number;
  batch?: number;
  resolution?: number;
  threads?: number;
  repeats?: number;
  warmup?: number;
  /** single-path: random paths to average over (default 20). */
  paths?: number;
  compareTorch?: boolean;
}

export interface SupernetBenchResult {
  space: string;
  mode: string;
  channels: number;
  cells: number;
  batch: number;
  resolution: number;
  threads: number;
  weights: number;
  /** single-path: one program for every path (the path is fed) rather than one per path. */
  fed_path?: boolean;
  load_s: number;
  train_step_ms: number;
  alpha_step_ms?: number;
  standalone_step_ms?: number;
  /** single-path: train_step_ms / standalone_step_ms. */
  standalone_ratio?: number;
  paths?: number;
  peak_rss_mb: number;
  torch_train_step_ms?: number;
  torch_alpha_step_ms?: number;
  torch_weights?: number;
  train_step_ratio_vs_torch?: number;
  torch_error?: string;
}

export async function benchSupernet(options: SupernetBenchOptions = {}): Promise<SupernetBenchResult> {
  const spaceName = options.space ?? 'nb201';
  const mode = options.mode ?? 'mixed';
  if (spaceName !== 'nb201' && spaceName !== 'darts') {
    throw new NaskitError(
      'invalid_argument',
      `bench supernet: unknown space '${spaceName}'; use nb201 or darts`,
    );
  }
  if (mode !== 'mixed' && mode !== 'single-path') {
    throw new NaskitError(
      'invalid_argument',
      `bench supernet: unknown mode '${mode}'; use mixed or single-path`,
    );
  }
  const space = getSpace(spaceName);
  const channels = options.channels ?? 16;
  const cells = options.cells ?? (spaceName === 'darts' ? 8 : 5);
  const batch = options.batch ?? (spaceName === 'darts' ? 16 : 64);
  const resolution = options.resolution ?? 32;
  const threads = options.threads ?? getDefaultThreads();
  const repeats = options.repeats ?? 10;
  const warmup = options.warmup ?? 3;
  const images = syntheticDataset(
    { n: 2 * batch, classes: 10, height: resolution, width: resolution },
    new Rng(1),
  );
  const trainer = new SupernetTrainer({
    space,
    supernet: { classes: 10, inputShape: [3, resolution, resolution], channels, cells },
    mode,
    hyper: { ...DEFAULT_HYPER, batchSize: batch, epochs: 1 },
    data: { train: images, valid: images, normalization: unitScale(3) },
    seed: 0,
    threads,
  });
  const base = {
    space: spaceName,
    mode,
    channels,
    cells,
    batch,
    resolution,
    threads,
    weights: trainer.params
      .names()
      .filter((n) => !n.startsWith('alpha/') && trainer.params.info(n).trainable)
      .reduce((s, n) => s + trainer.params.get(n).length, 0),
  };
  const [trainBatch] = [...trainer.trainBatches(0)];
  const validBatch = trainer.validBatch(0);
  const lr = DEFAULT_HYPER.lr;
  try {
    if (mode === 'mixed') {
      const t = performance.now();
      await trainer.programs.train(null);
      await trainer.programs.alpha();
      const loadS = (performance.now() - t) / 1000;
      const trainMs = await medianMs(() => trainer.weightStep(trainBatch!, null, lr), repeats, warmup);
      const alphaMs = await medianMs(() => trainer.alphaStep(validBatch), repeats, warmup);
      const result: SupernetBenchResult = {
        ...base,
        load_s: round(loadS, 2),
        train_step_ms: round(trainMs),
        alpha_step_ms: round(alphaMs),
        peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
      };
      if (options.compareTorch)
        Object.assign(
          result,
          torchFigures(spaceName, channels, cells, batch, resolution, threads, repeats, warmup, trainMs),
        );
      return result;
    }
    const rng = new Rng(7);
    const paths = Array.from({ length: options.paths ?? 20 }, () => trainer.samplePath(rng));
    const t = performance.now();
    await trainer.programs.train(paths[0]!);
    const loadS = (performance.now() - t) / 1000;
    const supernetMs: number[] = [];
    const standaloneMs: number[] = [];
    for (const path of paths) {
      // Training meets a new path at almost every step: time each step without the path's cached parameter set.
      supernetMs.push(
        await medianMs(
          () => {
            trainer.forgetPaths();
            return trainer.weightStep(trainBatch!, path, lr);
          },
          repeats,
          warmup,
        ),
      );
      standaloneMs.push(await standaloneStep(trainer, path, trainBatch!, threads, repeats, warmup));
    }
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    return {
      ...base,
      fed_path: trainer.programs.fedPath,
      load_s: round(loadS, 2),
      train_step_ms: round(mean(supernetMs)),
      standalone_step_ms: round(mean(standaloneMs)),
      standalone_ratio: round(mean(supernetMs) / mean(standaloneMs), 3),
      paths: paths.length,
      peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await trainer.release();
  }
}

/** Median step of the path's own network (compiled for it), with the same update the trainer does. */
async function standaloneStep(
  trainer: SupernetTrainer,
  path: readonly number[],
  batch: { input: Float32Array; labels: BigInt64Array },
  threads: number,
  repeats: number,
  warmup: number,
): Promise<number> {
  const net = trainer.supernet.withPath(path);
  const params = ParamStore.fromGraph(buildEvalGraph(net, 1).graph, new Rng(0));
  params.copyFrom(trainer.params);
  const step = await TrainStep.create(net, { batch: batch.labels.length, threads });
  const sgd = new Sgd({ momentum: DEFAULT_HYPER.momentum, weightDecay: DEFAULT_HYPER.weightDecay });
  try {
    return await medianMs(
      async () => {
        const r = await step.run(params, batch.input, batch.labels);
        clipGradNorm(r.grads, DEFAULT_HYPER.gradClip);
        sgd.step(params, r.grads, DEFAULT_HYPER.lr);
      },
      repeats,
      warmup,
    );
  } finally {
    await step.release();
  }
}

function torchFigures(
  space: string,
  channels: number,
  cells: number,
  batch: number,
  resolution: number,
  threads: number,
  repeats: number,
  warmup: number,
  trainMs: number,
): Partial<SupernetBenchResult> {
  const args = [
    '--space',
    space,
    '--channels',
    String(channels),
    '--cells',
    String(cells),
    '--batch',
    String(batch),
  ];
  args.push(
    '--resolution',
    String(resolution),
    '--threads',
    String(threads),
    '--repeats',
    String(repeats),
    '--warmup',
    String(warmup),
  );
  const r = runPythonReference<{ train_step_ms: number; alpha_step_ms: number; weights: number }>(
    'torch_supernet_bench.py',
    args,
  );
  if ('error' in r) return { torch_error: r.error };
  return {
    torch_train_step_ms: round(r.train_step_ms),
    torch_alpha_step_ms: round(r.alpha_step_ms),
    torch_weights: r.weights,
    train_step_ratio_vs_torch: round(trainMs / r.train_step_ms, 3),
  };
}
