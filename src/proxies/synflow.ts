/**
 * synflow (Tanaka et al. 2020, NAS-Bench-Suite-Zero form): BN removed, every parameter replaced by its
 * absolute value, R = Σ outputs for an all-ones input of batch 1, raw = Σ over conv / linear weights of
 * |W ⊙ ∂R/∂W|; reported as ln(raw) (0 when raw = 0), as NASLib's ZeroCost predictor does. Higher = better.
 *
 * BN is made the identity by running it in inference mode with mean 0, variance 1 − eps, scale 1,
 * shift 0. NASLib works in float64; in float32 raw spans e^0..e^115 and the activations and gradients
 * of a positive linear network can overflow, so the input is scaled by α and the classifier weights by
 * β: every term of raw is the weight times the sum over the paths through it, and every path starts at
 * the input and ends at the classifier, so raw scales exactly by αβ (α = β = 2^-43), which is removed
 * in the logarithm.
 */
import type { NetworkSpec } from '../graph/network.js';
import { grad } from '../graph/autodiff.js';
import { reduceSum } from '../graph/ops/reduce-sum.js';
import { buildForward, netScorer, nodesOf, sumOverLayers, type Layer } from './net/harness.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

const SCALE_LOG2 = -43;
const BN_EPS = 1e-5;

export const synflow: ProxyDefinition = defineProxy({
  name: 'synflow',
  direction: 'maximize',
  data: 'none',
  description:
    'ln Σ|W ⊙ ∂R/∂W|, R = Σ outputs of the |W| network without BN on an all-ones input (NASLib); higher = better',
  async create(context) {
    return netScorer(synflow, context, {
      build(net: NetworkSpec) {
        const pg = buildForward(net, 1, false);
        const grads = grad(
          reduceSum(pg.logits),
          pg.layers.map((l) => l.weight),
          { allowUnused: true },
        );
        const head = pg.layers.filter((l) => l.kind === 'linear').at(-1) ?? null;
        // BN inputs in inference mode: x, scale, bias, running mean, running variance.
        const bn = new Map<string, number>();
        const params = new Set(pg.graph.params);
        for (const node of nodesOf(pg.graph, 'BatchNormalization')) {
          node.inputs.forEach((t, slot) => {
            if (slot > 0 && t && params.has(t)) bn.set(t.name, slot);
          });
        }
        return {
          graph: pg.graph,
          outputs: grads,
          names: grads.map((_, i) => `grad${i}`),
          built: { layers: pg.layers, head, bn },
        };
      },
      async score(run) {
        const store = run.store.clone();
        const scale = 2 ** SCALE_LOG2;
        const { layers, head, bn } = run.compiled.built as {
          layers: Layer[];
          head: Layer | null;
          bn: Map<string, number>;
        };
        // BN becomes the identity (scale 1, shift 0, mean 0, variance 1 - eps); the rest is |θ|.
        const bnValue = [Number.NaN, 1, 0, 0, 1 - BN_EPS];
        for (const name of store.names()) {
          // Fed selections (a supernet's α, a shared program's gates) stay as the network gives them.
          if (name in run.network.feeds) continue;
          const value = store.get(name);
          const slot = bn.get(name);
          store.set(
            name,
            slot === undefined
              ? Float32Array.from(value, (v) => Math.abs(v))
              : new Float32Array(value.length).fill(bnValue[slot]!),
          );
        }
        if (head)
          store.set(
            head.weight.name,
            Float32Array.from(store.get(head.weight.name), (v) => v * scale),
          );
        const size = context.inputShape.reduce((a, b) => a * b, 1);
        const out = await run.run(
          { input: new Float32Array(size).fill(scale), labels: new BigInt64Array(1) },
          store,
        );
        const raw = sumOverLayers(layers, run.network, (layer, i) => {
          const w = store.get(layer.weight.name);
          const g = out[`grad${i}`] as Float32Array;
          let s = 0;
          for (let k = 0; k < w.length; k++) s += Math.abs(w[k]! * g[k]!);
          return s;
        });
        if (raw === 0) return 0;
        return Math.log(raw) - 2 * SCALE_LOG2 * Math.LN2;
      },
    });
  },
});
