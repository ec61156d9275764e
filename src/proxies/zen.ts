/**
 * zen (Zen-NAS, Lin et al. 2021, NAS-Bench-Suite-Zero form): re-initialize every conv and linear weight
 * from N(0, 1) (biases 0, BN scale 1 and shift 0), draw x and ε from N(0, 1) with the batch's shape,
 * run the network twice in training mode on x and x + 0.01·ε, and with f the features entering the
 * global average pool,
 *   zen = ln(mean_n Σ |f(x) − f(x + 0.01ε)|) + Σ_BN ln sqrt(mean_c running_var),
 * where running_var is PyTorch's (momentum 0.1, unbiased batch variance) after the two passes. No
 * labels and no real images. Higher = better.
 */
import type { NetworkSpec } from '../graph/network.js';
import type { Tensor } from '../graph/graph.js';
import { Rng } from '../util/rng.js';
import { NaskitError } from '../util/errors.js';
import { buildForward, netScorer, nodesOf } from './net/harness.js';
import { NASLIB_BATCH } from './net/loss-grads.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

interface ZenGraph {
  /** Per BN node: its scoped name and values per channel of its input. */
  bns: { name: string; channels: number; perChannel: number }[];
  layers: { weight: string; bias: string | null }[];
}

const MIXUP = 0.01;
const MOMENTUM = 0.1;

export const zen: ProxyDefinition = defineProxy({
  name: 'zen',
  direction: 'maximize',
  data: 'none',
  description:
    'ln E|f(x) − f(x+0.01ε)| + Σ_BN ln√mean(running var), Gaussian weights and inputs (Zen-NAS/NASLib); higher = better',
  async create(context) {
    return netScorer(zen, context, {
      build(net: NetworkSpec) {
        const pg = buildForward(net, NASLIB_BATCH, true);
        const pools = nodesOf(pg.graph, 'GlobalAveragePool');
        if (pools.length !== 1) {
          throw new NaskitError(
            'invalid_argument',
            `zen needs exactly one global average pool, ${net.name} has ${pools.length}`,
          );
        }
        const features = pools[0]!.inputs[0]!;
        const bnNodes = nodesOf(pg.graph, 'BatchNormalization').filter((n) => n.outputs.length === 3);
        const outputs: Tensor[] = [features, ...bnNodes.map((n) => n.outputs[2]!)];
        const names = ['features', ...bnNodes.map((_, i) => `var${i}`)];
        const bns = bnNodes.map((n) => {
          const x = n.inputs[0]!;
          return { name: n.name, channels: x.shape[1]!, perChannel: x.size / x.shape[1]! };
        });
        const layers = pg.layers.map((l) => {
          const biasName = `${l.weight.name.slice(0, l.weight.name.lastIndexOf('/'))}/bias`;
          return {
            weight: l.weight.name,
            bias: pg.graph.params.some((p) => p.name === biasName) ? biasName : null,
          };
        });
        return { graph: pg.graph, outputs, names, built: { bns, layers } satisfies ZenGraph };
      },
      async score(run, arch) {
        const rng = new Rng(context.seed).fork(`zen ${context.space.key(arch)}`);
        const store = run.store.clone();
        for (const l of run.compiled.built.layers) {
          // One stream per weight name: a layer gets the same values in any network holding it.
          const stream = rng.fork(l.weight);
          store.set(
            l.weight,
            Float32Array.from(store.get(l.weight), () => stream.normal()),
          );
          if (l.bias) store.set(l.bias, new Float32Array(store.get(l.bias).length));
        }
        const size = NASLIB_BATCH * context.inputShape.reduce((a, b) => a * b, 1);
        const inputs = rng.fork('inputs');
        const x = Float32Array.from({ length: size }, () => inputs.normal());
        const mixed = Float32Array.from(x, (v) => v + MIXUP * inputs.normal());
        const labels = new BigInt64Array(NASLIB_BATCH);
        const a = await run.run({ input: x, labels }, store);
        const b = await run.run({ input: mixed, labels }, store);
        const fa = a.features as Float32Array;
        const fb = b.features as Float32Array;
        let diff = 0;
        for (let i = 0; i < fa.length; i++) diff += Math.abs(fa[i]! - fb[i]!);
        let logBn = 0;
        run.compiled.built.bns.forEach((bn, i) => {
          if (!run.network.uses(bn.name)) return;
          const m = bn.perChannel;
          const va = a[`var${i}`] as Float32Array;
          const vb = b[`var${i}`] as Float32Array;
          let mean = 0;
          for (let c = 0; c < bn.channels; c++) {
            // Running variance after the two passes from 1, with unbiased batch variances.
            const r1 = 1 - MOMENTUM + (MOMENTUM * va[c]! * m) / (m - 1);
            mean += (1 - MOMENTUM) * r1 + (MOMENTUM * vb[c]! * m) / (m - 1);
          }
          logBn += Math.log(Math.sqrt(mean / bn.channels));
        });
        return Math.log(diff / NASLIB_BATCH) + logBn;
      },
    });
  },
});
