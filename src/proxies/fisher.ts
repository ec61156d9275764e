/**
 * fisher (Turner et al. 2020, in NAS-Bench-Suite-Zero form): for every conv / linear layer with output
 * activation a (before BN) and g = ∂L/∂a, per sample n and channel k the sum over positions of a·g,
 * then 0.5 · mean_n (Σ a·g)² per channel; NASLib broadcasts each channel's value over that channel's
 * weights, so the score is Σ_layers Σ_k 0.5·mean_n(·)² × (weights per output channel). L is the mean
 * cross-entropy of one labelled batch of 32 images. Higher = better.
 */
import { netScorer } from './net/harness.js';
import { lossGradPlan } from './net/loss-grads.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export const fisher: ProxyDefinition = defineProxy({
  name: 'fisher',
  direction: 'maximize',
  data: 'labels',
  description:
    'Σ_layers Σ_channels 0.5·mean_n(Σ_hw a·∂L/∂a)² × fan-in, CE loss on 32 images (NASLib); higher = better',
  async create(context) {
    return netScorer(fisher, context, lossGradPlan(context, 'fisher'));
  },
});
