/**
 * A copy of a forward graph whose ReLUs can be frozen: every ReLU(x) becomes x·m with
 * m = flag·mask + (1 − flag)·[x > 0], `mask` and `flag` fed. With flag = 0 the graph is the original
 * network (same outputs and gradients, PyTorch's ReLU gradient [x > 0]) and it also outputs each
 * [x > 0]; fed back with flag = 1 they fix every ReLU's on/off pattern, and the network becomes a
 * smooth function of its weights near that point whose derivatives are exactly the ones autodiff
 * takes (ReLU'' = 0). Finite differences of the gradient are then accurate; on the unfrozen network
 * units crossing zero add O(1) jumps to them whatever the step.
 */
import { Graph, type Tensor } from '../../graph/graph.js';
import { add } from '../../graph/ops/add.js';
import { cast } from '../../graph/ops/cast.js';
import { greater } from '../../graph/ops/greater.js';
import { mul } from '../../graph/ops/mul.js';
import { sub } from '../../graph/ops/sub.js';
import { NaskitError } from '../../util/errors.js';

export const FREEZE_FLAG = 'relu_frozen';

export interface FrozenGraph {
  graph: Graph;
  /** The copy of a tensor of the source graph. */
  map(t: Tensor): Tensor;
  /** Per ReLU: the fed mask input and the [x > 0] it computes (an output to fetch). */
  relus: { mask: Tensor; on: Tensor }[];
}

export function freezableCopy(src: Graph): FrozenGraph {
  const graph = new Graph(`${src.name}/freezable`);
  const copies = new Map<Tensor, Tensor>();
  for (const t of src.inputs) copies.set(t, graph.input(t.name, t.shape, t.dtype));
  for (const p of src.params) {
    copies.set(p, graph.param(p.name, p.shape, src.paramOptions.get(p.name) ?? {}, p.dtype));
  }
  const flag = graph.input(FREEZE_FLAG, []);
  const unflag = sub(graph.scalar(1), flag);
  const map = (t: Tensor): Tensor => {
    const known = copies.get(t);
    if (known) return known;
    if (t.source.kind === 'constant') {
      const c = graph.constant(t.source.data, t.shape, t.name);
      copies.set(t, c);
      return c;
    }
    throw new NaskitError('invalid_argument', `freezableCopy: tensor '${t.name}' used before it was copied`);
  };
  const relus: FrozenGraph['relus'] = [];
  for (const node of src.nodes) {
    const inputs = node.inputs.map((t) => (t ? map(t) : null));
    if (node.op.type === 'Relu') {
      const x = inputs[0]!;
      const on = cast(greater(x, 0), 'float32');
      const mask = graph.input(`relu_mask${relus.length}`, x.shape);
      const m = add(mul(mask, flag), mul(on, unflag));
      copies.set(node.outputs[0]!, mul(x, m));
      relus.push({ mask, on });
      continue;
    }
    const outs = graph.apply(node.op, inputs, node.attrs, node.name);
    node.outputs.forEach((t, i) => copies.set(t, outs[i]!));
  }
  return { graph, map, relus };
}
