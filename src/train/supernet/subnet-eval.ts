/**
 * Sub-network evaluation with inherited weights: recompute the batch-norm statistics of one path on
 * training images (train mode, fresh statistics), then measure loss and accuracy on validation images
 * in eval mode. Nothing is retrained and the supernet's own values are never changed: the fresh
 * statistics live in an overlay over the parameter store.
 *
 * The fresh statistics are the exact average of the per-batch statistics (PyTorch's BN with
 * momentum=None), not the momentum-0.1 trace that GeNAS' code keeps after resetting (which leaves ~23%
 * of the reset values after 14 batches). Each pass feeds zero running statistics, so the program's
 * update output is momentum × the batch statistic; the momentum is read once per program by feeding
 * ones instead.
 */
import { BatchLoader } from '../../data/batches.js';
import type { ImageDataset } from '../../data/dataset.js';
import type { Normalization } from '../../data/normalize.js';
import type { ExtraFeeds, ParamSource } from '../../runtime/train-program.js';
import { NaskitError } from '../../util/errors.js';
import { rowLoss } from '../trainer.js';
import type { Path, StatsPass, SupernetPrograms } from './programs.js';

/** Parameter values with some of them replaced, leaving the underlying store untouched. */
export class OverlayParams implements ParamSource {
  readonly overlay = new Map<string, Float32Array>();

  constructor(private readonly base: ParamSource) {}

  get(name: string): Float32Array {
    return this.overlay.get(name) ?? this.base.get(name);
  }

  set(name: string, value: Float32Array): void {
    this.overlay.set(name, value);
  }
}

export interface EvalData {
  /** Images for the BN statistics (only whole batches are used). */
  calibration: ImageDataset;
  /** Images the loss and accuracy are measured on. */
  valid: ImageDataset;
  normalization: Normalization;
}

export interface SubnetScore {
  loss: number;
  /** Percent. */
  accuracy: number;
  n: number;
  /** Cross-entropy of each image, in order (the noise of `loss` and paired gaps come from it). */
  losses: Float64Array;
}

/**
 * The momentum of every statistic this batch's pass updated. A statistic the path does not use is
 * passed through unchanged, so with zeros fed its output is exactly zero; one with an unknown momentum
 * and a non-zero output is probed once by feeding ones (output − zeros output = 1 − momentum).
 */
async function momentaFor(
  pass: StatsPass,
  params: ParamSource,
  input: Float32Array,
  feeds: ExtraFeeds,
  zerosOut: ReadonlyMap<string, Float32Array>,
): Promise<ReadonlyMap<string, Float32Array>> {
  const known = pass.momentum;
  const unknown = pass.stateNames.filter((n) => !known.has(n) && zerosOut.get(n)!.some((v) => v !== 0));
  if (unknown.length > 0) {
    const ones = new OverlayParams(params);
    for (const n of pass.stateNames) ones.set(n, new Float32Array(params.get(n).length).fill(1));
    const b = await pass.run(ones, input, feeds);
    for (const n of unknown)
      known.set(
        n,
        zerosOut.get(n)!.map((v, i) => 1 - (b.get(n)![i]! - v)),
      );
  }
  return known;
}

/** Fresh BN statistics of `path` on the calibration images, as an overlay over `params`. */
export async function recalibrate(
  programs: SupernetPrograms,
  params: ParamSource,
  path: Path | null,
  data: Pick<EvalData, 'calibration' | 'normalization'>,
): Promise<OverlayParams> {
  const { program: pass, feeds } = await programs.stats(path);
  const loader = new BatchLoader(data.calibration, {
    batchSize: pass.batch,
    normalization: data.normalization,
    dropLast: true,
  });
  const batches = loader.batchesPerEpoch;
  if (batches < 1) {
    throw new NaskitError(
      'invalid_argument',
      `BN recalibration needs at least one batch of ${pass.batch} images, ${data.calibration.name} has ${data.calibration.n}`,
    );
  }
  const sums = new Map<string, Float64Array>();
  const zeros = new OverlayParams(params);
  for (const n of pass.stateNames) zeros.set(n, new Float32Array(params.get(n).length));
  let first = true;
  for (const batch of loader.epoch(0)) {
    const out = await pass.run(zeros, batch.input, feeds);
    const momentum = first ? await momentaFor(pass, params, batch.input, feeds, out) : pass.momentum;
    first = false;
    for (const [n, v] of out) {
      const m = momentum.get(n);
      if (!m || (!sums.has(n) && v.every((x) => x === 0))) continue; // not on this path
      let s = sums.get(n);
      if (!s) sums.set(n, (s = new Float64Array(v.length)));
      for (let i = 0; i < v.length; i++) s[i]! += v[i]! / m[i]!;
    }
  }
  const result = new OverlayParams(params);
  for (const [n, s] of sums)
    result.set(
      n,
      Float32Array.from(s, (v) => v / batches),
    );
  return result;
}

/** Loss (mean cross-entropy) and accuracy of `path` in eval mode, BN on the statistics in `params`. */
export async function measure(
  programs: SupernetPrograms,
  params: ParamSource,
  path: Path | null,
  data: Pick<EvalData, 'valid' | 'normalization'>,
): Promise<SubnetScore> {
  const { program: forward, feeds } = await programs.forward(path);
  const classes = forward.net.classes;
  const loader = new BatchLoader(data.valid, { batchSize: forward.batch, normalization: data.normalization });
  const n = data.valid.n;
  const losses = new Float64Array(n);
  let lossSum = 0;
  let correct = 0;
  let i = 0;
  for (const batch of loader.epoch(0)) {
    const logits = await forward.run(params, batch.input, feeds);
    for (let r = 0; r < batch.size; r++) {
      const label = Number(batch.labels[r]);
      const { loss, argmax } = rowLoss(logits, r, classes, label);
      losses[i++] = loss;
      lossSum += loss;
      if (argmax === label) correct++;
    }
  }
  return { loss: lossSum / n, accuracy: (100 * correct) / n, n, losses };
}

/** Recalibrate BN for `path`, then measure it: the score of a sub-network under inherited weights. */
export async function evaluatePath(
  programs: SupernetPrograms,
  params: ParamSource,
  path: Path | null,
  data: EvalData,
): Promise<SubnetScore> {
  const calibrated = await recalibrate(programs, params, path, data);
  return measure(programs, calibrated, path, data);
}
