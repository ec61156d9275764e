/**
 * The DARTS / NAS-Bench-301 network (DARTS' NetworkCIFAR): a 3×3 conv stem to 3C channels with BN,
 * `layers` cells with reduction cells at layers/3 and 2·layers/3 (channels doubled there), each cell
 * preprocessing its two inputs to C channels (factorized reduce when the previous cell reduced, else
 * ReLU-Conv1×1-BN), 4 nodes each summing two ops, and the concat of the 4 nodes as output; then global
 * average pooling and a linear classifier. Optional auxiliary head after the 2/3 reduction (training
 * only) and drop-path on every non-identity op output (training only).
 *
 * Search uses C = 16 and 8 cells; evaluation C = 36 and 20 cells (DARTS-V2: 3,349,342 parameters
 * without the auxiliary head, as DARTS reports).
 */
import type { Tensor } from '../../graph/graph.js';
import type { NetContext, NetworkSpec } from '../../graph/network.js';
import { averagePool } from '../../graph/ops/average-pool.js';
import { concat } from '../../graph/ops/concat.js';
import { flatten } from '../../graph/ops/flatten.js';
import { relu } from '../../graph/ops/relu.js';
import { sum } from '../../graph/ops/sum.js';
import { batchNorm2d } from '../../nn/batch-norm.js';
import { convBn, convBnRelu, factorizedReduce, poolClassifier, reluConvBn } from '../../nn/blocks.js';
import { dropPath } from '../../nn/drop-path.js';
import { linear } from '../../nn/linear.js';
import { conv2d } from '../../nn/conv.js';
import { NaskitError } from '../../util/errors.js';
import { checkNetworkConfig, type NetworkConfig } from '../network-config.js';
import { applyDartsOp, dartsEdgeScope, isIdentity } from './cell-ops.js';
import { INTERMEDIATE_NODES, type DartsArch } from './ops.js';

/** Key of the drop-path probability in `NetContext.options` (overrides `config.dropPath`). */
export const DROP_PATH_PROB_OPTION = 'dropPathProb';

export interface DartsNetworkSpec extends NetworkSpec {
  /** Logits and, when built with `auxiliary` in a training context, the auxiliary head's logits. */
  forwardWithAux(ctx: NetContext, x: Tensor): { logits: Tensor; auxLogits: Tensor | null };
}

export interface DartsCellInfo {
  index: number;
  reduction: boolean;
  /** C of this cell (each node's channels); the cell outputs 4C. */
  channels: number;
}

/** The body of a cell: given the preprocessed inputs s0, s1 (C channels each), return the cell output. */
export type DartsCellBody = (ctx: NetContext, s0: Tensor, s1: Tensor, info: DartsCellInfo) => Tensor;

export interface DartsDims {
  channels: number;
  layers: number;
  classes: number;
  auxiliary: boolean;
  /** BN scale/shift in the cell preprocessing (the body decides for its ops). */
  affine: boolean;
}

export function isReductionCell(index: number, layers: number): boolean {
  return index === Math.floor(layers / 3) || index === Math.floor((2 * layers) / 3);
}

export function dartsSkeleton(
  ctx: NetContext,
  input: Tensor,
  dims: DartsDims,
  body: DartsCellBody,
): { logits: Tensor; auxLogits: Tensor | null } {
  const g = ctx.graph;
  const stem = convBn(ctx, input, 'stem', { out: 3 * dims.channels, kernel: 3, padding: 1 });
  let s0 = stem;
  let s1 = stem;
  let channels = dims.channels;
  let reductionPrev = false;
  let auxLogits: Tensor | null = null;
  const bn = { affine: dims.affine };
  for (let i = 0; i < dims.layers; i++) {
    const reduction = isReductionCell(i, dims.layers);
    if (reduction) channels *= 2;
    const prev = s0;
    const last = s1;
    const out = g.scope(`cells/${i}`, () => {
      const p0 = reductionPrev
        ? factorizedReduce(ctx, prev, 'pre0', { out: channels, bn })
        : reluConvBn(ctx, prev, 'pre0', { out: channels, kernel: 1, padding: 0, bn });
      const p1 = reluConvBn(ctx, last, 'pre1', { out: channels, kernel: 1, padding: 0, bn });
      return body(ctx, p0, p1, { index: i, reduction, channels });
    });
    s0 = s1;
    s1 = out;
    reductionPrev = reduction;
    if (i === Math.floor((2 * dims.layers) / 3) && dims.auxiliary && ctx.training) {
      auxLogits = auxiliaryHead(ctx, s1, dims.classes);
    }
  }
  return { logits: poolClassifier(ctx, s1, dims.classes), auxLogits };
}

/**
 * DARTS' AuxiliaryHeadCIFAR, made for an 8×8 map: ReLU, 5×5 average pool stride 3 (→ 2×2), 1×1 conv
 * to 128 + BN + ReLU, 2×2 conv to 768 + BN + ReLU, linear.
 */
function auxiliaryHead(ctx: NetContext, x: Tensor, classes: number): Tensor {
  const h = x.shape[2]!;
  const w = x.shape[3]!;
  if (h < 8 || h > 10 || w < 8 || w > 10) {
    throw new NaskitError(
      'invalid_config',
      `darts auxiliary head: expects the 2/3-depth feature map to be 8×8 to 10×10 (32×32 input), got ${h}×${w}; ` +
        'build without auxiliary for this input size',
    );
  }
  return ctx.graph.scope('auxiliary', () => {
    let y = averagePool(relu(x), { kernel: 5, strides: 3, pads: 0, countIncludePad: false });
    y = convBnRelu(ctx, y, 'conv1', { out: 128, kernel: 1, padding: 0 });
    y = relu(batchNorm2d(ctx, conv2d(ctx, y, 'conv2', { out: 768, kernel: 2, padding: 0 }), 'bn2'));
    return linear(ctx, flatten(y, 1), 'classifier', classes);
  });
}

/** Drop-path probability of this build: the context's override, else the configured one. */
export function dropPathProb(ctx: NetContext, configured: number): number {
  const override = ctx.options[DROP_PATH_PROB_OPTION];
  if (override === undefined) return configured;
  if (typeof override !== 'number' || !(override >= 0 && override < 1)) {
    throw new NaskitError(
      'invalid_argument',
      `darts: ctx.options.${DROP_PATH_PROB_OPTION} must be a number in [0, 1), got ${String(override)}`,
    );
  }
  return override;
}

/** A genotype cell: node k sums its two ops; the output concatenates the 4 nodes. */
function genotypeCell(arch: DartsArch, dropPathBase: number, affine: boolean): DartsCellBody {
  return (ctx, s0, s1, info) => {
    const edges = info.reduction ? arch.reduce : arch.normal;
    const prob = dropPathProb(ctx, dropPathBase);
    const states: Tensor[] = [s0, s1];
    for (let k = 0; k < INTERMEDIATE_NODES; k++) {
      const terms = [edges[2 * k]!, edges[2 * k + 1]!].map(({ input, op }) => {
        const stride = info.reduction && input < 2 ? 2 : 1;
        const scope = dartsEdgeScope(input, k + 2);
        const h = applyDartsOp(ctx, states[input]!, op, stride, scope, { affine, poolBn: false });
        return prob > 0 && !isIdentity(op, stride) ? dropPath(ctx, h, prob, scope) : h;
      });
      states.push(sum(terms));
    }
    return concat(states.slice(2), 1);
  };
}

/**
 * `SearchSpace.build` for darts: channels = C (36), cells = layers (20); auxiliary, dropPath and
 * affine (BN scale/shift in the cell ops) optional. NASLib's NB301 models: C = 32, 8 cells, affine false.
 */
export function dartsNetwork(arch: DartsArch, config: NetworkConfig, name = 'darts'): DartsNetworkSpec {
  checkNetworkConfig(config, name);
  const dims: DartsDims = {
    channels: config.channels ?? 36,
    layers: config.cells ?? 20,
    classes: config.classes,
    auxiliary: config.auxiliary ?? false,
    affine: true,
  };
  const body = genotypeCell(arch, config.dropPath ?? 0, config.affine ?? true);
  const forwardWithAux = (ctx: NetContext, x: Tensor) => dartsSkeleton(ctx, x, dims, body);
  return {
    name,
    inputShape: config.inputShape,
    classes: config.classes,
    forward: (ctx, x) => forwardWithAux(ctx, x).logits,
    forwardWithAux,
  };
}
