/**
 * epe_nas (Lopes et al. 2021, NAS-Bench-Suite-Zero form): the input Jacobian rows (as jacov) grouped by
 * label; per class c, s_c = Σ ln(|corrcoef of its rows| + 1e-5); score = Σ_c |s_c| (≤ 100 classes).
 * A class with one image contributes ln(1 + 1e-5). Higher = better.
 */
import { netScorer } from './net/harness.js';
import { jacobianPlan } from './net/jacobian.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export { epeScore } from './net/jacobian.js';

export const epeNas: ProxyDefinition = defineProxy({
  name: 'epe_nas',
  direction: 'maximize',
  data: 'labels',
  description: 'Σ_classes |Σ ln(|corr of input-Jacobian rows| + 1e-5)|, 32 images (NASLib); higher = better',
  async create(context) {
    return netScorer(epeNas, context, jacobianPlan(context, 'epe_nas'));
  },
});
