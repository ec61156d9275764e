/**
 * The reference the one-channel programs are checked against: a real network (any NetworkSpec) with
 * every weight set to one constant, biases to 0, BN in batch-statistics mode, run on a batch.
 */
import { Graph } from '../../graph/graph.js';
import { createContext, type NetworkSpec } from '../../graph/network.js';
import { Program } from '../../runtime/session.js';

export async function constantNetworkOutput(
  net: NetworkSpec,
  images: Float32Array,
  weight: number,
): Promise<Float32Array> {
  const perImage = net.inputShape.reduce((a, b) => a * b, 1);
  const batch = images.length / perImage;
  const g = new Graph(`${net.name}/constant`);
  const x = g.input('input', [batch, ...net.inputShape]);
  const out = net.forward(createContext(g, true), x);
  const program = await Program.compile(g, [out], { threads: 1 });
  try {
    const feeds: Record<string, Float32Array> = { input: images };
    for (const p of g.params) {
      const leaf = p.name.slice(p.name.lastIndexOf('/') + 1);
      // Running statistics are unused in batch-statistics mode; biases (conv, linear, BN shift) are 0.
      const value = leaf === 'running_var' ? 1 : leaf === 'running_mean' || leaf === 'bias' ? 0 : weight;
      feeds[p.name] = new Float32Array(p.size).fill(value);
    }
    const result = await program.run(feeds);
    return result[program.model.outputNames[0]!] as Float32Array;
  } finally {
    await program.release();
  }
}
