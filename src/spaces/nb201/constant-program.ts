/**
 * NAS-Bench-201 networks with constant shared weights, collapsed to one channel per (architecture,
 * constant) and packed side by side in the channel axis, so that ONE compiled program scores many
 * architectures per run.
 *
 * Why one channel is exact: when every conv/linear weight is the same constant w and every BN uses
 * batch statistics with scale w and bias 0, all output channels of every layer carry the same map
 * (inductively: identical inputs, identical weights, identical per-channel statistics). A conv with
 * C_in identical input channels then equals w * C_in * (k×k window sum) of one map, and the classifier
 * equals w * C * (pooled map). So the whole network runs on one map per image.
 *
 * Why one program for every cell: channel k gets its own weights through fed tensors — a depthwise
 * kernel per (stage, edge) that is the full 3×3 box (nor_conv_3x3), its centre only (nor_conv_1x1),
 * and boolean masks that pick the conv branch, the average pool, the identity or nothing. Unpicked
 * branches are dropped with `Where`, so they never leak NaN/Inf into the picked one, and sums over
 * edges add exact zeros, so the result matches the real architecture's arithmetic.
 */
import { Graph, type Tensor, makeData } from '../../graph/graph.js';
import { add } from '../../graph/ops/add.js';
import { batchNorm } from '../../graph/ops/batch-normalization.js';
import { mul } from '../../graph/ops/mul.js';
import { relu } from '../../graph/ops/relu.js';
import { reduceSum } from '../../graph/ops/reduce-sum.js';
import { reshape } from '../../graph/ops/reshape.js';
import { NB201_EDGES } from './network.js';
import type { Nb201Arch } from './ops.js';
import { NaskitError } from '../../util/errors.js';
import type { ConstantProgram, ConstantProgramConfig, ConstantSlot } from '../proxy-hooks.js';
import { windowOps } from './window-ops.js';

export interface Nb201ConstantConfig {
  /** Images per batch (256 in epsinas). */
  batch: number;
  /** Input [C, H, W]. */
  inputShape: readonly [number, number, number];
  /** Channels of the first stage (16 in the benchmark). */
  channels: number;
  cellsPerStage: number;
  /** Architecture-constant pairs per run: the program has this many channels. */
  slots: number;
  dtype: 'float32' | 'float64';
  /** Batch-norm epsilon (PyTorch's 1e-5). */
  bnEps: number;
}

export const NB201_CONSTANT_DEFAULTS: Omit<Nb201ConstantConfig, 'slots' | 'batch'> = {
  inputShape: [3, 32, 32],
  channels: 16,
  cellsPerStage: 5,
  dtype: 'float32',
  bnEps: 1e-5,
};

/** Names of the fed per-slot tensors. */
const feedName = {
  stem: 'stem_w',
  bnScale: 'bn_scale',
  head: 'head_w',
  boxScale: (stage: number, edge: number) => `box_scale_s${stage}_e${edge}`,
  pointScale: (stage: number, edge: number) => `point_scale_s${stage}_e${edge}`,
  skip: (edge: number) => `skip_e${edge}`,
  pool: (edge: number) => `pool_e${edge}`,
  reduceA: (stage: number) => `red${stage}_a`,
  reduceB: (stage: number) => `red${stage}_b`,
  reduceShort: (stage: number) => `red${stage}_short`,
};

export interface Nb201ConstantGraph {
  graph: Graph;
  input: Tensor;
  /** [batch, slots]: the network output of every slot. */
  output: Tensor;
  config: Nb201ConstantConfig;
  /** Which edges are convolutions in every slot this program serves. */
  convEdges: readonly boolean[];
  /** The feature map after the stem, each cell and each reduction block, in order ([batch, slots, h, w]). */
  taps: readonly Tensor[];
}

/** The conv pattern of a cell: which of its six edges are nor_conv_1x1 / nor_conv_3x3. */
export function convPattern(arch: Nb201Arch): boolean[] {
  return arch.edges.map((op) => op === 'nor_conv_1x1' || op === 'nor_conv_3x3');
}

export function patternKey(pattern: readonly boolean[]): string {
  return pattern.map((c) => (c ? '1' : '0')).join('');
}

/**
 * Build the packed graph for every cell whose conv edges are exactly `convEdges`; the image batch is
 * a fed input named 'input'. Per cell and source node i it computes relu(n_i) and its 3×3 box mean
 * (a 3×3 conv over identical channels is w·C_in times a box sum) when a conv leaves i, and the 3×3
 * average pool of n_i when a parameter-free edge leaves i. A conv edge is
 *   BN(box_i · a_e + relu_i · b_e)      (a_e = 9·w·C for nor_conv_3x3, b_e = w·C for nor_conv_1x1)
 * and any other edge is n_i · s_e + pool_i · p_e with 0/1 flags (none: both 0, as PyTorch's x·0).
 * Zero terms add exactly, so the sum over edges matches the real architecture's arithmetic.
 */
export function buildNb201ConstantGraph(
  config: Nb201ConstantConfig,
  convEdges: readonly boolean[],
): Nb201ConstantGraph {
  if (convEdges.length !== NB201_EDGES.length) {
    throw new NaskitError('invalid_argument', `nb201 conv pattern needs 6 flags, got ${convEdges.length}`);
  }
  const { batch, slots: k, dtype, bnEps } = config;
  const g = new Graph(`nb201-constant-${patternKey(convEdges)}`);
  const input = g.input('input', [batch, ...config.inputShape], dtype);
  const perChannel = [1, k, 1, 1];
  const feed = (name: string, shape: readonly number[] = perChannel): Tensor => g.input(name, shape, dtype);
  const bnScale = feed(feedName.bnScale, [k]);
  const bnBias = g.constant(makeData(dtype, new Array<number>(k).fill(0)), [k], 'bn_bias');
  const bn = (x: Tensor): Tensor =>
    batchNorm(x, bnScale, bnBias, bnBias, bnBias, { training: true, epsilon: bnEps, momentum: 0.1 }).y;
  const win = windowOps(dtype);
  const boxMean = win.boxMean;
  const flags = NB201_EDGES.map((_, e) =>
    convEdges[e] ? null : { skip: feed(feedName.skip(e)), pool: feed(feedName.pool(e)) },
  );

  // Stem: every output channel is w·Σ_c box(x_c); summing the box means first keeps one map per image.
  let x = bn(mul(reduceSum(boxMean(input), [1], true), feed(feedName.stem)));
  const taps: Tensor[] = [x];
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      const a = bn(mul(boxMean(relu(x), 2), feed(feedName.reduceA(stage))));
      const b = bn(mul(boxMean(relu(a)), feed(feedName.reduceB(stage))));
      const pooled = win.avgPool2(x);
      x = add(mul(pooled, feed(feedName.reduceShort(stage))), b);
      taps.push(x);
    }
    const scales = NB201_EDGES.map((_, e) =>
      convEdges[e]
        ? { box: feed(feedName.boxScale(stage, e)), point: feed(feedName.pointScale(stage, e)) }
        : null,
    );
    for (let cell = 0; cell < config.cellsPerStage; cell++) {
      const nodes: Tensor[] = [x];
      const relus: Tensor[] = [];
      const boxes: Tensor[] = [];
      const pools: Tensor[] = [];
      for (let to = 1; to <= 3; to++) {
        let sum: Tensor | null = null;
        NB201_EDGES.forEach(([from, target], e) => {
          if (target !== to) return;
          const src = nodes[from]!;
          let term: Tensor;
          const scale = scales[e];
          if (scale) {
            const r = (relus[from] ??= relu(src));
            const box = (boxes[from] ??= boxMean(r));
            term = bn(add(mul(box, scale.box), mul(r, scale.point)));
          } else {
            const f = flags[e]!;
            const pool = (pools[from] ??= win.avgPool3(src));
            term = add(mul(src, f.skip), mul(pool, f.pool));
          }
          sum = sum === null ? term : add(sum, term);
        });
        nodes.push(sum!);
      }
      x = nodes[3]!;
      taps.push(x);
    }
  }
  const pooled = reshape(win.globalMean(relu(bn(x))), [batch, k]);
  const output = mul(pooled, feed(feedName.head, [1, k]));
  return { graph: g, input, output, config, convEdges: [...convEdges], taps };
}

/** One slot: an architecture and the constant every weight takes. */
export type Nb201Slot = ConstantSlot<Nb201Arch>;

type Data = Float32Array | Float64Array;

/**
 * Feeds (everything but 'input') for up to `config.slots` slots, all with the program's conv pattern;
 * unused slots repeat the last one. A conv with C_in input channels gets w·C_in (module comment).
 */
export function nb201ConstantFeeds(
  program: Pick<Nb201ConstantGraph, 'config' | 'convEdges'>,
  slots: readonly Nb201Slot[],
): Record<string, Data> {
  const { config, convEdges } = program;
  const k = config.slots;
  if (slots.length === 0 || slots.length > k) {
    throw new NaskitError(
      'invalid_argument',
      `nb201 constant program: got ${slots.length} slots for a program with ${k}; pass 1..${k}`,
    );
  }
  for (const s of slots) {
    if (patternKey(convPattern(s.arch)) !== patternKey(convEdges)) {
      throw new NaskitError(
        'invalid_argument',
        `nb201 constant program for conv pattern ${patternKey(convEdges)} cannot run a cell with pattern ` +
          `${patternKey(convPattern(s.arch))}; build one program per pattern`,
      );
    }
  }
  const filled = Array.from({ length: k }, (_, i) => slots[Math.min(i, slots.length - 1)]!);
  const feeds: Record<string, Data> = {};
  const perSlot = (size: number, value: (s: Nb201Slot) => number): Data => {
    const out = config.dtype === 'float64' ? new Float64Array(k * size) : new Float32Array(k * size);
    filled.forEach((s, i) => out.fill(value(s), i * size, (i + 1) * size));
    return out;
  };
  feeds[feedName.stem] = perSlot(1, (s) => s.weight * 9);
  feeds[feedName.bnScale] = perSlot(1, (s) => s.weight);
  feeds[feedName.head] = perSlot(1, (s) => s.weight * config.channels * 4);
  for (let stage = 0; stage < 3; stage++) {
    const c = config.channels * 2 ** stage;
    if (stage > 0) {
      // The box mean is a ninth of the box sum, hence the 9s.
      feeds[feedName.reduceA(stage)] = perSlot(1, (s) => s.weight * (c / 2) * 9);
      feeds[feedName.reduceB(stage)] = perSlot(1, (s) => s.weight * c * 9);
      feeds[feedName.reduceShort(stage)] = perSlot(1, (s) => s.weight * (c / 2));
    }
    NB201_EDGES.forEach((_, e) => {
      if (!convEdges[e]) return;
      feeds[feedName.boxScale(stage, e)] = perSlot(1, (s) =>
        s.arch.edges[e] === 'nor_conv_3x3' ? s.weight * c * 9 : 0,
      );
      feeds[feedName.pointScale(stage, e)] = perSlot(1, (s) =>
        s.arch.edges[e] === 'nor_conv_1x1' ? s.weight * c : 0,
      );
    });
  }
  NB201_EDGES.forEach((_, e) => {
    if (convEdges[e]) return;
    feeds[feedName.skip(e)] = perSlot(1, (s) => (s.arch.edges[e] === 'skip_connect' ? 1 : 0));
    feeds[feedName.pool(e)] = perSlot(1, (s) => (s.arch.edges[e] === 'avg_pool_3x3' ? 1 : 0));
  });
  return feeds;
}

/** Sort key of the cells one program serves (their conv pattern). */
export function nb201ConstantKey(arch: Nb201Arch): string {
  return patternKey(convPattern(arch));
}

/** The program serving every cell with `arch`'s conv pattern (SpaceProxyHooks.constantWeights). */
export function nb201ConstantProgram(
  arch: Nb201Arch,
  config: ConstantProgramConfig,
): ConstantProgram<Nb201Arch> {
  const built = buildNb201ConstantGraph(
    {
      batch: config.batch,
      inputShape: config.inputShape,
      slots: config.slots,
      dtype: config.dtype,
      bnEps: config.bnEps,
      channels: config.channels ?? NB201_CONSTANT_DEFAULTS.channels,
      cellsPerStage: config.cells ?? NB201_CONSTANT_DEFAULTS.cellsPerStage,
    },
    convPattern(arch),
  );
  return { graph: built.graph, output: built.output, feeds: (slots) => nb201ConstantFeeds(built, slots) };
}
