/**
 * snip (Lee et al. 2019, in NAS-Bench-Suite-Zero form): Σ over conv and linear weights of
 * |W ⊙ ∂L/∂W| (the gradient w.r.t. a unit mask on each weight), L the mean cross-entropy of one
 * labelled batch of 32 training images at PyTorch-default initialization. Higher = better.
 */
import { lossGradPlan } from './net/loss-grads.js';
import { netScorer } from './net/harness.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export const snip: ProxyDefinition = defineProxy({
  name: 'snip',
  direction: 'maximize',
  data: 'labels',
  description: 'Σ |W ⊙ ∂L/∂W| over conv/linear weights, CE loss on 32 images (NASLib); higher = better',
  async create(context) {
    return netScorer(snip, context, lossGradPlan(context, 'snip'));
  },
});
