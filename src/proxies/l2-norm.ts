/**
 * l2_norm (NAS-Bench-Suite-Zero): Σ over conv and linear layers of the Euclidean norm of the weight at
 * PyTorch-default initialization (seeded by the proxy seed and the architecture). Higher = better.
 */
import { ParamStore } from '../runtime/params.js';
import { Rng } from '../util/rng.js';
import { findLayers } from './net/harness.js';
import { staticScorer } from './net/static.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export const l2Norm: ProxyDefinition = defineProxy({
  name: 'l2_norm',
  direction: 'maximize',
  data: 'none',
  description: 'Σ_layers ||W||₂ of conv/linear weights at default init; higher = better',
  async create(context) {
    return staticScorer(l2Norm, context, (graph, arch) => {
      const store = ParamStore.fromGraph(graph, new Rng(context.seed).fork(context.space.key(arch)));
      let total = 0;
      for (const layer of findLayers(graph)) {
        let ss = 0;
        for (const w of store.get(layer.weight.name)) ss += w * w;
        total += Math.sqrt(ss);
      }
      return total;
    });
  },
});
