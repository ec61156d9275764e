/**
 * Small layers for predictor networks, built from primitive graph ops: dense (x·W + b, with W stored
 * [in, out] so it also applies to [B, N, in] node features), LayerNorm over the last axis, and the
 * softplus used by the pairwise ranking loss.
 */
import type { Graph, Tensor } from '../graph/graph.js';
import { abs } from '../graph/ops/abs.js';
import { add } from '../graph/ops/add.js';
import { div } from '../graph/ops/div.js';
import { exp } from '../graph/ops/exp.js';
import { log } from '../graph/ops/log.js';
import { matMul } from '../graph/ops/mat-mul.js';
import { mul } from '../graph/ops/mul.js';
import { neg } from '../graph/ops/neg.js';
import { reduceMean } from '../graph/ops/reduce-mean.js';
import { relu } from '../graph/ops/relu.js';
import { reshape } from '../graph/ops/reshape.js';
import { sqrt } from '../graph/ops/sqrt.js';
import { sub } from '../graph/ops/sub.js';

/**
 * x·W + b over the last axis. Weights are drawn U(±1/√out) as in the BRP-NAS GCN ("thomas" init),
 * biases start at zero. Inputs of rank > 2 are flattened to one 2-D product: a broadcast batched MatMul
 * would make the weight gradient a [B, in, out] tensor summed over B, several times slower.
 */
export function dense(g: Graph, x: Tensor, name: string, out: number, bias = true): Tensor {
  const fanIn = x.shape.at(-1)!;
  return g.scope(name, () => {
    const bound = 1 / Math.sqrt(out);
    const w = g.param('weight', [fanIn, out], { init: { kind: 'uniform', low: -bound, high: bound } });
    const flat = x.rank > 2 ? reshape(x, [x.size / fanIn, fanIn]) : x;
    const y2 = matMul(flat, w);
    const y = x.rank > 2 ? reshape(y2, [...x.shape.slice(0, -1), out]) : y2;
    if (!bias) return y;
    return add(y, g.param('bias', [out], { init: { kind: 'zeros' }, noDecay: true }));
  });
}

/** LayerNorm over the last axis with a learned gain and shift (eps 1e-5, as torch.nn.LayerNorm). */
export function layerNorm(g: Graph, x: Tensor, name: string): Tensor {
  const dim = x.shape.at(-1)!;
  return g.scope(name, () => {
    const axis = x.rank - 1;
    const centered = sub(x, reduceMean(x, [axis], true));
    const variance = reduceMean(mul(centered, centered), [axis], true);
    const normed = div(centered, sqrt(add(variance, 1e-5)));
    const gain = g.param('gain', [dim], { init: { kind: 'ones' }, noDecay: true });
    const shift = g.param('shift', [dim], { init: { kind: 'zeros' }, noDecay: true });
    return add(mul(normed, gain), shift);
  });
}

/** log(1 + e^z) in the overflow-free form relu(z) + log(1 + e^-|z|). */
export function softplus(z: Tensor): Tensor {
  return add(relu(z), log(add(exp(neg(abs(z))), 1)));
}
