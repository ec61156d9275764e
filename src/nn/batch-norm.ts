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

/** The parameters and running statistics batchNorm2d declares for `c` channels under `name`. */
export interface BatchNormParams {
  scale: Tensor;
  bias: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
}

export function batchNormParams(
  ctx: NetContext,
  c: number,
  name: string,
  options: BatchNormOptions = {},
): BatchNormParams {
  const g = ctx.graph;
  const affine = options.affine ?? true;
  return g.scope(name, () => ({
    scale: affine
      ? g.param('weight', [c], { init: { kind: 'ones' }, noDecay: true })
      : g.constant(new Float32Array(c).fill(1), [c], 'unit_scale'),
    bias: affine
      ? g.param('bias', [c], { init: { kind: 'zeros' }, noDecay: true })
      : g.constant(new Float32Array(c), [c], 'zero_bias'),
    runningMean: g.param('running_mean', [c], { init: { kind: 'zeros' }, trainable: false }),
    runningVar: g.param('running_var', [c], { init: { kind: 'ones' }, trainable: false }),
  }));
}

/** BN of x with the given parameters, in the context's mode; the caller records the state updates. */
export function applyBatchNorm(
  ctx: NetContext,
  x: Tensor,
  p: BatchNormParams,
  options: BatchNormOptions = {},
): ReturnType<typeof batchNorm> {
  return batchNorm(x, p.scale, p.bias, p.runningMean, p.runningVar, {
    training: ctx.training,
    epsilon: options.eps ?? 1e-5,
    momentum: options.momentum ?? 0.1,
  });
}

export function batchNorm2d(
  ctx: NetContext,
  x: Tensor,
  name: string,
  options: BatchNormOptions = {},
): Tensor {
  const p = batchNormParams(ctx, x.shape[1]!, name, options);
  const out = ctx.graph.scope(name, () => applyBatchNorm(ctx, x, p, options));
  if (ctx.training && out.runningMean && out.runningVar) {
    ctx.stateUpdates.set(p.runningMean.name, out.runningMean);
    ctx.stateUpdates.set(p.runningVar.name, out.runningVar);
  }
  return out.y;
}
