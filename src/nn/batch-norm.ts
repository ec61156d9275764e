/**
 * BatchNorm2d with PyTorch's defaults (eps 1e-5, momentum 0.1, affine). In a training context it
 * normalises with batch statistics and records the running-stat updates in `ctx.stateUpdates`;
 * otherwise it uses the running statistics.
 */
import type { Tensor } from '../graph/graph.js';
import type { NetContext } from '../graph/network.js';
import { batchNorm } from '../graph/ops/batch-normalization.js';

export interface BatchNormOptions {
  affine?: boolean;
  eps?: number;
  momentum?: number;
}

export function batchNorm2d(
  ctx: NetContext,
  x: Tensor,
  name: string,
  options: BatchNormOptions = {},
): Tensor {
  const g = ctx.graph;
  const c = x.shape[1]!;
  const affine = options.affine ?? true;
  return g.scope(name, () => {
    // Without affine, scale and bias are fixed constants rather than parameters (as PyTorch).
    const scale = affine
      ? g.param('weight', [c], { init: { kind: 'ones' }, noDecay: true })
      : g.constant(new Float32Array(c).fill(1), [c], 'unit_scale');
    const bias = affine
      ? g.param('bias', [c], { init: { kind: 'zeros' }, noDecay: true })
      : g.constant(new Float32Array(c), [c], 'zero_bias');
    const runningMean = g.param('running_mean', [c], { init: { kind: 'zeros' }, trainable: false });
    const runningVar = g.param('running_var', [c], { init: { kind: 'ones' }, trainable: false });
    const out = batchNorm(x, scale, bias, runningMean, runningVar, {
      training: ctx.training,
      epsilon: options.eps ?? 1e-5,
      momentum: options.momentum ?? 0.1,
    });
    if (ctx.training && out.runningMean && out.runningVar) {
      ctx.stateUpdates.set(runningMean.name, out.runningMean);
      ctx.stateUpdates.set(runningVar.name, out.runningVar);
    }
    return out.y;
  });
}
