/**
 * nwot (NASWOT, Mellor et al. 2021 v2, NAS-Bench-Suite-Zero form): for every ReLU module, the binary
 * code c = [input > 0] of each of the 32 images; K = Σ_relu (c·cᵀ + (1−c)·(1−c)ᵀ) (a 32×32 Hamming
 * similarity kernel); score = ln|det K|. BN on batch statistics, PyTorch-default init. Higher = better.
 *
 * (1−c)(1−c)ᵀ = D − s_i − s_j + (c·cᵀ)_ij with s the row sums, so one matrix product per ReLU input;
 * a tensor feeding several ReLUs (one per conv op on a node) counts once per ReLU, as NASLib's hooks do.
 */
import type { NetworkSpec } from '../graph/network.js';
import type { Tensor } from '../graph/graph.js';
import { cast } from '../graph/ops/cast.js';
import { flatten } from '../graph/ops/flatten.js';
import { greater } from '../graph/ops/greater.js';
import { matMul } from '../graph/ops/mat-mul.js';
import { reduceSum } from '../graph/ops/reduce-sum.js';
import { transpose } from '../graph/ops/transpose.js';
import { batchFeeds, buildForward, netScorer, nodesOf } from './net/harness.js';
import { logAbsDet } from './net/linalg.js';
import { NASLIB_BATCH } from './net/loss-grads.js';
import { defineProxy, type ProxyDefinition } from './proxy.js';

interface ReluInput {
  /** Width of one image's code. */
  dim: number;
  /** Scoped names of the ReLU nodes reading this tensor. */
  relus: string[];
}

export const nwot: ProxyDefinition = defineProxy({
  name: 'nwot',
  direction: 'maximize',
  data: 'images',
  description:
    'ln|det K|, K = Σ_ReLU Hamming-similarity kernel of the ReLU activation codes of 32 images; higher = better',
  async create(context) {
    return netScorer(nwot, context, {
      build(net: NetworkSpec) {
        const pg = buildForward(net, NASLIB_BATCH, true);
        const byInput = new Map<Tensor, ReluInput>();
        for (const node of nodesOf(pg.graph, 'Relu')) {
          const x = node.inputs[0]!;
          const entry = byInput.get(x) ?? { dim: x.size / NASLIB_BATCH, relus: [] };
          // A ReLU requested on several edges is one node with aliases: one module each, as in NASLib.
          entry.relus.push(node.name, ...node.aliases);
          byInput.set(x, entry);
        }
        const outputs: Tensor[] = [];
        const names: string[] = [];
        [...byInput.keys()].forEach((x, i) => {
          const codes = cast(greater(flatten(x, 1), 0), 'float32');
          outputs.push(matMul(codes, transpose(codes, [1, 0])), reduceSum(codes, [1]));
          names.push(`cc${i}`, `rows${i}`);
        });
        return { graph: pg.graph, outputs, names, built: [...byInput.values()] };
      },
      async score(run) {
        const out = await run.run(batchFeeds(context.batch(NASLIB_BATCH)));
        const n = NASLIB_BATCH;
        const k = new Float64Array(n * n);
        run.compiled.built.forEach((entry, t) => {
          const times = entry.relus.filter((name) => run.network.uses(name)).length;
          if (times === 0) return;
          const cc = out[`cc${t}`] as Float32Array;
          const s = out[`rows${t}`] as Float32Array;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              k[i * n + j] = k[i * n + j]! + times * (2 * cc[i * n + j]! + entry.dim - s[i]! - s[j]!);
            }
          }
        });
        return logAbsDet(k, n);
      },
    });
  },
});
