/**
 * The program behind jacov and epe_nas: forward in training mode on one batch of 64 images and the
 * gradient of the sum of all outputs w.r.t. the input (PyTorch's `y.backward(ones_like(y))`), i.e.
 * one row of input-gradient per image.
 */
import type { NetworkSpec } from '../../graph/network.js';
import { grad } from '../../graph/autodiff.js';
import type { ProxyContext } from '../proxy.js';
import { batchFeeds, buildForward, type NetProxyPlan } from './harness.js';
import { NASLIB_BATCH } from './loss-grads.js';

export function jacobianPlan(
  context: ProxyContext,
  combine: (jacobian: Float32Array, rows: number, labels: Int32Array, classes: number) => number,
): NetProxyPlan<null> {
  return {
    build(net: NetworkSpec) {
      const pg = buildForward(net, NASLIB_BATCH, true);
      const [dx] = grad(pg.logits, [pg.input]);
      return { graph: pg.graph, outputs: [dx!], names: ['jacobian'], built: null };
    },
    async score(run) {
      const batch = context.batch(NASLIB_BATCH);
      const out = await run.run(batchFeeds(batch));
      return combine(out.jacobian as Float32Array, NASLIB_BATCH, batch.labels, context.classes);
    },
  };
}
