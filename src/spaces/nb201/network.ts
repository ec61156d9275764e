/**
 * The NAS-Bench-201 network exactly as the benchmark trained it (AutoDL-Projects' TinyNetwork with
 * InferCell): a 3×3 conv stem with BN, three stages of N cells at C, 2C, 4C channels separated by
 * ResNet basic blocks of stride 2, then BN + ReLU, global average pooling and a linear classifier.
 * Each cell node sums the outputs of its incoming edges; ops are none (zero), skip_connect,
 * nor_conv_1x1 / nor_conv_3x3 (ReLU-Conv-BN) and avg_pool_3x3 (no padding counted).
 *
 * Parameter names: `stem/…`, `cells/<k>/edge<i><j>/<op>/…` (the op's name is part of the scope, so the
 * supernet holds the same names for the same op), `lastact/…`, `classifier/…`.
 */
import type { Tensor } from '../../graph/graph.js';
import type { NetContext, NetworkSpec } from '../../graph/network.js';
import { mul } from '../../graph/ops/mul.js';
import { sum } from '../../graph/ops/sum.js';
import { NaskitError } from '../../util/errors.js';
import {
  avgPool3x3,
  bnReluClassifier,
  FANOUT_BUILD_OPTION,
  reluConvBn,
  reluConvBnFanout,
  reluConvBnParams,
  resnetBasicBlock,
  type ConvBnOptions,
} from '../../nn/blocks.js';
import { batchNorm2d } from '../../nn/batch-norm.js';
import { conv2d } from '../../nn/conv.js';
import { checkNetworkConfig, rejectUnused, type NetworkConfig } from '../network-config.js';
import { NB201_OPS, type Nb201Arch } from './ops.js';

/** Edge order of the NB201 string: node1<-0, node2<-0, node2<-1, node3<-0, node3<-1, node3<-2. */
export const NB201_EDGES: ReadonlyArray<readonly [from: number, to: number]> = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];

export interface Nb201NetworkConfig {
  /** Channels of the first stage (16 in the benchmark). */
  channels?: number;
  /** Cells per stage (5 in the benchmark). */
  cellsPerStage?: number;
  classes?: number;
  /** Input [C, H, W]; CIFAR is [3, 32, 32], ImageNet16-120 [3, 16, 16], Fashion-MNIST [1, 28, 28]. */
  inputShape?: readonly [number, number, number];
  /**
   * Compute the conv edges leaving one node with the same op as one Conv and one BN
   * (`nb201FanoutCell`): the same function with the same parameters, a faster training step, other
   * float rounding. When omitted, the build option `ctx.options[NB201_FANOUT_OPTION] === true` decides
   * (training programs pass it as `buildOptions`); off otherwise. Keep it off for the zero-cost
   * proxies: they hook each edge's own Conv layer, which the fused cell no longer has.
   */
  fuseConvFanout?: boolean;
}

/** Build option (`NetContext.options`) that turns on `fuseConvFanout` in networks built through the space. */
export const NB201_FANOUT_OPTION = FANOUT_BUILD_OPTION;

/** Scope of op `op` on edge from→to, shared by the network and the supernet. */
export function nb201EdgeScope(from: number, to: number): string {
  return `edge${from}${to}`;
}

/** One candidate op on a cell edge; null for `none` (it adds nothing to the node's sum). */
export function applyNb201Op(
  ctx: NetContext,
  x: Tensor,
  op: string,
  name: string,
  affine = true,
): Tensor | null {
  const conv = nb201ConvOptions(op, x.shape[1]!, affine);
  if (conv) return reluConvBn(ctx, x, `${name}/${op}`, conv);
  switch (op) {
    case 'none':
      return null;
    case 'skip_connect':
      return x;
    case 'avg_pool_3x3':
      return avgPool3x3(x, 1);
    default:
      throw new NaskitError('invalid_arch', `nb201: unknown op '${op}' (allowed: ${NB201_OPS.join(', ')})`);
  }
}

/**
 * Sum one node's incoming terms; a node whose inputs are all `none` is zero (x · 0 keeps the shape and
 * the graph connected, as the benchmark's Zero op does).
 */
export function sumOrZero(terms: readonly Tensor[], like: Tensor): Tensor {
  return terms.length === 0 ? mul(like, 0) : sum(terms);
}

export type Nb201CellBuilder = (ctx: NetContext, x: Tensor, name: string) => Tensor;

/** What edge `edge` (scope `scope`) adds to its target node's sum; null adds nothing. */
export type Nb201EdgeOutput = (ctx: NetContext, x: Tensor, edge: number, scope: string) => Tensor | null;

/**
 * An NB201 cell from its edges' outputs: node j = sum over i<j of edge(i->j)(node i). The network, the
 * supernets and the conv-pattern network differ only in `edgeOutput`.
 */
export function nb201CellWith(edgeOutput: Nb201EdgeOutput): Nb201CellBuilder {
  return (ctx, x, name) =>
    ctx.graph.scope(name, () => {
      const nodes: Tensor[] = [x];
      for (let to = 1; to <= 3; to++) {
        const terms: Tensor[] = [];
        NB201_EDGES.forEach(([from, target], e) => {
          if (target !== to) return;
          const out = edgeOutput(ctx, nodes[from]!, e, nb201EdgeScope(from, to));
          if (out) terms.push(out);
        });
        nodes.push(sumOrZero(terms, x));
      }
      return nodes[3]!;
    });
}

/** The ReLU-Conv-BN options of a conv op on `c` channels; null for the parameter-free ops. */
function nb201ConvOptions(op: string, c: number, affine = true): ConvBnOptions | null {
  const bn = { affine };
  if (op === 'nor_conv_1x1') return { out: c, kernel: 1, padding: 0, bn };
  if (op === 'nor_conv_3x3') return { out: c, kernel: 3, padding: 1, bn };
  return null;
}

/**
 * One NB201 cell: node j = sum over i<j of op(i->j)(node i); with `fuseConvFanout`, computed by
 * `nb201FanoutCell` (same function and parameters).
 */
export function nb201Cell(
  ctx: NetContext,
  x: Tensor,
  ops: readonly string[],
  name: string,
  options: { fuseConvFanout?: boolean } = {},
): Tensor {
  if (options.fuseConvFanout) return nb201FanoutCell(ctx, x, ops, name);
  return nb201CellWith((c, input, e, scope) => applyNb201Op(c, input, ops[e]!, scope))(ctx, x, name);
}

/**
 * nb201Cell computed node by node: as soon as node i is ready, all the edges leaving it, the conv edges
 * of one op through one reluConvBnFanout (one Conv and one BN over their stacked channels, so node 0's
 * three 3×3 convs are one Conv with 3C outputs), the other ops as in nb201Cell. Each node sums the same
 * terms in the same order as nb201Cell. The conv parameters are declared first, in edge order, so the
 * graph lists its parameters exactly as nb201Cell does (same names, shapes and order).
 */
export function nb201FanoutCell(ctx: NetContext, x: Tensor, ops: readonly string[], name: string): Tensor {
  return ctx.graph.scope(name, () => {
    const c = x.shape[1]!;
    const edgeScope = (e: number) => nb201EdgeScope(...NB201_EDGES[e]!);
    const scopeOf = (e: number) => `${edgeScope(e)}/${ops[e]}`;
    const params = NB201_EDGES.map((_, e) => {
      const o = nb201ConvOptions(ops[e]!, c);
      return o ? reluConvBnParams(ctx, c, scopeOf(e), o) : null;
    });
    const outputs: (Tensor | null)[] = NB201_EDGES.map(() => null);
    const nodes: Tensor[] = [x];
    for (let from = 0; from < 3; from++) {
      const source = nodes[from]!;
      const convGroups = new Map<string, number[]>();
      NB201_EDGES.forEach(([f], e) => {
        if (f !== from) return;
        if (params[e]) convGroups.set(ops[e]!, [...(convGroups.get(ops[e]!) ?? []), e]);
        else outputs[e] = applyNb201Op(ctx, source, ops[e]!, edgeScope(e));
      });
      for (const [op, edges] of convGroups) {
        const ys = reluConvBnFanout(
          ctx,
          source,
          edges.map(scopeOf),
          nb201ConvOptions(op, c)!,
          edges.map((e) => params[e]!),
        );
        edges.forEach((e, i) => (outputs[e] = ys[i]!));
      }
      const terms: Tensor[] = [];
      NB201_EDGES.forEach(([, to], e) => {
        if (to === from + 1 && outputs[e]) terms.push(outputs[e]);
      });
      nodes.push(sumOrZero(terms, x));
    }
    return nodes[3]!;
  });
}

/**
 * The TinyNetwork skeleton around any cell: stem, 3 stages of `n` cells with a ResNet reduction block
 * before stages 2 and 3 (cells are numbered on through the reductions, as in the benchmark), head.
 */
export function nb201Skeleton(
  ctx: NetContext,
  input: Tensor,
  dims: { channels: number; cellsPerStage: number; classes: number },
  cell: Nb201CellBuilder,
): Tensor {
  let x = ctx.graph.scope('stem', () =>
    batchNorm2d(ctx, conv2d(ctx, input, 'conv', { out: dims.channels, kernel: 3, padding: 1 }), 'bn'),
  );
  let index = 0;
  for (let stage = 0; stage < 3; stage++) {
    const c = dims.channels * 2 ** stage;
    if (stage > 0) x = resnetBasicBlock(ctx, x, `cells/${index++}`, { out: c, stride: 2 });
    for (let i = 0; i < dims.cellsPerStage; i++) x = cell(ctx, x, `cells/${index++}`);
  }
  return bnReluClassifier(ctx, x, dims.classes);
}

/**
 * The two stride-2 reductions need even sizes twice over: a 3×3 stride-2 conv gives ceil(H/2) but the
 * 2×2 average-pool shortcut floor(H/2), so H and W must be multiples of 4 (as in the benchmark code).
 */
export function checkNb201Input(inputShape: readonly number[], where: string): void {
  const [, h, w] = inputShape;
  if (h! % 4 !== 0 || w! % 4 !== 0) {
    throw new NaskitError(
      'invalid_config',
      `${where}: input ${h}×${w} cannot pass the two stride-2 ResNet reductions (conv gives ceil(H/2), ` +
        'the average-pool shortcut floor(H/2)); use H and W divisible by 4, e.g. pad 30×30 to 32×32',
    );
  }
}

export function nb201Network(arch: Nb201Arch, config: Nb201NetworkConfig = {}, name = 'nb201'): NetworkSpec {
  const ops = arch.edges;
  const channels = config.channels ?? 16;
  const cellsPerStage = config.cellsPerStage ?? 5;
  const classes = config.classes ?? 10;
  const inputShape = config.inputShape ?? [3, 32, 32];
  const fuseConvFanout = config.fuseConvFanout;
  checkNetworkConfig({ classes, inputShape, channels, cells: cellsPerStage }, name);
  checkNb201Input(inputShape, name);
  return {
    name,
    inputShape,
    classes,
    forward(ctx, input) {
      const fuse = fuseConvFanout ?? ctx.options[NB201_FANOUT_OPTION] === true;
      return nb201Skeleton(ctx, input, { channels, cellsPerStage, classes }, (c, x, cellName) =>
        nb201Cell(c, x, ops, cellName, { fuseConvFanout: fuse }),
      );
    },
  };
}

/** `SearchSpace.build` for nb201: channels = C (16), cells = cells per stage (5). */
export function buildNb201(arch: Nb201Arch, config: NetworkConfig): NetworkSpec {
  checkNetworkConfig(config, 'nb201 network');
  rejectUnused(config, 'nb201 network', ['auxiliary', 'dropPath', 'affine']);
  return nb201Network(arch, {
    classes: config.classes,
    inputShape: config.inputShape,
    ...(config.channels !== undefined ? { channels: config.channels } : {}),
    ...(config.cells !== undefined ? { cellsPerStage: config.cells } : {}),
  });
}
