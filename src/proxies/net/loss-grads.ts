/**
 * The program behind grad_norm, snip and plain: forward in training mode (batch-statistics BN) on a
 * labelled batch, mean cross-entropy, gradients of the loss w.r.t. every conv / linear weight.
 */
import type { NetworkSpec } from '../../graph/network.js';
import { grad } from '../../graph/autodiff.js';
import { softmaxCrossEntropy } from '../../graph/ops/softmax-cross-entropy.js';
import type { ProxyContext } from '../proxy.js';
import { batchFeeds, buildForward, type ArchRun, type Layer, type NetProxyPlan } from './harness.js';

/** NASLib scores the data-dependent proxies on one batch of 64 training images. */
export const NASLIB_BATCH = 64;

export interface LossGrads {
  layers: Layer[];
}

export function lossGradPlan(
  context: ProxyContext,
  combine: (run: ArchRun<LossGrads>, grads: Float32Array[]) => number,
): NetProxyPlan<LossGrads> {
  return {
    build(net: NetworkSpec) {
      const pg = buildForward(net, NASLIB_BATCH, true);
      const loss = softmaxCrossEntropy(pg.logits, pg.labels, { reduction: 'mean' });
      const grads = grad(
        loss,
        pg.layers.map((l) => l.weight),
        { allowUnused: true },
      );
      return {
        graph: pg.graph,
        outputs: grads,
        names: grads.map((_, i) => `grad${i}`),
        built: { layers: pg.layers },
      };
    },
    async score(run) {
      const out = await run.run(batchFeeds(context.batch(NASLIB_BATCH)));
      const grads = run.compiled.built.layers.map((_, i) => out[`grad${i}`] as Float32Array);
      return combine(run, grads);
    },
  };
}
