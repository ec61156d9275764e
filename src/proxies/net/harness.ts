/**
 * Shared machinery of the network-based proxies (NAS-Bench-Suite-Zero semantics): build a proxy's
 * graph on the network, find its conv / linear layers (what NASLib's `get_layer_metric_array` visits),
 * compile once per network key, initialize parameters with PyTorch's defaults, run, and turn a thrown
 * error or a non-finite score into a recorded failure.
 */
import { Graph, type Node, type Tensor } from '../../graph/graph.js';
import { createContext, type NetContext, type NetworkSpec } from '../../graph/network.js';
import { Program, type Feeds, type Results } from '../../runtime/session.js';
import { ParamStore } from '../../runtime/params.js';
import { Rng } from '../../util/rng.js';
import type { ProxyBatch } from '../data-batch.js';
import {
  failure,
  orient,
  type ProxyContext,
  type ProxyDefinition,
  type ProxyScorer,
  type ProxyValue,
} from '../proxy.js';
import { mapConcurrent } from '../concurrency.js';
import { rememberBounded, SHARED_LIMIT } from '../session.js';
import { proxyNetwork, sharedProgramGroups, type ProxyNetwork } from './network.js';

/** Group programs a scorer keeps compiled (sorted runs need one; in-flight cells a few more). */
const KEPT_PATTERNS = 4;

export interface Layer {
  kind: 'conv' | 'linear';
  /** The weight parameter (conv [Cout, Cin/g, kh, kw], linear [out, in]). */
  weight: Tensor;
  /** The layer's output (before BN), NASLib's hooked activation. */
  output: Tensor;
  /** Elements per output channel of the weight (NASLib broadcasts channel scores over them). */
  fanIn: number;
}

/** Conv and Gemm nodes whose weight input is a parameter, in graph order. */
export function findLayers(graph: Graph): Layer[] {
  const params = new Set(graph.params);
  const layers: Layer[] = [];
  for (const node of graph.nodes) {
    const w = node.inputs[1];
    if (!w || !params.has(w)) continue;
    if (node.op.type === 'Conv') {
      layers.push({ kind: 'conv', weight: w, output: node.outputs[0]!, fanIn: w.size / w.shape[0]! });
    } else if (node.op.type === 'Gemm') {
      layers.push({ kind: 'linear', weight: w, output: node.outputs[0]!, fanIn: w.shape[1]! });
    }
  }
  return layers;
}

export interface ProxyGraph {
  graph: Graph;
  input: Tensor;
  labels: Tensor;
  logits: Tensor;
  ctx: NetContext;
  layers: Layer[];
}

/** The network's forward pass on a [batch, C, H, W] input, plus int64 labels. */
export function buildForward(net: NetworkSpec, batch: number, training: boolean): ProxyGraph {
  const graph = new Graph(`${net.name}/proxy`);
  const input = graph.input('input', [batch, ...net.inputShape]);
  const labels = graph.input('labels', [batch], 'int64');
  const ctx = createContext(graph, training);
  const logits = net.forward(ctx, input);
  return { graph, input, labels, logits, ctx, layers: findLayers(graph) };
}

/** Nodes of a type, for proxies that look at activations (ReLU inputs, the pre-pooling features). */
export function nodesOf(graph: Graph, type: string): Node[] {
  return graph.nodes.filter((n) => n.op.type === type);
}

export interface Compiled<B> {
  built: B;
  program: Program;
  /** Parameter names the program needs. */
  paramNames: readonly string[];
  graph: Graph;
}

/** What a proxy does with one architecture once its program is compiled. */
export interface ArchRun<B> {
  compiled: Compiled<B>;
  network: ProxyNetwork;
  /** Fresh PyTorch-default parameter values for this architecture (seeded by context seed and key). */
  store: ParamStore;
  /** Run with the parameters in `params` (default: `store`) and extra feeds. */
  run(feeds: Feeds, params?: ParamStore): Promise<Results>;
}

export interface NetProxyPlan<B> {
  /** Which graph to build and what to output (results are keyed by `names`); once per network key. */
  build(net: NetworkSpec): { graph: Graph; outputs: Tensor[]; names: string[]; built: B };
  /** The raw score of one architecture (NaN/Inf becomes a failure). */
  score(run: ArchRun<B>, arch: unknown): Promise<number>;
  /** A score already known without running (e.g. computed by a sibling proxy's run of the same program). */
  known?(arch: unknown): number | undefined;
}

/** The batch a proxy sees: `size` images and labels as the program wants them. */
export function batchFeeds(batch: ProxyBatch): { input: Float32Array; labels: BigInt64Array } {
  return { input: batch.images, labels: BigInt64Array.from(batch.labels, (l) => BigInt(l)) };
}

/**
 * A scorer running `plan` per architecture. Programs are cached by network key: a group program (e.g.
 * an NB201 conv pattern's) when several cells of one `score` call share the group (the last few kept),
 * a supernet's for every cell; programs of a single architecture are released after use.
 */
export function netScorer<B>(
  definition: ProxyDefinition,
  context: ProxyContext,
  plan: NetProxyPlan<B>,
): ProxyScorer {
  const programs = new Map<string, Promise<Compiled<B>>>();
  const inFlight = new Map<string, number>();
  const recent: string[] = [];
  const compile = (network: ProxyNetwork): Promise<Compiled<B>> => {
    let p = programs.get(network.key);
    if (p === undefined) {
      const { graph, outputs, names, built } = plan.build(network.net);
      p = Program.compile(graph, outputs, {
        threads: context.threads,
        outputNames: names,
        fewRuns: network.serves !== 'all',
      }).then((program) => ({
        built,
        program,
        graph,
        paramNames: program.paramNames,
      }));
      programs.set(network.key, p);
      p.catch(() => programs.delete(network.key));
    }
    return p;
  };
  const release = async (key: string): Promise<void> => {
    const p = programs.get(key);
    programs.delete(key);
    if (p) await (await p).program.release().catch(() => undefined);
  };

  const scoreOne = async (arch: unknown, sharedGroups: ReadonlySet<string>): Promise<ProxyValue> => {
    const start = performance.now();
    const seconds = () => (performance.now() - start) / 1000;
    let network: ProxyNetwork | null = null;
    const known = plan.known?.(arch);
    if (known !== undefined) return orient(definition, known, seconds());
    try {
      network = proxyNetwork(
        context.space,
        context.session.programs,
        arch,
        { classes: context.classes, inputShape: context.inputShape, ...context.networkSize },
        sharedGroups,
      );
      inFlight.set(network.key, (inFlight.get(network.key) ?? 0) + 1);
      if (network.serves === 'group' && !recent.includes(network.key)) recent.push(network.key);
      const compiled = await compile(network);
      const store = ParamStore.fromGraph(compiled.graph, new Rng(context.seed).fork(context.space.key(arch)));
      for (const [name, value] of Object.entries(network.feeds)) if (store.has(name)) store.set(name, value);
      const net = network;
      const run = async (feeds: Feeds, params: ParamStore = store): Promise<Results> => {
        const all: Record<string, Feeds[string]> = { ...feeds };
        for (const name of compiled.paramNames) all[name] ??= params.get(name);
        return compiled.program.run(all);
      };
      const raw = await plan.score({ compiled, network: net, store, run }, arch);
      return orient(definition, raw, seconds());
    } catch (err) {
      return failure(definition, err, seconds());
    } finally {
      if (network) await done(network);
    }
  };
  // After an architecture: release its program if it served only this one, and keep at most
  // KEPT_PATTERNS group programs (the least recently used one not in flight goes first).
  const done = async ({ key, serves }: ProxyNetwork): Promise<void> => {
    inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
    if (serves === 'one') return release(key);
    if (serves === 'all') return;
    recent.splice(recent.indexOf(key), 1);
    recent.push(key);
    while (recent.length > KEPT_PATTERNS) {
      const old = recent.find((k) => !inFlight.get(k));
      if (old === undefined) break;
      recent.splice(recent.indexOf(old), 1);
      await release(old);
    }
  };

  return {
    async score(archs, onResult) {
      // A conv pattern's program only for patterns several of these cells share (a lone cell builds less).
      const sharedGroups = sharedProgramGroups(context.space, context.session.programs, archs);
      // Several architectures in flight share the compiled program (ONNX Runtime runs are thread-safe).
      return mapConcurrent(archs, context.concurrency, async (arch, i) => {
        const value = await scoreOne(arch, sharedGroups);
        onResult?.(i, value);
        return value;
      });
    },
    async release() {
      for (const key of [...programs.keys()]) await release(key);
    },
  };
}

/**
 * Scalars computed together by one run and shared by sibling proxies (grad_norm, snip, plain and
 * fisher come from one backward pass; jacov and epe_nas from one input Jacobian), kept in the
 * context's session. The first proxy to score an architecture stores all of them; a sibling then
 * reports its own without running again.
 */
export function sharedKey(context: ProxyContext, group: string, arch: unknown, batchSize: number): string {
  return `${group}|${context.space.key(arch)}|${context.batch(batchSize).source}|${context.seed}|${context.classes}`;
}

export function rememberShared(context: ProxyContext, key: string, values: Record<string, number>): void {
  rememberBounded(context.session.shared, key, { values, seconds: 0 }, SHARED_LIMIT);
}

export function recallShared(context: ProxyContext, key: string, name: string): number | undefined {
  return context.session.shared.get(key)?.values[name];
}

/** Σ over layers used by the architecture of f(weight values, gradient values). */
export function sumOverLayers(
  layers: readonly Layer[],
  network: ProxyNetwork,
  f: (layer: Layer, index: number) => number,
): number {
  let total = 0;
  layers.forEach((layer, i) => {
    if (network.uses(layer.weight.name)) total += f(layer, i);
  });
  return total;
}
