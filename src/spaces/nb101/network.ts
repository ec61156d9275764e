/**
 * The NAS-Bench-101 network as the benchmark built it (rules learned from nasbench's model_builder,
 * written anew): a 3×3 conv-BN-ReLU stem with 128 channels, 3 stacks of 3 modules (cells), a 2×2
 * stride-2 max-pool before stacks 2 and 3 that also doubles the channel count, global average pooling
 * and a dense layer with bias.
 *
 * Inside a module (on the pruned spec), vertex channels follow `vertexChannels`; a vertex sums its
 * interior inputs (truncated to its channel count) and a 1×1 conv-BN-ReLU projection of the module
 * input when the input feeds it, then applies its op; the output concatenates the vertices that feed
 * it, plus a projection of the input when the input feeds the output directly.
 *
 * The vertex order matters: an uneven split gives its extra channels to the first vertices feeding the
 * output, so two orderings of one module (same hash) can differ slightly in size; the network follows
 * the order of the given cell, as nasbench did for the cell it trained.
 *
 * BN uses TF's momentum 0.997 (running = 0.997·running + 0.003·batch, i.e. PyTorch momentum 0.003)
 * and eps 1e-5. Initialisation: convs He-normal with gain 1 over fan-in (TF's variance_scaling default
 * draws a truncated normal of that scale), the dense layer Glorot-uniform as in tf.layers.dense.
 */
import type { Tensor } from '../../graph/graph.js';
import type { NetContext, NetworkSpec } from '../../graph/network.js';
import { concat } from '../../graph/ops/concat.js';
import { flatten } from '../../graph/ops/flatten.js';
import { globalAveragePool } from '../../graph/ops/global-average-pool.js';
import { maxPool } from '../../graph/ops/max-pool.js';
import { slice } from '../../graph/ops/slice.js';
import { sum } from '../../graph/ops/sum.js';
import { gemm } from '../../graph/ops/gemm.js';
import { convBnRelu, maxPool3x3 } from '../../nn/blocks.js';
import { NaskitError } from '../../util/errors.js';
import { checkNetworkConfig, rejectUnused, type NetworkConfig } from '../network-config.js';
import type { Nb101Arch } from './ops.js';
import { validate, type PrunedSpec } from './spec.js';

const BN = { momentum: 0.003, eps: 1e-5 };

/**
 * Output channels of every vertex of a pruned module (nasbench's compute_vertex_channels rule): the
 * output's channels are split evenly over the vertices feeding it (the first `remainder` of them get one
 * more), every other interior vertex takes the largest count among the interior vertices it feeds.
 */
export function vertexChannels(
  inputChannels: number,
  outputChannels: number,
  matrix: readonly (readonly number[])[],
): number[] {
  const n = matrix.length;
  const channels = new Array<number>(n).fill(0);
  channels[0] = inputChannels;
  channels[n - 1] = outputChannels;
  if (n === 2) return channels;
  const out = n - 1;
  let feeders = 0;
  for (let v = 1; v < out; v++) feeders += matrix[v]![out]!;
  const share = Math.floor(outputChannels / feeders);
  let remainder = outputChannels % feeders;
  for (let v = 1; v < out; v++) {
    if (!matrix[v]![out]) continue;
    channels[v] = share + (remainder > 0 ? 1 : 0);
    if (remainder > 0) remainder--;
  }
  for (let v = n - 3; v >= 1; v--) {
    if (matrix[v]![out]) continue;
    for (let dst = v + 1; dst < out; dst++)
      if (matrix[v]![dst]) channels[v] = Math.max(channels[v]!, channels[dst]!);
  }
  for (let v = 1; v < out; v++) {
    if (channels[v]! < 1) {
      throw new NaskitError(
        'invalid_config',
        `nb101 module with ${outputChannels} output channels: vertex ${v} gets ${channels[v]} channels ` +
          `(the output is split over ${feeders} vertices); use more channels`,
      );
    }
  }
  return channels;
}

/** 1×1 conv-BN-ReLU of the module input (nasbench's `projection`). */
function projection(ctx: NetContext, x: Tensor, name: string, channels: number): Tensor {
  return convBnRelu(ctx, x, name, {
    out: channels,
    kernel: 1,
    padding: 0,
    bn: BN,
    init: heNormal(x.shape[1]!, channels, 1),
  });
}

function heNormal(cin: number, cout: number, k: number) {
  return { kind: 'kaimingNormal' as const, fanIn: cin * k * k, fanOut: cout * k * k, gain: 1 };
}

/** Keep the first `channels` channels (interior vertices may carry one more than the vertex they feed). */
function truncate(x: Tensor, channels: number): Tensor {
  const c = x.shape[1]!;
  return c === channels ? x : slice(x, [1], [0], [channels]);
}

function applyVertexOp(ctx: NetContext, x: Tensor, op: string, channels: number, name: string): Tensor {
  const cin = x.shape[1]!;
  switch (op) {
    case 'conv3x3-bn-relu':
      return convBnRelu(ctx, x, name, {
        out: channels,
        kernel: 3,
        padding: 1,
        bn: BN,
        init: heNormal(cin, channels, 3),
      });
    case 'conv1x1-bn-relu':
      return convBnRelu(ctx, x, name, {
        out: channels,
        kernel: 1,
        padding: 0,
        bn: BN,
        init: heNormal(cin, channels, 1),
      });
    case 'maxpool3x3':
      return maxPool3x3(x, 1);
    default:
      throw new NaskitError('invalid_arch', `nb101: vertex op '${op}' has no network op`);
  }
}

/** One module on a pruned spec, `channels` output channels. Parameter scopes follow nasbench's names. */
export function nb101Module(
  ctx: NetContext,
  input: Tensor,
  spec: PrunedSpec,
  channels: number,
  name: string,
): Tensor {
  return ctx.graph.scope(name, () => {
    const { matrix, ops } = spec;
    const n = matrix.length;
    const out = n - 1;
    const vc = vertexChannels(input.shape[1]!, channels, matrix);
    const tensors: Tensor[] = [input];
    const toOutput: Tensor[] = [];
    for (let t = 1; t < out; t++) {
      const addIn: Tensor[] = [];
      for (let src = 1; src < t; src++) if (matrix[src]![t]) addIn.push(truncate(tensors[src]!, vc[t]!));
      if (matrix[0]![t]) addIn.push(projection(ctx, input, `vertex_${t}/projection`, vc[t]!));
      const value = applyVertexOp(ctx, sum(addIn), ops[t]!, vc[t]!, `vertex_${t}/op`);
      tensors.push(value);
      if (matrix[t]![out]) toOutput.push(value);
    }
    if (toOutput.length === 0) return projection(ctx, input, 'output/projection', channels);
    const joined = toOutput.length === 1 ? toOutput[0]! : concat(toOutput, 1);
    return matrix[0]![out] ? sum([joined, projection(ctx, input, 'output/projection', channels)]) : joined;
  });
}

/** 2×2 stride-2 max-pool with TF 'same' padding: an odd size gets one padded row/column at the end. */
function downsample(x: Tensor): Tensor {
  const h = x.shape[2]!;
  const w = x.shape[3]!;
  return maxPool(x, { kernel: 2, strides: 2, pads: [0, 0, h % 2, w % 2] });
}

export interface Nb101Dims {
  stemChannels: number;
  modulesPerStack: number;
  stacks: number;
}

export function nb101Network(arch: Nb101Arch, config: NetworkConfig, name = 'nb101'): NetworkSpec {
  checkNetworkConfig(config, name);
  rejectUnused(config, name, ['auxiliary', 'dropPath', 'affine']);
  const spec = validate(arch, JSON.stringify({ matrix: arch.matrix, ops: arch.ops }));
  const { classes, inputShape } = config;
  const dims: Nb101Dims = {
    stemChannels: config.channels ?? 128,
    modulesPerStack: config.cells ?? 3,
    stacks: 3,
  };
  return {
    name,
    inputShape,
    classes,
    forward(ctx, input) {
      const g = ctx.graph;
      let x = convBnRelu(ctx, input, 'stem', {
        out: dims.stemChannels,
        kernel: 3,
        padding: 1,
        bn: BN,
        init: heNormal(inputShape[0], dims.stemChannels, 3),
      });
      let channels = dims.stemChannels;
      for (let stack = 0; stack < dims.stacks; stack++) {
        if (stack > 0) {
          x = downsample(x);
          channels *= 2;
        }
        for (let m = 0; m < dims.modulesPerStack; m++)
          x = nb101Module(ctx, x, spec, channels, `stack${stack}/module${m}`);
      }
      const pooled = flatten(globalAveragePool(x), 1);
      return g.scope('dense', () => {
        const fanIn = pooled.shape[1]!;
        const w = g.param('weight', [classes, fanIn], {
          init: { kind: 'xavierUniform', fanIn, fanOut: classes },
        });
        const b = g.param('bias', [classes], { init: { kind: 'zeros' }, noDecay: true });
        return gemm(pooled, w, b, { transB: true });
      });
    },
  };
}
