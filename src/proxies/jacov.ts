/**
 * jacov (Mellor et al. 2021, the NAS-Bench-Suite-Zero version): J = ∂(Σ outputs)/∂x for one batch of
 * 64 images (one row per image), C = corrcoef of the rows, v = eigenvalues of C,
 * score = −Σ (ln(v + 1e-5) + 1/(v + 1e-5)). Higher = better.
 */
import { corrcoef, symmetricEigenvalues } from './net/linalg.js';
import { netScorer } from './net/harness.js';
import { jacobianPlan } from './net/jacobian.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export function jacovScore(jacobian: ArrayLike<number>, rows: number): number {
  const d = jacobian.length / rows;
  const v = symmetricEigenvalues(corrcoef(jacobian, rows, d), rows);
  const k = 1e-5;
  let s = 0;
  for (const x of v) s += Math.log(x + k) + 1 / (x + k);
  return -s;
}

export const jacov: ProxyDefinition = defineProxy({
  name: 'jacov',
  direction: 'maximize',
  data: 'images',
  description:
    '−Σ(ln(v+1e-5) + 1/(v+1e-5)), v = eigenvalues of the input-Jacobian row correlations, 64 images; higher = better',
  async create(context) {
    return netScorer(
      jacov,
      context,
      jacobianPlan(context, (j, rows) => jacovScore(j, rows)),
    );
  },
});
