/**
 * Proxies that need no data and no run: they look at the benchmark network's graph (parameter counts,
 * multiply-accumulates) or its freshly initialized weights.
 */
import { Graph } from '../../graph/graph.js';
import { createContext, type NetworkSpec } from '../../graph/network.js';
import { NaskitError } from '../../util/errors.js';
import {
  failure,
  orient,
  type ProxyContext,
  type ProxyDefinition,
  type ProxyScorer,
  type ProxyValue,
} from '../proxy.js';

/** The benchmark network's inference graph at batch 1. */
export function networkGraph(context: ProxyContext, arch: unknown): { graph: Graph; net: NetworkSpec } {
  const build = context.space.build?.bind(context.space);
  if (!build)
    throw new NaskitError('invalid_argument', `space '${context.space.name}' cannot build networks`);
  const net = build(arch, {
    classes: context.classes,
    inputShape: context.inputShape,
    ...context.networkSize,
  });
  const graph = new Graph(`${net.name}/static`);
  net.forward(createContext(graph, false), graph.input('input', [1, ...net.inputShape]));
  return { graph, net };
}

export function staticScorer(
  definition: ProxyDefinition,
  context: ProxyContext,
  measure: (graph: Graph, arch: unknown) => number,
): ProxyScorer {
  return {
    async score(archs, onResult) {
      return archs.map((arch, i) => {
        const start = performance.now();
        const seconds = () => (performance.now() - start) / 1000;
        let value: ProxyValue;
        try {
          value = orient(definition, measure(networkGraph(context, arch).graph, arch), seconds());
        } catch (err) {
          value = failure(definition, err, seconds());
        }
        onResult?.(i, value);
        return value;
      });
    },
    async release() {},
  };
}
