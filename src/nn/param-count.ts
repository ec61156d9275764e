/**
 * Parameter counts of a network without running it: build its inference graph once (batch 1) and add
 * up the sizes of the trainable parameters, the way PyTorch's `sum(p.numel() for p in parameters())`
 * and TensorFlow's trainable-variable count do. BN running statistics are buffers and not counted; a
 * DARTS auxiliary head is only built in training graphs and so is not counted either (as DARTS reports).
 */
import { Graph } from '../graph/graph.js';
import { createContext, type NetworkSpec } from '../graph/network.js';

export function countTrainableParams(
  net: NetworkSpec,
  options: Readonly<Record<string, unknown>> = {},
): number {
  const graph = new Graph(`${net.name}/count`);
  const input = graph.input('input', [1, ...net.inputShape]);
  net.forward(createContext(graph, false, options), input);
  let n = 0;
  for (const p of graph.trainableParams()) n += p.size;
  return n;
}
