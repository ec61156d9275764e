/**
 * jacov (Mellor et al. 2021, the NAS-Bench-Suite-Zero version): J = ∂(Σ outputs)/∂x for one batch of
 * 32 images (one row per image), C = corrcoef of the rows, v = eigenvalues of C,
 * score = −Σ (ln(v + 1e-5) + 1/(v + 1e-5)). Higher = better.
 */
import { netScorer } from './net/harness.js';
import { jacobianPlan } from './net/jacobian.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export { jacovScore } from './net/jacobian.js';

export const jacov: ProxyDefinition = defineProxy({
  name: 'jacov',
  direction: 'maximize',
  data: 'images',
  description:
    '−Σ(ln(v+1e-5) + 1/(v+1e-5)), v = eigenvalues of the input-Jacobian row correlations, 32 images; higher = better',
  async create(context) {
    return netScorer(jacov, context, jacobianPlan(context, 'jacov'));
  },
});
