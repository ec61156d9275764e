/**
 * plain (NAS-Bench-Suite-Zero): Σ over conv and linear weights of W ⊙ ∂L/∂W (signed), L the mean
 * cross-entropy of one labelled batch of 32 images at PyTorch-default initialization. Reported with
 * NASLib's sign (higher = "better" by its convention), although on NB201 it correlates negatively
 * with accuracy (NAS-Bench-Suite-Zero reports ρ ≈ −0.26).
 */
import { lossGradPlan } from './net/loss-grads.js';
import { netScorer } from './net/harness.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export const plain: ProxyDefinition = defineProxy({
  name: 'plain',
  direction: 'maximize',
  data: 'labels',
  description: 'Σ W ⊙ ∂L/∂W over conv/linear weights (NASLib sign; correlates negatively on NB201)',
  async create(context) {
    return netScorer(plain, context, lossGradPlan(context, 'plain'));
  },
});
