/**
 * `naskit bench engine`: the NAS-Bench-201 network with every edge nor_conv_3x3 (C=16, N=5 cells per
 * stage, 3×32×32 input, 10 classes, BN in training mode, batch 64). Prints the median forward time,
 * the median full training step (forward + backward + SGD-momentum update, parameter feeds and
 * running-stat write-back included) and the peak RSS. Optionally runs the same network in PyTorch
 * (scripts/torch_nb201_bench.py) in the same invocation for a side-by-side figure. The cells run
 * their conv fan-out fused (one Conv + BN per node and op, see `nb201FanoutCell`) unless `fanout` is
 * false, which times the per-edge network for a side-by-side measure.
 */
import { TrainStep } from '../runtime/train-program.js';
import { Program } from '../runtime/session.js';
import { ParamStore } from '../runtime/params.js';
import { Sgd } from '../runtime/optim.js';
import { buildTrainGraph } from '../runtime/train-program.js';
import { getDefaultThreads } from '../runtime/session.js';
import { nb201Network } from '../spaces/nb201/network.js';
import { nb201 } from '../spaces/index.js';
import { Rng } from '../util/rng.js';
import { NaskitError } from '../util/errors.js';
import type { NetworkSpec } from '../graph/network.js';
import { kernelTimes, sumMs, type OpTime } from '../runtime/profile.js';
import { medianMs, round, runPythonReference } from './python-reference.js';

export interface EngineBenchOptions {
  threads?: number;
  batch?: number;
  repeats?: number;
  warmup?: number;
  arch?: string;
  compareTorch?: boolean;
  /** Fuse each node's conv edges of one op into one Conv + BN (default true; false: one per edge). */
  fanout?: boolean;
  /** Also profile the training step per op type (ORT kernel times). */
  profile?: boolean;
}

export interface EngineProfile {
  runs: number;
  /** Kernel ms per step by op type and phase, largest first. */
  ops: OpTime[];
  kernel_ms: number;
  /** Forward convolution kernels per step. */
  conv_forward_ms: number;
  /** Kernels that do the step's multiply-adds: Conv, ConvTranspose, MatMul, FusedMatMul, Gemm (both phases). */
  arithmetic_ms: number;
  /**
   * The step time if every other kernel (batch-norm, elementwise, slices, transposes, …) were free and
   * the multiply-add kernels kept their measured speed: train_step_ms × arithmetic_ms / kernel_ms. What
   * this engine could reach by removing overhead alone.
   */
  floor_ms: number;
}

export interface EngineBenchResult {
  engine: string;
  arch: string;
  batch: number;
  threads: number;
  /** Whether the cells ran their conv fan-out fused. */
  fanout: boolean;
  params: number;
  forward_ms: number;
  train_step_ms: number;
  peak_rss_mb: number;
  torch?: { engine: string; forward_ms: number; train_step_ms: number; threads: number } | { error: string };
  train_step_ratio_vs_torch?: number;
  profile?: EngineProfile;
}

const ALL_CONV3 =
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|';

export async function benchEngine(options: EngineBenchOptions = {}): Promise<EngineBenchResult> {
  const batch = options.batch ?? 64;
  const threads = options.threads ?? getDefaultThreads();
  const repeats = options.repeats ?? 10;
  const warmup = options.warmup ?? 3;
  const archText = options.arch ?? ALL_CONV3;
  const fanout = options.fanout ?? true;
  const net = nb201Network(nb201.parse(archText), {
    channels: 16,
    cellsPerStage: 5,
    classes: 10,
    fuseConvFanout: fanout,
  });

  const rng = new Rng(0);
  const trainGraph = buildTrainGraph(net, batch);
  const params = ParamStore.fromGraph(trainGraph.graph, rng);
  const input = new Float32Array(batch * 3 * 32 * 32).map(() => rng.normal());
  const labels = BigInt64Array.from({ length: batch }, () => BigInt(rng.int(10)));
  const optimizer = new Sgd({ momentum: 0.9, weightDecay: 5e-4 });

  const step = await TrainStep.create(net, { batch, threads });
  // The forward figure runs the training-mode graph up to the logits (BN on batch statistics).
  const forward = await Program.compile(trainGraph.graph, [trainGraph.logits], { threads });
  const feeds = (): Record<string, Float32Array> => {
    const f: Record<string, Float32Array> = { input };
    for (const name of forward.paramNames) f[name] = params.get(name);
    return f;
  };
  const forwardMs = await medianMs(() => forward.run(feeds()), repeats, warmup);
  const trainMs = await medianMs(
    async () => {
      const r = await step.run(params, input, labels);
      optimizer.step(params, r.grads, 0.01);
    },
    repeats,
    warmup,
  );
  await step.release();
  await forward.release();
  const profile = options.profile
    ? await profileStep(net, { batch, threads }, params, input, labels, repeats + warmup, trainMs)
    : undefined;

  const result: EngineBenchResult = {
    engine: 'naskit (onnxruntime-node)',
    arch: archText,
    batch,
    threads,
    fanout,
    params: params.numel('trainable'),
    forward_ms: round(forwardMs),
    train_step_ms: round(trainMs),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
    ...(profile ? { profile } : {}),
  };
  if (options.compareTorch) {
    if (archText !== ALL_CONV3) {
      throw new NaskitError(
        'invalid_argument',
        '--compare-torch only supports the default all-nor_conv_3x3 network',
      );
    }
    const torch = runTorch(threads, batch, repeats, warmup);
    result.torch = torch;
    if (torch && 'train_step_ms' in torch) {
      result.train_step_ratio_vs_torch = round(result.train_step_ms / torch.train_step_ms, 3);
    }
  }
  return result;
}

const ARITHMETIC_OPS = new Set(['Conv', 'ConvTranspose', 'MatMul', 'FusedMatMul', 'Gemm', 'FusedConv']);

async function profileStep(
  net: NetworkSpec,
  options: { batch: number; threads: number },
  params: ParamStore,
  input: Float32Array,
  labels: BigInt64Array,
  runs: number,
  trainMs: number,
): Promise<EngineProfile> {
  const step = await TrainStep.create(net, { ...options, profile: true });
  let ops: OpTime[];
  try {
    for (let i = 0; i < runs; i++) await step.run(params, input, labels);
    ops = kernelTimes(step.endProfiling(), runs).map((r) => ({ ...r, ms: round(r.ms, 2) }));
  } finally {
    await step.release();
  }
  const convForward = sumMs(ops, (r) => r.phase === 'forward' && r.op === 'Conv');
  const arithmetic = sumMs(ops, (r) => ARITHMETIC_OPS.has(r.op));
  const kernel = sumMs(ops);
  return {
    runs,
    ops,
    kernel_ms: round(kernel),
    conv_forward_ms: round(convForward),
    arithmetic_ms: round(arithmetic),
    floor_ms: round((trainMs * arithmetic) / kernel),
  };
}

function runTorch(
  threads: number,
  batch: number,
  repeats: number,
  warmup: number,
): EngineBenchResult['torch'] {
  const args = ['--threads', String(threads), '--batch', String(batch), '--repeats', String(repeats)];
  const parsed = runPythonReference<{
    engine: string;
    forward_ms: number;
    train_step_ms: number;
    threads: number;
  }>('torch_nb201_bench.py', [...args, '--warmup', String(warmup)]);
  if ('error' in parsed) return parsed;
  return {
    engine: parsed.engine,
    forward_ms: round(parsed.forward_ms),
    train_step_ms: round(parsed.train_step_ms),
    threads: parsed.threads,
  };
}
