/**
 * epe_nas (Lopes et al. 2021, NAS-Bench-Suite-Zero form): the input Jacobian rows (as jacov) grouped by
 * label; per class c, s_c = Σ ln(|corrcoef of its rows| + 1e-5); score = Σ_c |s_c| (≤ 100 classes).
 * A class with one image contributes ln(1 + 1e-5). Higher = better.
 */
import { corrcoef } from './net/linalg.js';
import { netScorer } from './net/harness.js';
import { jacobianPlan } from './net/jacobian.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

export function epeScore(jacobian: ArrayLike<number>, rows: number, labels: ArrayLike<number>): number {
  const d = jacobian.length / rows;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    const list = byClass.get(labels[i]!) ?? [];
    list.push(i);
    byClass.set(labels[i]!, list);
  }
  const k = 1e-5;
  let score = 0;
  for (const members of byClass.values()) {
    const data = new Float64Array(members.length * d);
    members.forEach((r, m) => {
      for (let j = 0; j < d; j++) data[m * d + j] = jacobian[r * d + j]!;
    });
    const c = corrcoef(data, members.length, d);
    let s = 0;
    for (const x of c) s += Math.log(Math.abs(x) + k);
    score += Math.abs(s);
  }
  return score;
}

export const epeNas: ProxyDefinition = defineProxy({
  name: 'epe_nas',
  direction: 'maximize',
  data: 'labels',
  description: 'Σ_classes |Σ ln(|corr of input-Jacobian rows| + 1e-5)|, 64 images (NASLib); higher = better',
  async create(context) {
    return netScorer(
      epeNas,
      context,
      jacobianPlan(context, (j, rows, labels) => epeScore(j, rows, labels)),
    );
  },
});
