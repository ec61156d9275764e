/**
 * The one program behind grad_norm, snip, plain, fisher and grasp: forward in training mode
 * (batch-statistics BN) on one labelled batch, mean cross-entropy L, and one backward pass giving
 * ∂L/∂W for every conv / linear weight and ∂L/∂a for every layer output a. One run yields the first
 * four scores; grasp's Hessian-gradient product takes two more runs of the same program with the
 * ReLU pattern frozen (a central difference of ∂L/∂W along g = ∂L/∂W, see frozen-relu.ts). The
 * scores are shared between the proxies, so an evaluation of several of them compiles each
 * architecture's program once.
 */
import type { NetworkSpec } from '../../graph/network.js';
import { sizeOf, type Tensor } from '../../graph/graph.js';
import type { Feeds } from '../../runtime/session.js';
import { grad } from '../../graph/autodiff.js';
import { mul } from '../../graph/ops/mul.js';
import { reduceSum } from '../../graph/ops/reduce-sum.js';
import { softmaxCrossEntropy } from '../../graph/ops/softmax-cross-entropy.js';
import type { ProxyContext } from '../proxy.js';
import { FREEZE_FLAG, freezableCopy } from './frozen-relu.js';
import {
  findLayers,
  batchFeeds,
  buildForward,
  recallShared,
  rememberShared,
  sharedKey,
  sumOverLayers,
  type ArchRun,
  type Layer,
  type NetProxyPlan,
} from './harness.js';

/**
 * One batch of 32 training images: NAS-Bench-Suite-Zero's runner config (naslib/runners/zc/
 * zc_config.yaml, batch_size: 32), which its published scores match (e.g. nwot ≈ ln|det| of a 32×32
 * kernel); the 2021 zero-cost paper used 64.
 */
export const NASLIB_BATCH = 32;

export type LossGradScore = 'grad_norm' | 'snip' | 'plain' | 'fisher' | 'grasp';

/**
 * Step of grasp's central difference: W ± h·g with h·||g|| = GRASP_STEP·||W|| (norms over the
 * architecture's conv / linear weights). Measured against double backpropagation on 6 NB201 CIFAR-10
 * cells: within 1% at 3e-6 (scores -0.2 to 645); 1e-4 was 4× off on the cell of score 645 (BN layers
 * with large gradients curve fast), 3e-7 was 7% off on small scores (float32 roundoff).
 */
export const GRASP_STEP = 3e-6;

interface Built {
  layers: Layer[];
  /** Mask inputs and [x > 0] output names of the frozen ReLUs (grasp only). */
  relus: { mask: string; shape: readonly number[] }[] | null;
}

/** The four first-order scores from one run's outputs. */
function scores(
  run: ArchRun<Built>,
  out: Record<string, unknown>,
): Record<Exclude<LossGradScore, 'grasp'>, number> {
  const layers = run.compiled.built.layers;
  const grads = layers.map((_, i) => out[`grad${i}`] as Float32Array);
  const over = (f: (layer: Layer, w: Float32Array, g: Float32Array, i: number) => number) =>
    sumOverLayers(layers, run.network, (layer, i) =>
      f(layer, run.store.get(layer.weight.name), grads[i]!, i),
    );
  return {
    // Σ_layers ||∂L/∂W||₂
    grad_norm: over((_, __, g) => Math.sqrt(g.reduce((s, x) => s + x * x, 0))),
    // Σ |W ⊙ ∂L/∂W| (the gradient w.r.t. a unit mask)
    snip: over((_, w, g) => w.reduce((s, x, k) => s + Math.abs(x * g[k]!), 0)),
    // Σ W ⊙ ∂L/∂W
    plain: over((_, w, g) => w.reduce((s, x, k) => s + x * g[k]!, 0)),
    // Σ_channels 0.5·mean_n(Σ_hw a·∂L/∂a)², broadcast over the channel's fan-in weights
    fisher: over((layer, _, __, i) => {
      const ag = out[`ag${i}`] as Float32Array;
      const channels = layer.weight.shape[0]!;
      const n = ag.length / channels;
      let total = 0;
      for (let k = 0; k < channels; k++) {
        let ss = 0;
        for (let s = 0; s < n; s++) ss += ag[s * channels + k]! ** 2;
        total += 0.5 * (ss / n) * layer.fanIn;
      }
      return total;
    }),
  };
}

export function lossGradPlan(context: ProxyContext, which: LossGradScore): NetProxyPlan<Built> {
  const key = (arch: unknown) => sharedKey(context, 'loss-grads', arch, NASLIB_BATCH);
  // grasp expected by the evaluation (context.session.expect): the shared run computes it too.
  const withGrasp = which === 'grasp' || context.session.expected.has('grasp');
  return {
    build(net: NetworkSpec) {
      const pg = buildForward(net, NASLIB_BATCH, true);
      let graph = pg.graph;
      let logits = pg.logits;
      let labels = pg.labels;
      let layers = pg.layers;
      let relus: Built['relus'] = null;
      const extra: Tensor[] = [];
      if (withGrasp) {
        const fz = freezableCopy(pg.graph);
        graph = fz.graph;
        logits = fz.map(pg.logits);
        labels = fz.map(pg.labels);
        layers = findLayers(graph);
        relus = fz.relus.map((r) => ({ mask: r.mask.name, shape: r.mask.shape }));
        extra.push(...fz.relus.map((r) => r.on));
      }
      const loss = softmaxCrossEntropy(logits, labels, { reduction: 'mean' });
      const weights = layers.map((l) => l.weight);
      const acts = layers.map((l) => l.output);
      const grads = grad(loss, [...weights, ...acts], { allowUnused: true });
      // Σ over positions of a·∂L/∂a → [N, C] per layer (linear outputs are [N, C] already).
      const ag = acts.map((a, i) => {
        const prod = mul(a, grads[weights.length + i]!);
        return a.rank === 4 ? reduceSum(prod, [2, 3]) : prod;
      });
      const outputs: Tensor[] = [...grads.slice(0, weights.length), ...ag, ...extra];
      const names = [
        ...weights.map((_, i) => `grad${i}`),
        ...ag.map((_, i) => `ag${i}`),
        ...extra.map((_, i) => `on${i}`),
      ];
      return { graph, outputs, names, built: { layers, relus } };
    },
    known: (arch) => recallShared(context, key(arch), which),
    async score(run, arch) {
      const relus = run.compiled.built.relus;
      const feeds: Feeds = { ...batchFeeds(context.batch(NASLIB_BATCH)) };
      const base = relus ? await freezeFeeds(feeds, relus, null) : feeds;
      const out = await run.run(base);
      const all: Partial<Record<LossGradScore, number>> = scores(run, out);
      if (relus) all.grasp = await graspScore(run, await freezeFeeds(feeds, relus, out), out);
      rememberShared(context, key(arch), all);
      return all[which]!;
    },
  };
}

/** Feeds of the freezable program: unfrozen (zero masks) or frozen at the [x > 0] of a run. */
async function freezeFeeds(
  feeds: Feeds,
  relus: NonNullable<Built['relus']>,
  from: Record<string, unknown> | null,
): Promise<Feeds> {
  const all: Record<string, Feeds[string]> = { ...feeds };
  all[FREEZE_FLAG] = Float32Array.of(from ? 1 : 0);
  relus.forEach((r, i) => {
    all[r.mask] = from ? (from[`on${i}`] as Float32Array) : new Float32Array(sizeOf(r.shape));
  });
  return all;
}

/**
 * grasp = Σ −W ⊙ Hg over the architecture's conv / linear weights, g = ∂L/∂W (held constant) and Hg
 * the Hessian-gradient product NASLib takes by double backpropagation (∂(Σ g·∂L/∂W)/∂W). Here
 * Hg = (∂L/∂W(W + h·g) − ∂L/∂W(W − h·g)) / 2h with every ReLU's pattern frozen at W (the network is
 * then smooth there and its second derivatives are autodiff's), only conv / linear weights moved.
 */
async function graspScore(
  run: ArchRun<Built>,
  frozen: Feeds,
  base: Record<string, unknown>,
): Promise<number> {
  const layers = run.compiled.built.layers;
  const g = layers.map((_, i) => base[`grad${i}`] as Float32Array);
  let ww = 0;
  let gg = 0;
  layers.forEach((layer, i) => {
    if (!run.network.uses(layer.weight.name)) return;
    for (const x of run.store.get(layer.weight.name)) ww += x * x;
    for (const x of g[i]!) gg += x * x;
  });
  if (gg === 0) return 0;
  const h = (GRASP_STEP * Math.sqrt(ww)) / Math.sqrt(gg);
  const moved = (sign: number) => {
    const params = run.store.clone();
    layers.forEach((layer, i) => {
      const w = params.get(layer.weight.name);
      const gi = g[i]!;
      for (let k = 0; k < w.length; k++) w[k] = w[k]! + sign * h * gi[k]!;
    });
    return run.run(frozen, params);
  };
  const plus = await moved(1);
  const minus = await moved(-1);
  return sumOverLayers(layers, run.network, (layer, i) => {
    const w = run.store.get(layer.weight.name);
    const gp = plus[`grad${i}`] as Float32Array;
    const gm = minus[`grad${i}`] as Float32Array;
    let s = 0;
    for (let k = 0; k < w.length; k++) s -= w[k]! * (gp[k]! - gm[k]!);
    return s / (2 * h);
  });
}
