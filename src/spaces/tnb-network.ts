/**
 * TransNAS-Bench-101 networks for classification-style tasks (class_scene, class_object and the like):
 * TNB's MacroNet encoder with its FFDecoder head, built from the rules of TNB's `net_macro.py`,
 * `cell_micro.py` and `cell_ops.py`.
 *
 * Encoder: stem = 3×3 stride-2 conv to C/2 + BN, then ReLU-Conv3×3(stride 2)-BN to C; then one layer
 * per block digit (1 keep, 2 double channels, 3 halve resolution, 4 both), each of `cellsPerLayer`
 * cells (2 in the benchmark), the first with the layer's stride and channel change. Micro space: the
 * skeleton is fixed to 4-1-4-1-4 and every cell is the architecture's 4-node cell; macro space: the
 * cells are ResNet basic blocks. Head: global average pooling and a linear layer. Convs use TNB's
 * He-normal initialisation over fan-out.
 *
 * Parameter names: `stem/…`, `layers/<l>/<c>/…` (micro: `edge<i><j>/<op>/…`), `classifier/…`.
 */
import type { Tensor } from '../graph/graph.js';
import type { InitSpec } from '../graph/init-spec.js';
import type { NetContext, NetworkSpec } from '../graph/network.js';
import { add } from '../graph/ops/add.js';
import { sum } from '../graph/ops/sum.js';
import { zeros } from '../graph/ops/zeros.js';
import { convBn, factorizedReduce, poolClassifier, reluConvBn, zeroOp } from '../nn/blocks.js';
import { NaskitError } from '../util/errors.js';
import { CELL_EDGES } from './cell-dag.js';
import { checkNetworkConfig, rejectUnused, type NetworkConfig } from './network-config.js';

/** kaiming_normal_(mode='fan_out', nonlinearity='relu'), as TNB initialises every conv. */
export function tnbConvInit(cin: number, cout: number, kernel: number): InitSpec {
  return {
    kind: 'kaimingNormal',
    fanIn: cin * kernel * kernel,
    fanOut: cout * kernel * kernel,
    mode: 'fanOut',
    gain: Math.SQRT2,
  };
}

interface CellShape {
  cin: number;
  cout: number;
  stride: number;
}

type TnbCell = (ctx: NetContext, x: Tensor, name: string, shape: CellShape) => Tensor;

/** TNB's ResNetBasicblock: two ReLU-Conv3×3-BN, shortcut Conv1×1(stride)-BN when the shape changes. */
export const tnbBasicBlock: TnbCell = (ctx, x, name, { cin, cout, stride }) =>
  ctx.graph.scope(name, () => {
    const a = reluConvBn(ctx, x, 'conv_a', {
      out: cout,
      kernel: 3,
      stride,
      padding: 1,
      init: tnbConvInit(cin, cout, 3),
    });
    const b = reluConvBn(ctx, a, 'conv_b', {
      out: cout,
      kernel: 3,
      padding: 1,
      init: tnbConvInit(cout, cout, 3),
    });
    const shortcut =
      stride !== 1 || cin !== cout
        ? convBn(ctx, x, 'downsample', {
            out: cout,
            kernel: 1,
            stride,
            padding: 0,
            init: tnbConvInit(cin, cout, 1),
          })
        : x;
    return add(shortcut, b);
  });

/** One op of a micro cell edge; null for `zero` (it adds nothing to the node's sum). */
function microOp(
  ctx: NetContext,
  x: Tensor,
  op: string,
  name: string,
  { cin, cout, stride }: CellShape,
): Tensor | null {
  switch (op) {
    case 'zero':
      return null;
    case 'skip':
      if (stride === 1 && cin === cout) return x;
      if (stride !== 2) {
        throw new NaskitError(
          'invalid_config',
          `tnb101 cell: a skip from ${cin} to ${cout} channels at stride 1 is not defined`,
        );
      }
      return factorizedReduce(ctx, x, `${name}/${op}`, {
        out: cout,
        init: tnbConvInit(cin, Math.floor(cout / 2), 1),
      });
    case 'conv1x1':
      return reluConvBn(ctx, x, `${name}/${op}`, {
        out: cout,
        kernel: 1,
        stride,
        padding: 0,
        init: tnbConvInit(cin, cout, 1),
      });
    case 'conv3x3':
      return reluConvBn(ctx, x, `${name}/${op}`, {
        out: cout,
        kernel: 3,
        stride,
        padding: 1,
        init: tnbConvInit(cin, cout, 3),
      });
    default:
      throw new NaskitError('invalid_arch', `tnb101 micro: unknown op '${op}'`);
  }
}

/**
 * TNB's MicroCell: node j sums op(i→j)(node i) over i < j; edges out of the cell input carry the
 * cell's stride and channel change, the others keep C_out. A node whose inputs are all `zero` is zero.
 */
export function tnbMicroCell(edgeOps: readonly string[]): TnbCell {
  return (ctx, x, name, shape) =>
    ctx.graph.scope(name, () => {
      const nodes: Tensor[] = [x];
      for (let to = 1; to <= 3; to++) {
        const terms: Tensor[] = [];
        CELL_EDGES.forEach(({ from, to: target }, e) => {
          if (target !== to) return;
          const edgeShape = from === 0 ? shape : { cin: shape.cout, cout: shape.cout, stride: 1 };
          const out = microOp(ctx, nodes[from]!, edgeOps[e]!, `edge${from}${to}`, edgeShape);
          if (out) terms.push(out);
        });
        nodes.push(terms.length > 0 ? sum(terms) : zerosOfCell(x, shape));
      }
      return nodes[3]!;
    });
}

/** Zeros shaped like the cell's output (TNB's Zero op: x·0 when the shape is kept). */
function zerosOfCell(x: Tensor, { cin, cout, stride }: CellShape): Tensor {
  if (cin === cout) return zeroOp(x, stride);
  const [b, , h, w] = x.shape;
  return zeros(x.graph, [b!, cout, Math.ceil(h! / stride), Math.ceil(w! / stride)], x.dtype);
}

export interface TnbNetworkOptions {
  /** Block digits 1..4, one layer each. */
  blocks: readonly number[];
  cell: TnbCell;
  name: string;
}

export function tnbNetwork(config: NetworkConfig, options: TnbNetworkOptions): NetworkSpec {
  checkNetworkConfig(config, options.name);
  rejectUnused(config, options.name, ['auxiliary', 'dropPath', 'affine']);
  const base = config.channels ?? 64;
  const cellsPerLayer = config.cells ?? 2;
  if (base % 2 !== 0) {
    throw new NaskitError(
      'invalid_config',
      `${options.name}: channels must be even (the stem has channels/2), got ${base}`,
    );
  }
  const { classes, inputShape } = config;
  return {
    name: options.name,
    inputShape,
    classes,
    forward(ctx, input) {
      let x = ctx.graph.scope('stem', () => {
        const half = base / 2;
        const y = convBn(ctx, input, 'conv', {
          out: half,
          kernel: 3,
          stride: 2,
          padding: 1,
          init: tnbConvInit(inputShape[0], half, 3),
        });
        return reluConvBn(ctx, y, 'relu_conv_bn', {
          out: base,
          kernel: 3,
          stride: 2,
          padding: 1,
          init: tnbConvInit(half, base, 3),
        });
      });
      let channels = base;
      options.blocks.forEach((digit, layer) => {
        const cout = digit % 2 === 0 ? channels * 2 : channels;
        const stride = digit > 2 ? 2 : 1;
        for (let c = 0; c < cellsPerLayer; c++) {
          const shape = c === 0 ? { cin: channels, cout, stride } : { cin: cout, cout, stride: 1 };
          x = options.cell(ctx, x, `layers/${layer}/${c}`, shape);
        }
        channels = cout;
      });
      return poolClassifier(ctx, x, classes);
    },
  };
}
