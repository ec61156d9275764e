/**
 * flops: forward multiply-accumulates of the conv and linear layers for one image, in millions (the
 * usual NB201 "FLOPs"; NASLib's tensorwatch count also adds BN/ReLU elements, which shifts values but
 * hardly the ranking). Higher = better (NASLib convention).
 */
import { staticScorer } from './net/static.js';
import { findLayers } from './net/harness.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export const flops: ProxyDefinition = defineProxy({
  name: 'flops',
  direction: 'maximize',
  data: 'none',
  description: 'multiply-accumulates of conv/linear layers per image, millions; higher = better',
  async create(context) {
    return staticScorer(flops, context, (graph) => {
      let macs = 0;
      for (const layer of findLayers(graph)) {
        // Each output element of a conv reads Cin/group·kh·kw weights; a linear output reads `in`.
        macs += layer.output.size * layer.fanIn;
        if (layer.kind === 'linear') macs += layer.output.size; // bias, counted as NB201's tables do
      }
      return macs / 1e6;
    });
  },
});
