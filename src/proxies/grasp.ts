/**
 * grasp (Wang et al. 2020, NAS-Bench-Suite-Zero form): with L the mean cross-entropy of one labelled
 * batch of 32 images, g = ∂L/∂W (held constant) and Hg the Hessian-gradient product,
 * score = Σ over conv / linear weights of −W ⊙ Hg. Higher = better (NASLib's sign).
 *
 * Hg is a central difference of ∂L/∂W along g with the ReLU pattern frozen (net/loss-grads.ts): two
 * more runs of the first-order program snip, grad_norm, fisher and plain use, instead of NASLib's
 * double backpropagation, whose program took 7-12 s per NB201 cell to compile (net/grasp-exact.ts
 * keeps it as the reference the tests compare with).
 */
import { netScorer } from './net/harness.js';
import { lossGradPlan } from './net/loss-grads.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export const grasp: ProxyDefinition = defineProxy({
  name: 'grasp',
  direction: 'maximize',
  data: 'labels',
  description:
    'Σ −W ⊙ (H ∂L/∂W) over conv/linear weights, CE loss on 32 images (NASLib sign); higher = better',
  async create(context) {
    return netScorer(grasp, context, lossGradPlan(context, 'grasp'));
  },
});
