/**
 * The NAS-Bench-201 network exactly as the benchmark trained it (AutoDL-Projects' TinyNetwork with
 * InferCell): a 3×3 conv stem with BN, three stages of N cells at C, 2C, 4C channels separated by
 * ResNet basic blocks of stride 2, then BN + ReLU, global average pooling and a linear classifier.
 * Each cell node sums the outputs of its incoming edges; ops are none (zero), skip_connect,
 * nor_conv_1x1 / nor_conv_3x3 (ReLU-Conv-BN) and avg_pool_3x3 (no padding counted).
 */
import type { Tensor } from '../../graph/graph.js';
import type { NetContext, NetworkSpec } from '../../graph/network.js';
import { add } from '../../graph/ops/add.js';
import { mul } from '../../graph/ops/mul.js';
import { NaskitError } from '../../util/errors.js';
import { avgPool3x3, bnReluClassifier, reluConvBn, resnetBasicBlock } from '../../nn/blocks.js';
import { batchNorm2d } from '../../nn/batch-norm.js';
import { conv2d } from '../../nn/conv.js';
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
}

export function applyNb201Op(ctx: NetContext, x: Tensor, op: string, name: string): Tensor | null {
  const c = x.shape[1]!;
  switch (op) {
    case 'none':
      return null;
    case 'skip_connect':
      return x;
    case 'nor_conv_1x1':
      return reluConvBn(ctx, x, name, { out: c, kernel: 1, padding: 0 });
    case 'nor_conv_3x3':
      return reluConvBn(ctx, x, name, { out: c, kernel: 3, padding: 1 });
    case 'avg_pool_3x3':
      return avgPool3x3(x, 1);
    default:
      throw new NaskitError('invalid_arch', `nb201: unknown op '${op}' (allowed: ${NB201_OPS.join(', ')})`);
  }
}

/** One NB201 cell: node j = sum over i<j of op(i->j)(node i); a node with only `none` inputs is zero. */
export function nb201Cell(ctx: NetContext, x: Tensor, ops: readonly string[], name: string): Tensor {
  return ctx.graph.scope(name, () => {
    const nodes: Tensor[] = [x];
    for (let to = 1; to <= 3; to++) {
      const terms: Tensor[] = [];
      NB201_EDGES.forEach(([from, target], e) => {
        if (target !== to) return;
        const out = applyNb201Op(ctx, nodes[from]!, ops[e]!, `edge${from}${to}`);
        if (out) terms.push(out);
      });
      let sum = terms[0] ?? mul(x, 0);
      for (let k = 1; k < terms.length; k++) sum = add(sum, terms[k]!);
      nodes.push(sum);
    }
    return nodes[3]!;
  });
}

export function nb201Network(arch: Nb201Arch, config: Nb201NetworkConfig = {}, name = 'nb201'): NetworkSpec {
  const ops = arch.edges;
  const channels = config.channels ?? 16;
  const n = config.cellsPerStage ?? 5;
  const classes = config.classes ?? 10;
  const inputShape = config.inputShape ?? [3, 32, 32];
  return {
    name,
    inputShape,
    classes,
    forward(ctx, input) {
      let x = ctx.graph.scope('stem', () =>
        batchNorm2d(ctx, conv2d(ctx, input, 'conv', { out: channels, kernel: 3, padding: 1 }), 'bn'),
      );
      let cell = 0;
      for (let stage = 0; stage < 3; stage++) {
        const c = channels * 2 ** stage;
        if (stage > 0) x = resnetBasicBlock(ctx, x, `cells/${cell++}`, { out: c, stride: 2 });
        for (let i = 0; i < n; i++) x = nb201Cell(ctx, x, ops, `cells/${cell++}`);
      }
      return bnReluClassifier(ctx, x, classes);
    },
  };
}
