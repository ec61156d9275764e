/**
 * grad_norm (NAS-Bench-Suite-Zero / Abdelfattah et al. 2021): Σ over conv and linear layers of the
 * Euclidean norm of ∂L/∂W, L the mean cross-entropy of one labelled batch of 32 training images at
 * PyTorch-default initialization, BN on batch statistics. Reported as is (higher = better, NASLib's
 * convention; it correlates positively with accuracy on NB201).
 */
import { lossGradPlan } from './net/loss-grads.js';
import { netScorer } from './net/harness.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export const gradNorm: ProxyDefinition = defineProxy({
  name: 'grad_norm',
  direction: 'maximize',
  data: 'labels',
  description: 'Σ_layers ||∂L/∂W||₂ over conv/linear weights, CE loss on 32 images (NASLib); higher = better',
  async create(context) {
    return netScorer(gradNorm, context, lossGradPlan(context, 'grad_norm'));
  },
});
