/**
 * The one program behind grad_norm, snip, plain and fisher: forward in training mode (batch-statistics
 * BN) on one labelled batch, mean cross-entropy L, and one backward pass giving ∂L/∂W for every conv /
 * linear weight and ∂L/∂a for every layer output a. One run yields all four scores (shared between
 * the four proxies, so an evaluation of all of them runs each architecture once).
 */
import type { NetworkSpec } from '../../graph/network.js';
import type { Tensor } from '../../graph/graph.js';
import { grad } from '../../graph/autodiff.js';
import { mul } from '../../graph/ops/mul.js';
import { reduceSum } from '../../graph/ops/reduce-sum.js';
import { softmaxCrossEntropy } from '../../graph/ops/softmax-cross-entropy.js';
import type { ProxyContext } from '../proxy.js';
import {
  batchFeeds,
  buildForward,
  recallShared,
  rememberShared,
  sharedKey,
  sumOverLayers,
  type ArchRun,
  type Layer,
  type NetProxyPlan,
} from './harness.js';

/**
 * One batch of 32 training images: NAS-Bench-Suite-Zero's runner config (naslib/runners/zc/
 * zc_config.yaml, batch_size: 32), which its published scores match (e.g. nwot ≈ ln|det| of a 32×32
 * kernel); the 2021 zero-cost paper used 64.
 */
export const NASLIB_BATCH = 32;

export type LossGradScore = 'grad_norm' | 'snip' | 'plain' | 'fisher';

interface Built {
  layers: Layer[];
}

/** All four scores from one run's outputs. */
function scores(run: ArchRun<Built>, out: Record<string, unknown>): Record<LossGradScore, number> {
  const layers = run.compiled.built.layers;
  const grads = layers.map((_, i) => out[`grad${i}`] as Float32Array);
  const over = (f: (layer: Layer, w: Float32Array, g: Float32Array, i: number) => number) =>
    sumOverLayers(layers, run.network, (layer, i) =>
      f(layer, run.store.get(layer.weight.name), grads[i]!, i),
    );
  return {
    // Σ_layers ||∂L/∂W||₂
    grad_norm: over((_, __, g) => Math.sqrt(g.reduce((s, x) => s + x * x, 0))),
    // Σ |W ⊙ ∂L/∂W| (the gradient w.r.t. a unit mask)
    snip: over((_, w, g) => w.reduce((s, x, k) => s + Math.abs(x * g[k]!), 0)),
    // Σ W ⊙ ∂L/∂W
    plain: over((_, w, g) => w.reduce((s, x, k) => s + x * g[k]!, 0)),
    // Σ_channels 0.5·mean_n(Σ_hw a·∂L/∂a)², broadcast over the channel's fan-in weights
    fisher: over((layer, _, __, i) => {
      const ag = out[`ag${i}`] as Float32Array;
      const channels = layer.weight.shape[0]!;
      const n = ag.length / channels;
      let total = 0;
      for (let k = 0; k < channels; k++) {
        let ss = 0;
        for (let s = 0; s < n; s++) ss += ag[s * channels + k]! ** 2;
        total += 0.5 * (ss / n) * layer.fanIn;
      }
      return total;
    }),
  };
}

export function lossGradPlan(context: ProxyContext, which: LossGradScore): NetProxyPlan<Built> {
  const key = (arch: unknown) => sharedKey(context, 'loss-grads', arch, NASLIB_BATCH);
  return {
    build(net: NetworkSpec) {
      const pg = buildForward(net, NASLIB_BATCH, true);
      const loss = softmaxCrossEntropy(pg.logits, pg.labels, { reduction: 'mean' });
      const weights = pg.layers.map((l) => l.weight);
      const acts = pg.layers.map((l) => l.output);
      const grads = grad(loss, [...weights, ...acts], { allowUnused: true });
      // Σ over positions of a·∂L/∂a → [N, C] per layer (linear outputs are [N, C] already).
      const ag = acts.map((a, i) => {
        const prod = mul(a, grads[weights.length + i]!);
        return a.rank === 4 ? reduceSum(prod, [2, 3]) : prod;
      });
      const outputs: Tensor[] = [...grads.slice(0, weights.length), ...ag];
      const names = [...weights.map((_, i) => `grad${i}`), ...ag.map((_, i) => `ag${i}`)];
      return { graph: pg.graph, outputs, names, built: { layers: pg.layers } };
    },
    known: (arch) => recallShared(key(arch), which),
    async score(run, arch) {
      const all = scores(run, await run.run(batchFeeds(context.batch(NASLIB_BATCH))));
      rememberShared(key(arch), all);
      return all[which];
    },
  };
}
