/**
 * A layer that runs one of several sub-networks, chosen at run time by a fed int64 index (a
 * single-path supernet edge whose op comes from the fed path). Each branch is built with its own
 * context on a branch graph; parameters keep the names they would have outside the switch.
 *
 * Batch-norm running statistics: a branch in training mode records its updates in its own context.
 * The switch returns, for every statistic any branch updates, the taken branch's new value or — when
 * the taken branch does not touch it — the value it had before, and records that in the outer
 * context, so a training step writes back exactly the statistics of the ops that ran.
 */
import type { Tensor } from '../graph/graph.js';
import type { NetContext } from '../graph/network.js';
import { type SwitchOptions, switchOn } from '../graph/control.js';
import { NaskitError } from '../util/errors.js';

/** One branch: builds its output from the branch context and the stand-ins of the switch inputs. */
export type NetBranch = (ctx: NetContext, inputs: readonly Tensor[]) => Tensor;

export function switchLayer(
  ctx: NetContext,
  index: Tensor,
  inputs: readonly Tensor[],
  branches: readonly NetBranch[],
  name = 'switch',
  options: SwitchOptions = {},
): Tensor {
  const parent = ctx.graph;
  const built = branches.map((build, k) => {
    const graph = parent.branch(`${name}${k}`);
    const inner: NetContext = {
      graph,
      training: ctx.training,
      stateUpdates: new Map(),
      options: ctx.options,
    };
    const y = build(
      inner,
      inputs.map((t) => graph.capture(t)),
    );
    return { graph, y, state: inner.stateUpdates };
  });
  const stateNames = [...new Set(built.flatMap((b) => [...b.state.keys()]))];
  const before = (stateName: string): Tensor => {
    const value = ctx.stateUpdates.get(stateName) ?? parent.root.findParam(stateName);
    if (!value) {
      throw new NaskitError(
        'invalid_argument',
        `switch '${name}': a branch updates '${stateName}', which is not a parameter of graph '${parent.root.name}'`,
      );
    }
    return value;
  };
  const outputs = switchOn(
    index,
    built.map((b) => ({
      graph: b.graph,
      outputs: [b.y, ...stateNames.map((s) => b.state.get(s) ?? b.graph.capture(before(s)))],
    })),
    name,
    options,
  );
  stateNames.forEach((s, i) => ctx.stateUpdates.set(s, outputs[1 + i]!));
  return outputs[0]!;
}
