/**
 * params: trainable parameters of the benchmark network in millions (conv and linear weights and
 * biases, BN scale and shift), as NAS-Bench-Suite-Zero reports. Higher = better (NASLib convention).
 */
import { staticScorer } from './net/static.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export const params: ProxyDefinition = defineProxy({
  name: 'params',
  direction: 'maximize',
  data: 'none',
  description: 'trainable parameters of the network, millions; higher = better',
  async create(context) {
    return staticScorer(params, context, (graph) => {
      let n = 0;
      for (const p of graph.trainableParams()) n += p.size;
      return n / 1e6;
    });
  },
});
