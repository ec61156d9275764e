/**
 * The DARTS candidate ops on one cell edge (DARTS' OPS table): 3×3 max / average pooling (padding not
 * counted), skip_connect (identity, or factorized reduce at stride 2), separable convs 3×3 / 5×5 and
 * dilated convs 3×3 / 5×5 (dilation 2), all keeping the channel count. `none` (the search-only zero
 * op) is handled by the callers. Parameters live under `<edge scope>/<op>/…`, the same in the network
 * and the supernet.
 */
import type { Tensor } from '../../graph/graph.js';
import type { NetContext } from '../../graph/network.js';
import { batchNorm2d } from '../../nn/batch-norm.js';
import { avgPool3x3, dilConv, factorizedReduce, maxPool3x3, sepConv } from '../../nn/blocks.js';
import { NaskitError } from '../../util/errors.js';
import { DARTS_OPS } from './ops.js';

export interface DartsOpOptions {
  /** BN scale/shift inside the ops (true in evaluation networks, false in the DARTS search). */
  affine: boolean;
  /** Follow pooling by a non-affine BN, as DARTS' MixedOp does (supernets only). */
  poolBn: boolean;
}

/** Scope of the edge from state `from` into node `to` (DARTS numbering: 0, 1 inputs; 2..5 nodes). */
export function dartsEdgeScope(from: number, to: number): string {
  return `edge_${from}_${to}`;
}

export function applyDartsOp(
  ctx: NetContext,
  x: Tensor,
  op: string,
  stride: number,
  edgeScope: string,
  options: DartsOpOptions,
): Tensor {
  const c = x.shape[1]!;
  const bn = { affine: options.affine };
  const scope = `${edgeScope}/${op}`;
  const pooled = (y: Tensor): Tensor =>
    options.poolBn ? batchNorm2d(ctx, y, `${scope}/bn`, { affine: false }) : y;
  switch (op) {
    case 'max_pool_3x3':
      return pooled(maxPool3x3(x, stride));
    case 'avg_pool_3x3':
      return pooled(avgPool3x3(x, stride));
    case 'skip_connect':
      return stride === 1 ? x : factorizedReduce(ctx, x, scope, { out: c, bn });
    case 'sep_conv_3x3':
      return sepConv(ctx, x, scope, { out: c, kernel: 3, stride, bn });
    case 'sep_conv_5x5':
      return sepConv(ctx, x, scope, { out: c, kernel: 5, stride, bn });
    case 'dil_conv_3x3':
      return dilConv(ctx, x, scope, { out: c, kernel: 3, stride, dilation: 2, bn });
    case 'dil_conv_5x5':
      return dilConv(ctx, x, scope, { out: c, kernel: 5, stride, dilation: 2, bn });
    default:
      throw new NaskitError(
        'invalid_arch',
        `darts: op '${op}' has no network op (ops: ${DARTS_OPS.join(', ')})`,
      );
  }
}

/** DARTS applies drop-path to every op output except a plain identity. */
export function isIdentity(op: string, stride: number): boolean {
  return op === 'skip_connect' && stride === 1;
}
