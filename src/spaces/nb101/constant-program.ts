/**
 * NAS-Bench-101 networks with constant shared weights, one program for every cell.
 *
 * With all weights w and batch-statistics BN, every channel a vertex produces carries the same map
 * (see ../nb201/constant-program.ts), so a vertex is one map plus its channel count, and a module
 * output — the concatenation of the vertices feeding it, plus the input projection when the input
 * feeds the output directly — is a list of (count, map) segments. Whatever reads a module output sums over its
 * channels with weight w: the next module's 1×1 projections (identical for every vertex: same input,
 * same weights) see w·Σ count·map, max-pooling acts per segment, and the dense head gives
 * w·Σ count·mean(map). Truncation of a vertex to fewer channels changes no map.
 *
 * One template serves every pruned spec: 5 interior vertices, 0/1 edge flags, each vertex computing
 * its conv (3×3 box or 1×1, scaled by w times its input channels) and its max-pool and keeping the
 * one its op names; unused vertices get all-zero flags. Every selection multiplies by exact 0/1 and
 * adds exact zeros, so the arithmetic matches the real module's.
 */
import { Graph, type Tensor, makeData } from '../../graph/graph.js';
import { add } from '../../graph/ops/add.js';
import { averagePool } from '../../graph/ops/average-pool.js';
import { batchNorm } from '../../graph/ops/batch-normalization.js';
import { globalAveragePool } from '../../graph/ops/global-average-pool.js';
import { maxPool } from '../../graph/ops/max-pool.js';
import { mul } from '../../graph/ops/mul.js';
import { reduceSum } from '../../graph/ops/reduce-sum.js';
import { relu } from '../../graph/ops/relu.js';
import { reshape } from '../../graph/ops/reshape.js';
import { sum } from '../../graph/ops/sum.js';
import { vertexChannels } from './network.js';
import type { Nb101Arch } from './ops.js';
import { prune } from './spec.js';
import { NaskitError } from '../../util/errors.js';
import type { ConstantProgram, ConstantProgramConfig, ConstantSlot } from '../proxy-hooks.js';

/** Interior vertices of the template (NB101 cells have at most 7 vertices). */
export const NB101_INTERIOR = 5;
const OUT = NB101_INTERIOR + 1;

export interface Nb101ConstantConfig {
  batch: number;
  inputShape: readonly [number, number, number];
  /** Stem channels (128 in the benchmark); doubled at each new stack. */
  stemChannels: number;
  modulesPerStack: number;
  stacks: number;
  slots: number;
  bnEps: number;
}

export const NB101_CONSTANT_DEFAULTS: Omit<Nb101ConstantConfig, 'slots' | 'batch'> = {
  inputShape: [3, 32, 32],
  stemChannels: 128,
  modulesPerStack: 3,
  stacks: 3,
  bnEps: 1e-5,
};

const feedName = {
  bnScale: 'bn_scale',
  stem: 'stem_scale',
  /** Projection weight of input segment v of module m (w · its channel count). */
  proj: (m: number, v: number) => `m${m}_proj${v}`,
  edge: (src: number, dst: number) => `edge_${src}_${dst}`,
  box: (stack: number, v: number) => `s${stack}_box${v}`,
  point: (stack: number, v: number) => `s${stack}_point${v}`,
  isConv: (v: number) => `conv${v}`,
  isPool: (v: number) => `pool${v}`,
  /** Segment v of a module output = out_v · keep_v + projection · addProj_v. */
  keep: (v: number) => `keep${v}`,
  addProj: (v: number) => `addproj${v}`,
  /** Head weight of output segment v in the last stack (w · count). */
  head: (v: number) => `head${v}`,
};

export interface Nb101ConstantGraph {
  graph: Graph;
  output: Tensor;
  config: Nb101ConstantConfig;
}

export function buildNb101ConstantGraph(config: Nb101ConstantConfig): Nb101ConstantGraph {
  const { batch, slots: k, bnEps } = config;
  const g = new Graph('nb101-constant');
  const input = g.input('input', [batch, ...config.inputShape]);
  const perChannel = [1, k, 1, 1];
  const feed = (name: string): Tensor => g.input(name, perChannel);
  const bnScale = g.input(feedName.bnScale, [k]);
  const bnBias = g.constant(makeData('float32', new Array<number>(k).fill(0)), [k], 'bn_bias');
  const bnRelu = (x: Tensor): Tensor =>
    relu(batchNorm(x, bnScale, bnBias, bnBias, bnBias, { training: true, epsilon: bnEps, momentum: 0.1 }).y);
  const boxMean = (x: Tensor): Tensor =>
    averagePool(x, { kernel: 3, strides: 1, pads: 1, countIncludePad: true });
  const vertices = Array.from({ length: NB101_INTERIOR }, (_, i) => i + 1);
  const edges = new Map<string, Tensor>();
  for (let dst = 1; dst <= OUT; dst++) {
    for (let src = 0; src < dst; src++)
      if (src !== 0 || dst !== OUT) edges.set(`${src},${dst}`, feed(feedName.edge(src, dst)));
  }
  const flags = vertices.map((v) => ({ conv: feed(feedName.isConv(v)), pool: feed(feedName.isPool(v)) }));
  const keep = vertices.map((v) => feed(feedName.keep(v)));
  const addProj = vertices.map((v) => feed(feedName.addProj(v)));

  // Stem: conv 3×3 over the image channels (w · Σ_c box sums), BN, ReLU; one segment.
  const stem = bnRelu(mul(reduceSum(boxMean(input), [1], true), feed(feedName.stem)));
  let segments: Tensor[] = vertices.map(() => stem);
  let module = 0;
  for (let stack = 0; stack < config.stacks; stack++) {
    if (stack > 0) segments = segments.map((s) => maxPool(s, { kernel: 2, strides: 2 }));
    const scales = vertices.map((v) => ({
      box: feed(feedName.box(stack, v)),
      point: feed(feedName.point(stack, v)),
    }));
    for (let m = 0; m < config.modulesPerStack; m++, module++) {
      const projection = bnRelu(sum(segments.map((s, i) => mul(s, feed(feedName.proj(module, i + 1))))));
      const outs: Tensor[] = [];
      for (const v of vertices) {
        // Same order as the benchmark code: interior inputs first, the input projection last.
        const terms: Tensor[] = [];
        for (let src = 1; src < v; src++) terms.push(mul(outs[src - 1]!, edges.get(`${src},${v}`)!));
        terms.push(mul(projection, edges.get(`0,${v}`)!));
        const vertexIn = sum(terms);
        const s = scales[v - 1]!;
        const convOut = bnRelu(add(mul(boxMean(vertexIn), s.box), mul(vertexIn, s.point)));
        const pooled = maxPool(vertexIn, { kernel: 3, strides: 1, pads: 1 });
        const f = flags[v - 1]!;
        outs.push(add(mul(convOut, f.conv), mul(pooled, f.pool)));
      }
      segments = vertices.map((v) => add(mul(outs[v - 1]!, keep[v - 1]!), mul(projection, addProj[v - 1]!)));
    }
  }
  const pooled = segments.map((s, i) =>
    mul(reshape(globalAveragePool(s), [batch, k]), g.input(feedName.head(i + 1), [1, k])),
  );
  return { graph: g, output: sum(pooled), config };
}

/** A pruned cell laid out on the template: interior vertex i of the spec is template vertex i. */
interface Layout {
  /** adjacency on template vertices 0..6. */
  edge(src: number, dst: number): boolean;
  op(v: number): string | null;
  /** Output channels of template vertex v in a module with `channels` outputs (0 when unused). */
  channels(v: number, inputChannels: number, outputChannels: number): number;
  /** True when no interior vertex feeds the output (the module output is the input projection). */
  projectionOnly: boolean;
}

function layout(arch: Nb101Arch): Layout {
  const spec = prune(arch);
  if (!spec)
    throw new NaskitError('invalid_arch', 'nb101 constant program: the cell has no input→output path');
  const n = spec.matrix.length;
  const fromTemplate = (t: number): number => (t === OUT ? n - 1 : t < n - 1 ? t : -1);
  const interior = Array.from({ length: n - 2 }, (_, i) => i + 1);
  const projectionOnly = !interior.some((v) => spec.matrix[v]![n - 1]);
  return {
    edge: (src, dst) => {
      const a = fromTemplate(src);
      const b = fromTemplate(dst);
      return a >= 0 && b >= 0 && spec.matrix[a]![b] === 1;
    },
    op: (v) => (v >= 1 && v <= n - 2 ? spec.ops[v]! : null),
    channels: (v, inputChannels, outputChannels) => {
      const vc = vertexChannels(inputChannels, outputChannels, spec.matrix);
      const s = fromTemplate(v);
      return s >= 1 && s <= n - 2 ? vc[s]! : 0;
    },
    projectionOnly,
  };
}

export type Nb101Slot = ConstantSlot<Nb101Arch>;

/** Feeds (everything but 'input') for up to `config.slots` slots; unused slots repeat the last one. */
export function nb101ConstantFeeds(
  config: Nb101ConstantConfig,
  slots: readonly Nb101Slot[],
): Record<string, Float32Array> {
  const k = config.slots;
  if (slots.length === 0 || slots.length > k) {
    throw new NaskitError(
      'invalid_argument',
      `nb101 constant program: got ${slots.length} slots for a program with ${k}`,
    );
  }
  const filled = Array.from({ length: k }, (_, i) => slots[Math.min(i, slots.length - 1)]!);
  const layouts = filled.map((s) => layout(s.arch));
  const feeds: Record<string, Float32Array> = {};
  const perSlot = (value: (s: Nb101Slot, l: Layout, i: number) => number): Float32Array =>
    Float32Array.from(filled, (s, i) => value(s, layouts[i]!, i));
  const w = (s: Nb101Slot): number => s.weight;
  const vertices = Array.from({ length: NB101_INTERIOR }, (_, i) => i + 1);
  feeds[feedName.bnScale] = perSlot(w);
  feeds[feedName.stem] = perSlot((s) => s.weight * 9);
  for (let dst = 1; dst <= OUT; dst++) {
    for (let src = 0; src < dst; src++) {
      if (src !== 0 || dst !== OUT)
        feeds[feedName.edge(src, dst)] = perSlot((_, l) => (l.edge(src, dst) ? 1 : 0));
    }
  }
  for (const v of vertices) {
    feeds[feedName.isConv(v)] = perSlot((_, l) => (l.op(v)?.startsWith('conv') ? 1 : 0));
    feeds[feedName.isPool(v)] = perSlot((_, l) => (l.op(v) === 'maxpool3x3' ? 1 : 0));
    feeds[feedName.keep(v)] = perSlot((_, l) => (l.edge(v, OUT) ? 1 : 0));
    feeds[feedName.addProj(v)] = perSlot((_, l) =>
      l.projectionOnly ? (v === 1 ? 1 : 0) : l.edge(v, OUT) && l.edge(0, OUT) ? 1 : 0,
    );
  }
  // Channel counts: stem C0; stack s modules output C0·2^s. The segment counts of a module output are
  // the channels of the vertices feeding the output (all C for a projection-only module).
  const segmentCounts = (l: Layout, input: number, output: number): number[] =>
    vertices.map((v) =>
      l.projectionOnly ? (v === 1 ? output : 0) : l.edge(v, OUT) ? l.channels(v, input, output) : 0,
    );
  let module = 0;
  const c0 = config.stemChannels;
  let counts = layouts.map(() => vertices.map((v) => (v === 1 ? c0 : 0)));
  let inputChannels = c0;
  for (let stack = 0; stack < config.stacks; stack++) {
    const channels = c0 * 2 ** stack;
    for (const v of vertices) {
      // A vertex conv reads the vertex input, which has the vertex's own channel count.
      feeds[feedName.box(stack, v)] = perSlot((s, l) =>
        l.op(v) === 'conv3x3-bn-relu' ? s.weight * l.channels(v, inputChannels, channels) * 9 : 0,
      );
      feeds[feedName.point(stack, v)] = perSlot((s, l) =>
        l.op(v) === 'conv1x1-bn-relu' ? s.weight * l.channels(v, inputChannels, channels) : 0,
      );
    }
    for (let m = 0; m < config.modulesPerStack; m++, module++) {
      const current = counts;
      for (const v of vertices)
        feeds[feedName.proj(module, v)] = perSlot((s, _, i) => s.weight * current[i]![v - 1]!);
      counts = layouts.map((l) => segmentCounts(l, inputChannels, channels));
      inputChannels = channels;
    }
  }
  const last = counts;
  for (const v of vertices) feeds[feedName.head(v)] = perSlot((s, _, i) => s.weight * last[i]![v - 1]!);
  return feeds;
}

/** The one template program serving every cell (SpaceProxyHooks.constantWeights); float32 only. */
export function nb101ConstantProgram(config: ConstantProgramConfig): ConstantProgram<Nb101Arch> {
  if (config.dtype !== 'float32') {
    throw new NaskitError('invalid_argument', `nb101 constant program runs in float32, not ${config.dtype}`);
  }
  const full: Nb101ConstantConfig = {
    ...NB101_CONSTANT_DEFAULTS,
    batch: config.batch,
    inputShape: config.inputShape,
    slots: config.slots,
    stemChannels: config.channels ?? NB101_CONSTANT_DEFAULTS.stemChannels,
    modulesPerStack: config.cells ?? NB101_CONSTANT_DEFAULTS.modulesPerStack,
    bnEps: config.bnEps,
  };
  const built = buildNb101ConstantGraph(full);
  return { graph: built.graph, output: built.output, feeds: (slots) => nb101ConstantFeeds(full, slots) };
}
