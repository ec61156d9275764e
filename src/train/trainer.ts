/**
 * Training and evaluation of a network on an image dataset: fixed-size batches (graphs have static
 * shapes), a JS-side optimizer over the parameter store, a per-step learning-rate schedule, optional
 * gradient clipping, and budgets in epochs, steps or wall time. Every random choice (order,
 * augmentation) comes from the Rng passed in, so the same seed gives the same run.
 */
import type { NetworkSpec } from '../graph/network.js';
import { BatchLoader } from '../data/batches.js';
import { FANOUT_BUILD_OPTION } from '../nn/blocks.js';
import type { ImageDataset } from '../data/dataset.js';
import type { Normalization } from '../data/normalize.js';
import { type OptimizerSpec, type Optimizer, clipGradNorm, makeOptimizer } from '../runtime/optim.js';
import type { ParamStore } from '../runtime/params.js';
import { makeSchedule } from '../runtime/schedule.js';
import { Forward, TrainStep } from '../runtime/train-program.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Peak learning rate; the schedule is cosine to 0 over all steps (NB201's recipe) unless `schedule` says otherwise. */
  lr: number;
  schedule?: 'cosine' | 'constant';
  warmupSteps?: number;
  optimizer?: OptimizerSpec;
  normalization: Normalization;
  /** Random crop with this padding + horizontal flip (CIFAR: 4). Omit for no augmentation. */
  cropFlipPadding?: number;
  gradClip?: number;
  threads?: number;
  /** Stop after this many optimizer steps in total (a budget cut, not the schedule length). */
  maxSteps?: number;
  /** Stop when this wall-clock time (ms since epoch, as Date.now()) has passed. */
  deadline?: number;
  onStep?: (info: StepInfo) => void;
  /** Returning 'stop' ends training after this epoch (a caller that re-plans the remaining epochs). */
  onEpoch?: (info: EpochRecord) => void | 'stop' | Promise<void | 'stop'>;
}

export interface StepInfo {
  epoch: number;
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  seconds: number;
  lr: number;
}

export interface TrainResult {
  epochs: EpochRecord[];
  steps: number;
  seconds: number;
  /** Why training ended before the planned epochs, if it did. */
  stopped: 'completed' | 'max_steps' | 'deadline' | 'requested';
}

export async function trainNetwork(
  net: NetworkSpec,
  params: ParamStore,
  data: ImageDataset,
  options: TrainOptions,
  rng: Rng,
  optimizer: Optimizer = makeOptimizer(
    options.optimizer ?? { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
  ),
  startEpoch = 0,
): Promise<TrainResult> {
  checkShapes(net, data);
  const loader = new BatchLoader(data, {
    batchSize: options.batchSize,
    normalization: options.normalization,
    shuffle: true,
    dropLast: data.n >= options.batchSize,
    rng: rng.fork('batches'),
    ...(options.cropFlipPadding !== undefined ? { cropFlipPadding: options.cropFlipPadding } : {}),
  });
  const perEpoch = loader.batchesPerEpoch;
  const totalSteps = perEpoch * options.epochs;
  const schedule =
    options.schedule === 'constant'
      ? makeSchedule({ kind: 'constant', lr: options.lr })
      : makeSchedule({
          kind: 'cosine',
          lr: options.lr,
          total: Math.max(totalSteps, (options.warmupSteps ?? 0) + 1),
          warmup: options.warmupSteps ?? 0,
        });

  const step = await TrainStep.create(net, {
    batch: options.batchSize,
    ...(options.threads ? { threads: options.threads } : {}),
    // Networks that can fuse a node's conv edges do so for training (NB201: ~11% faster step).
    buildOptions: { [FANOUT_BUILD_OPTION]: true },
  });
  const epochs: EpochRecord[] = [];
  const started = Date.now();
  let steps = startEpoch * perEpoch;
  let stopped: TrainResult['stopped'] = 'completed';
  try {
    for (let epoch = startEpoch; epoch < options.epochs && stopped === 'completed'; epoch++) {
      const epochStart = Date.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lr = options.lr;
      for (const batch of loader.epoch(epoch)) {
        lr = schedule(steps);
        const r = await step.run(params, batch.input, batch.labels);
        if (options.gradClip !== undefined) clipGradNorm(r.grads, options.gradClip);
        optimizer.step(params, r.grads, lr);
        lossSum += r.loss * batch.size;
        correct += r.correct;
        seen += batch.size;
        steps++;
        options.onStep?.({ epoch, step: steps, totalSteps, loss: r.loss, lr });
        if (options.maxSteps !== undefined && steps >= options.maxSteps) {
          stopped = 'max_steps';
          break;
        }
        if (options.deadline !== undefined && Date.now() >= options.deadline) {
          stopped = 'deadline';
          break;
        }
      }
      const record: EpochRecord = {
        epoch,
        loss: lossSum / Math.max(seen, 1),
        accuracy: (100 * correct) / Math.max(seen, 1),
        seconds: (Date.now() - epochStart) / 1000,
        lr,
      };
      epochs.push(record);
      if ((await options.onEpoch?.(record)) === 'stop' && stopped === 'completed') stopped = 'requested';
    }
  } finally {
    await step.release();
  }
  return { epochs, steps, seconds: (Date.now() - started) / 1000, stopped };
}

export interface EvalResult {
  accuracy: number;
  loss: number;
  n: number;
}

/** Accuracy (percent) and mean cross-entropy over a whole dataset, BN on running statistics. */
export async function evaluate(
  net: NetworkSpec,
  params: ParamStore,
  data: ImageDataset,
  options: { batchSize: number; normalization: Normalization; threads?: number },
): Promise<EvalResult> {
  checkShapes(net, data);
  const batchSize = Math.min(options.batchSize, data.n);
  const loader = new BatchLoader(data, { batchSize, normalization: options.normalization });
  const forward = await Forward.create(net, {
    batch: batchSize,
    ...(options.threads ? { threads: options.threads } : {}),
  });
  let correct = 0;
  let lossSum = 0;
  try {
    for (const batch of loader.epoch(0)) {
      const logits = await forward.run(params, batch.input);
      // Only the first `size` rows are real; the rest pad the last batch to the static shape.
      for (let r = 0; r < batch.size; r++) {
        const { loss, argmax } = rowLoss(logits, r, net.classes, Number(batch.labels[r]));
        lossSum += loss;
        if (argmax === Number(batch.labels[r])) correct++;
      }
    }
  } finally {
    await forward.release();
  }
  return { accuracy: (100 * correct) / data.n, loss: lossSum / data.n, n: data.n };
}

/** Cross-entropy and argmax of one row of a [batch, classes] logits array. */
export function rowLoss(
  logits: Float32Array,
  row: number,
  classes: number,
  label: number,
): { loss: number; argmax: number } {
  let max = -Infinity;
  let argmax = 0;
  for (let k = 0; k < classes; k++) {
    const v = logits[row * classes + k]!;
    if (v > max) {
      max = v;
      argmax = k;
    }
  }
  let sum = 0;
  for (let k = 0; k < classes; k++) sum += Math.exp(logits[row * classes + k]! - max);
  return { loss: Math.log(sum) + max - logits[row * classes + label]!, argmax };
}

function checkShapes(net: NetworkSpec, data: ImageDataset): void {
  const [c, h, w] = net.inputShape;
  if (data.channels !== c || data.height !== h || data.width !== w) {
    throw new NaskitError(
      'shape_mismatch',
      `network ${net.name} takes ${c}×${h}×${w} images but ${data.name} has ${data.channels}×${data.height}×${data.width}`,
    );
  }
  if (data.classes > net.classes) {
    throw new NaskitError(
      'shape_mismatch',
      `${data.name} has ${data.classes} classes but network ${net.name} predicts ${net.classes}`,
    );
  }
}
