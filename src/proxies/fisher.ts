/**
 * fisher (Turner et al. 2020, in NAS-Bench-Suite-Zero form): for every conv / linear layer with output
 * activation a (before BN) and g = ∂L/∂a, per sample n and channel k the sum over positions of a·g,
 * then 0.5 · mean_n (Σ a·g)² per channel; NASLib broadcasts each channel's value over that channel's
 * weights, so the score is Σ_layers Σ_k 0.5·mean_n(·)² × (weights per output channel). L is the mean
 * cross-entropy of one labelled batch of 64 images. Higher = better.
 */
import type { NetworkSpec } from '../graph/network.js';
import { grad } from '../graph/autodiff.js';
import { mul } from '../graph/ops/mul.js';
import { reduceSum } from '../graph/ops/reduce-sum.js';
import { softmaxCrossEntropy } from '../graph/ops/softmax-cross-entropy.js';
import { batchFeeds, buildForward, netScorer, sumOverLayers, type Layer } from './net/harness.js';
import { NASLIB_BATCH } from './net/loss-grads.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export const fisher: ProxyDefinition = defineProxy({
  name: 'fisher',
  direction: 'maximize',
  data: 'labels',
  description:
    'Σ_layers Σ_channels 0.5·mean_n(Σ_hw a·∂L/∂a)² × fan-in, CE loss on 64 images (NASLib); higher = better',
  async create(context) {
    return netScorer(fisher, context, {
      build(net: NetworkSpec) {
        const pg = buildForward(net, NASLIB_BATCH, true);
        const loss = softmaxCrossEntropy(pg.logits, pg.labels, { reduction: 'mean' });
        const acts = pg.layers.map((l) => l.output);
        const grads = grad(loss, acts, { allowUnused: true });
        // Σ over spatial positions of a·g → [N, C] per layer (linear layers are already [N, C]).
        const outputs = acts.map((a, i) => {
          const prod = mul(a, grads[i]!);
          return a.rank === 4 ? reduceSum(prod, [2, 3]) : prod;
        });
        return {
          graph: pg.graph,
          outputs,
          names: outputs.map((_, i) => `ag${i}`),
          built: { layers: pg.layers },
        };
      },
      async score(run) {
        const out = await run.run(batchFeeds(context.batch(NASLIB_BATCH)));
        const layers: Layer[] = run.compiled.built.layers;
        return sumOverLayers(layers, run.network, (layer, i) => {
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
        });
      },
    });
  },
});
