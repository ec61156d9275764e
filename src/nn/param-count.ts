/**
 * Size measures of a network without running it: build its inference graph once (batch 1) and read
 * them off the graph.
 * - Parameters: the sizes of the trainable parameters, the way PyTorch's
 *   `sum(p.numel() for p in parameters())` and TensorFlow's trainable-variable count do. BN running
 *   statistics are buffers and not counted; a DARTS auxiliary head is only built in training graphs
 *   and so is not counted either (as DARTS reports).
 * - Conv multiply-accumulates per image: what a CNN's time is spent on; the linear head and the
 *   elementwise ops (BN, ReLU, pooling, sums) are left out.
 */
import { Graph } from '../graph/graph.js';
import { createContext, type NetworkSpec } from '../graph/network.js';

function inferenceGraph(net: NetworkSpec, options: Readonly<Record<string, unknown>>): Graph {
  const graph = new Graph(`${net.name}/count`);
  const input = graph.input('input', [1, ...net.inputShape]);
  net.forward(createContext(graph, false, options), input);
  return graph;
}

export function countTrainableParams(
  net: NetworkSpec,
  options: Readonly<Record<string, unknown>> = {},
): number {
  let n = 0;
  for (const p of inferenceGraph(net, options).trainableParams()) n += p.size;
  return n;
}

export function countConvMacs(net: NetworkSpec): number {
  let macs = 0;
  for (const node of inferenceGraph(net, {}).nodes) {
    if (node.op.type !== 'Conv') continue;
    // Each output element reads Cin/groups · kh · kw weights: the weight's size per output channel.
    const weight = node.inputs[1]!;
    macs += node.outputs[0]!.size * (weight.size / weight.shape[0]!);
  }
  return macs;
}
