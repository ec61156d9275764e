/** Fully connected layer with PyTorch's layout (weight [out, in]) and default initialisation. */
import type { Tensor } from '../graph/graph.js';
import type { NetContext } from '../graph/network.js';
import { gemm } from '../graph/ops/gemm.js';
import { torchDefaultInit } from './conv.js';

export function linear(ctx: NetContext, x: Tensor, name: string, out: number, bias = true): Tensor {
  const g = ctx.graph;
  const fanIn = x.shape[1]!;
  return g.scope(name, () => {
    const w = g.param('weight', [out, fanIn], { init: torchDefaultInit(fanIn, out) });
    const b = bias
      ? g.param('bias', [out], {
          init: { kind: 'uniform', low: -1 / Math.sqrt(fanIn), high: 1 / Math.sqrt(fanIn) },
          noDecay: true,
        })
      : null;
    return gemm(x, w, b, { transB: true });
  });
}
