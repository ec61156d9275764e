/**
 * grasp by double backpropagation, as NASLib computes it: g = ∂L/∂W (a constant) and
 * Hg = ∂(Σ g·∂L/∂W)/∂W through the graph's own VJP rules; score = Σ −W ⊙ Hg. It is the reference the
 * `grasp` proxy's frozen-ReLU finite difference is checked against (grasp.test.ts): its second-order
 * program took 7-12 s per NB201 cell to compile and 2-5 s per run (2 cores).
 */
import type { NetworkSpec } from '../../graph/network.js';
import type { Tensor } from '../../graph/graph.js';
import { grad } from '../../graph/autodiff.js';
import { mul } from '../../graph/ops/mul.js';
import { reduceSum } from '../../graph/ops/reduce-sum.js';
import { softmaxCrossEntropy } from '../../graph/ops/softmax-cross-entropy.js';
import { sum } from '../../graph/ops/sum.js';
import { batchFeeds, buildForward, netScorer, sumOverLayers, type Layer } from './harness.js';
import { NASLIB_BATCH } from './loss-grads.js';
import { defineProxy, type ProxyDefinition } from '../proxy.js';

export const graspExact: ProxyDefinition = defineProxy({
  name: 'grasp_exact',
  direction: 'maximize',
  data: 'labels',
  description:
    'Σ −W ⊙ (H ∂L/∂W) over conv/linear weights, CE loss on 32 images (NASLib sign); higher = better',
  async create(context) {
    return netScorer(graspExact, context, {
      build(net: NetworkSpec) {
        const pg = buildForward(net, NASLIB_BATCH, true);
        const loss = softmaxCrossEntropy(pg.logits, pg.labels, { reduction: 'mean' });
        const weights = pg.layers.map((l) => l.weight);
        const g = grad(loss, weights, { allowUnused: true });
        const v = weights.map((w, i) => pg.graph.input(`v${i}`, w.shape));
        const z = sum(g.map((gi, i) => reduceSum(mul(gi, v[i]!))));
        const hg = grad(z, weights, { allowUnused: true });
        const outputs: Tensor[] = [...g, ...hg];
        const names = [...g.map((_, i) => `g${i}`), ...hg.map((_, i) => `hg${i}`)];
        return { graph: pg.graph, outputs, names, built: { layers: pg.layers } };
      },
      async score(run) {
        const layers: Layer[] = run.compiled.built.layers;
        const data = batchFeeds(context.batch(NASLIB_BATCH));
        const zeros = Object.fromEntries(layers.map((l, i) => [`v${i}`, new Float32Array(l.weight.size)]));
        const first = await run.run({ ...data, ...zeros });
        const v = Object.fromEntries(layers.map((_, i) => [`v${i}`, first[`g${i}`] as Float32Array]));
        const second = await run.run({ ...data, ...v });
        return sumOverLayers(layers, run.network, (layer, i) => {
          const w = run.store.get(layer.weight.name);
          const hg = second[`hg${i}`] as Float32Array;
          let s = 0;
          for (let k = 0; k < w.length; k++) s -= w[k]! * hg[k]!;
          return s;
        });
      },
    });
  },
});
