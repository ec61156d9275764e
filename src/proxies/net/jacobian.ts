/**
 * The one program behind jacov and epe_nas: forward in training mode on one batch of 32 images and the
 * gradient of the sum of all outputs w.r.t. the input (PyTorch's `y.backward(ones_like(y))`), one row
 * per image. One run yields both scores (shared between the two proxies).
 */
import type { NetworkSpec } from '../../graph/network.js';
import { grad } from '../../graph/autodiff.js';
import type { ProxyContext } from '../proxy.js';
import {
  batchFeeds,
  buildForward,
  recallShared,
  rememberShared,
  sharedKey,
  type NetProxyPlan,
} from './harness.js';
import { corrcoef, symmetricEigenvalues } from './linalg.js';
import { NASLIB_BATCH } from './loss-grads.js';

/** jacov: −Σ (ln(v + 1e-5) + 1/(v + 1e-5)) over the eigenvalues v of the row correlation matrix. */
export function jacovScore(jacobian: ArrayLike<number>, rows: number): number {
  const d = jacobian.length / rows;
  const v = symmetricEigenvalues(corrcoef(jacobian, rows, d), rows);
  const k = 1e-5;
  let s = 0;
  for (const x of v) s += Math.log(x + k) + 1 / (x + k);
  return -s;
}

/** epe_nas: Σ over classes of |Σ ln(|corr of the class's rows| + 1e-5)| (≤ 100 classes). */
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
    let s = 0;
    for (const x of corrcoef(data, members.length, d)) s += Math.log(Math.abs(x) + k);
    score += Math.abs(s);
  }
  return score;
}

export function jacobianPlan(context: ProxyContext, which: 'jacov' | 'epe_nas'): NetProxyPlan<null> {
  const key = (arch: unknown) => sharedKey(context, 'input-jacobian', arch, NASLIB_BATCH);
  return {
    build(net: NetworkSpec) {
      const pg = buildForward(net, NASLIB_BATCH, true);
      const [dx] = grad(pg.logits, [pg.input]);
      return { graph: pg.graph, outputs: [dx!], names: ['jacobian'], built: null };
    },
    known: (arch) => recallShared(context, key(arch), which),
    async score(run, arch) {
      const batch = context.batch(NASLIB_BATCH);
      const j = (await run.run(batchFeeds(batch))).jacobian as Float32Array;
      const all = { jacov: jacovScore(j, NASLIB_BATCH), epe_nas: epeScore(j, NASLIB_BATCH, batch.labels) };
      rememberShared(context, key(arch), all);
      return all[which];
    },
  };
}
