/**
 * Run-time choice between sub-graphs: `switchOn(index, branches)` computes the outputs of exactly one
 * branch, the one `index` (an int64 scalar or 1-element tensor fed at run time) selects. It is
 * serialized as a tree of ONNX `If` nodes (`Less(index, mid)` at each split), with each branch's
 * nodes in a `then_branch` / `else_branch` sub-graph that reads enclosing tensors by name.
 *
 * Branches are built in branch graphs (`parent.branch(name)`), which capture enclosing tensors and
 * hoist their parameters and constants to the root graph (see `Graph`), so a parameter store feeds
 * them like any other parameter.
 *
 * Gradient: the backward of a switch is another switch on the same index. Branch k's backward is built
 * by `gradOfOutputs` in branch k's own graph, after its forward nodes; the forward tensors it reads
 * (residuals) become extra outputs of the forward switch (the other branches output empty dummies in
 * those slots), so nothing is recomputed. The backward switch returns a gradient for every enclosing
 * tensor any branch reads; a branch that does not read it returns zeros (a broadcast scalar).
 * Index values below 0 select branch 0, values past the end the last branch.
 */
import { NaskitError } from '../util/errors.js';
import { type Graph, type Node, type Tensor, type TensorSpec, makeData } from './graph.js';
import type { OpDef, VjpContext } from './op.js';
import { gradOfOutputs } from './autodiff.js';
import { less } from './ops/less.js';
import { where } from './ops/where.js';
import { zeros } from './ops/zeros.js';

/** One branch as an ONNX sub-graph: the nodes of `graph` that `outputs` need. */
export interface BranchView {
  readonly graph: Graph;
  readonly outputs: Tensor[];
  /**
   * Tensors of `graph` this view does not compute but reads from the enclosing graph (a backward view
   * reads its forward's residuals from the forward switch's outputs).
   */
  readonly external: Map<Tensor, Tensor>;
}

/** The ONNX `If` tree of a switch: a split on a boolean condition, or one branch. */
export type IfTree =
  | { readonly kind: 'branch'; readonly view: BranchView }
  | { readonly kind: 'if'; readonly cond: Tensor; readonly then: IfTree; readonly else: IfTree };

/** The op of one switch node (each switch has its own, holding its branches). */
export class SwitchOp implements OpDef {
  readonly type = 'If';
  readonly impure = true as const;
  private differentiated = false;

  constructor(
    readonly index: Tensor,
    /** `Less(index, mid)` for each split point of the branch range. */
    readonly conds: ReadonlyMap<number, Tensor>,
    readonly views: readonly BranchView[],
    /** Number of nodes of each branch graph that belong to the forward (backward ones come later). */
    readonly forwardEnds: readonly number[] | null,
    private readonly outputSpecs: readonly TensorSpec[],
    /** Forward switches: a bool scalar; when false the backward is skipped (zero gradients). */
    readonly gradGate: Tensor | null = null,
  ) {}

  infer(): TensorSpec[] {
    return this.outputSpecs.map((s) => ({ shape: [...s.shape], dtype: s.dtype }));
  }

  ifTree(lo = 0, hi = this.views.length): IfTree {
    if (hi - lo === 1) return { kind: 'branch', view: this.views[lo]! };
    const mid = (lo + hi) >> 1;
    return { kind: 'if', cond: this.conds.get(mid)!, then: this.ifTree(lo, mid), else: this.ifTree(mid, hi) };
  }

  vjp(ctx: VjpContext): (Tensor | null)[] {
    if (!this.forwardEnds) {
      throw new NaskitError(
        'no_vjp',
        `switch '${ctx.node.name}' is a backward switch; second derivatives through a switch are not supported`,
      );
    }
    if (this.differentiated) {
      throw new NaskitError(
        'no_vjp',
        `switch '${ctx.node.name}' is differentiated a second time; build a new graph for each gradient`,
      );
    }
    this.differentiated = true;
    return switchVjp(this, this.forwardEnds, ctx);
  }
}

export function isSwitchOp(op: OpDef): op is SwitchOp {
  return op instanceof SwitchOp;
}

/** A branch under construction: its graph and the outputs it returns. */
export interface Branch {
  readonly graph: Graph;
  readonly outputs: readonly Tensor[];
}

/**
 * Outputs of the branch `index` selects. Every branch graph must be a branch of the same parent graph
 * (`parent.branch(...)`) and return outputs of the same shapes and dtypes, in the same order.
 */
export interface SwitchOptions {
  /**
   * A bool scalar of the parent graph: when it is false at run time, the backward runs no branch and
   * returns zero gradients. For a switch whose outputs are known to receive zero gradient (e.g. a
   * supernet node no chosen op reads), so that the backward is not computed on zeros.
   */
  gradGate?: Tensor;
}

export function switchOn(
  index: Tensor,
  branches: readonly Branch[],
  name = 'switch',
  options: SwitchOptions = {},
): Tensor[] {
  const parent = branches[0]?.graph.parent;
  if (branches.length < 2 || !parent) {
    throw new NaskitError(
      'invalid_argument',
      `switch '${name}' needs at least 2 branches built in branch graphs (parent.branch(name)), got ${branches.length}`,
    );
  }
  const idx = parent.capture(index);
  if (idx.dtype !== 'int64' || idx.size !== 1) {
    throw new NaskitError('dtype_mismatch', `switch '${name}': index must be one int64 value, got ${idx}`);
  }
  const first = branches[0]!.outputs;
  branches.forEach((b, k) => {
    if (b.graph.parent !== parent) {
      throw new NaskitError(
        'invalid_argument',
        `switch '${name}': branch ${k} (graph '${b.graph.name}') is not a branch of graph '${parent.name}'`,
      );
    }
    const same =
      b.outputs.length === first.length &&
      b.outputs.every((t, j) => t.dtype === first[j]!.dtype && sameDims(t.shape, first[j]!.shape));
    if (!same) {
      throw new NaskitError(
        'shape_mismatch',
        `switch '${name}': branch ${k} returns ${b.outputs.join(', ')} but branch 0 returns ${first.join(', ')}; ` +
          'every branch must return the same shapes and dtypes',
      );
    }
  });
  const views = branches.map((b) => ({ graph: b.graph, outputs: [...b.outputs], external: new Map() }));
  const op = new SwitchOp(
    idx,
    splitConds(idx, branches.length),
    views,
    branches.map((b) => b.graph.nodes.length),
    first.map((t) => ({ shape: t.shape, dtype: t.dtype })),
    options.gradGate ? parent.capture(options.gradGate) : null,
  );
  const inputs = switchInputs(op);
  return parent.apply(op, op.gradGate ? [...inputs, op.gradGate] : inputs, {}, name);
}

/**
 * `switchOn` over branches built by closures: branch k gets its own graph and the stand-ins of
 * `inputs` in it, and returns its outputs.
 */
export function switchBranches(
  index: Tensor,
  inputs: readonly Tensor[],
  branches: readonly ((graph: Graph, inputs: readonly Tensor[]) => Tensor[])[],
  name = 'switch',
): Tensor[] {
  const parent = inputs[0]?.graph ?? index.graph;
  const built = branches.map((build, k) => {
    const graph = parent.branch(`${name}${k}`);
    return {
      graph,
      outputs: build(
        graph,
        inputs.map((t) => graph.capture(t)),
      ),
    };
  });
  return switchOn(index, built, name);
}

function splitConds(index: Tensor, count: number): Map<number, Tensor> {
  const conds = new Map<number, Tensor>();
  const split = (lo: number, hi: number): void => {
    if (hi - lo < 2) return;
    const mid = (lo + hi) >> 1;
    conds.set(mid, less(index, mid));
    split(lo, mid);
    split(mid, hi);
  };
  split(0, count);
  return conds;
}

function switchInputs(op: SwitchOp): Tensor[] {
  const reads = new Set<Tensor>();
  for (const view of op.views) for (const t of viewReads(view)) reads.add(t);
  return [op.index, ...op.conds.values(), ...reads];
}

/** Nodes of `view.graph` that its outputs need, in order, not following its external tensors. */
export function viewNodes(view: BranchView): Node[] {
  return nodesNeeded(view.graph, view.outputs, (t) => view.external.has(t));
}

/** Nodes of `graph` that `outputs` need, in order; tensors for which `stop` holds count as given. */
function nodesNeeded(graph: Graph, outputs: readonly Tensor[], stop: (t: Tensor) => boolean): Node[] {
  const need = new Set<Node>();
  const visit = (t: Tensor | null): void => {
    if (t?.producer && !stop(t)) need.add(t.producer);
  };
  outputs.forEach(visit);
  const nodes = graph.nodes;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (need.has(nodes[i]!)) nodes[i]!.inputs.forEach(visit);
  }
  return nodes.filter((n) => need.has(n));
}

/** Enclosing-graph tensors a view reads (captured stand-ins' origins and external tensors). */
function viewReads(view: BranchView): Set<Tensor> {
  const reads = new Set<Tensor>();
  const visit = (t: Tensor | null): void => {
    if (!t) return;
    const outer = view.external.get(t) ?? view.graph.originOf(t);
    if (outer) reads.add(outer);
  };
  for (const node of viewNodes(view)) node.inputs.forEach(visit);
  view.outputs.forEach(visit);
  return reads;
}

function switchVjp(op: SwitchOp, forwardEnds: readonly number[], ctx: VjpContext): (Tensor | null)[] {
  const node = ctx.node;
  const parent = node.outputs[0]!.graph;
  const userOutputs = op.infer().length;
  const targets = ctx.inputs.flatMap((t, i) => (t && ctx.needsGrad(i) ? [{ t, i }] : []));

  const backViews: BranchView[] = op.views.map((view) => {
    const g = view.graph;
    const seeds = ctx.grads
      .slice(0, userOutputs)
      .flatMap((s, j) => (s ? [{ output: view.outputs[j]!, seed: g.capture(s) }] : []));
    const locals = targets.map(({ t }) => g.capturedOf(t) ?? null);
    const grads = gradOfOutputs(
      seeds,
      locals.filter((l): l is Tensor => l !== null),
    );
    let next = 0;
    const outputs = locals.map((local, q) => {
      const gl = local ? grads[next++] : null;
      const target = targets[q]!.t;
      return gl ?? zeros(g, target.shape, target.dtype);
    });
    return { graph: g, outputs, external: new Map() };
  });

  // Residuals: forward tensors of branch k its backward reads; exported by the forward switch.
  backViews.forEach((back, k) => {
    const end = forwardEnds[k]!;
    const isForward = (t: Tensor): boolean => t.producer !== null && t.producer.id < end;
    const residuals = new Set<Tensor>();
    back.outputs.filter(isForward).forEach((t) => residuals.add(t));
    for (const n of nodesNeeded(back.graph, back.outputs, isForward)) {
      for (const t of n.inputs) if (t && isForward(t)) residuals.add(t);
    }
    if (residuals.size === 0) return;
    const slots = parent.extendNode(
      node,
      [],
      [...residuals].map((r) => ({ shape: r.shape, dtype: r.dtype })),
      `${node.name}/residual`,
    );
    [...residuals].forEach((r, i) => {
      back.external.set(r, slots[i]!);
      op.views.forEach((view, m) => view.outputs.push(m === k ? r : emptyLike(view.graph, r)));
    });
  });
  parent.extendNode(node, switchInputs(op).slice(1 + op.conds.size), [], '');

  // A closed gate sends the backward to one more branch, which returns zeros.
  let backIndex = op.index;
  let backConds = op.conds;
  if (op.gradGate) {
    const closed = parent.branch(`${node.name}/nograd`);
    backViews.push({
      graph: closed,
      outputs: targets.map(({ t }) => zeros(closed, t.shape, t.dtype)),
      external: new Map(),
    });
    backIndex = where(op.gradGate, op.index, op.views.length);
    backConds = splitConds(backIndex, backViews.length);
  }
  const backOp = new SwitchOp(
    backIndex,
    backConds,
    backViews,
    null,
    targets.map(({ t }) => ({ shape: t.shape, dtype: t.dtype })),
  );
  const gradOuts = parent.apply(backOp, switchInputs(backOp), {}, `${node.name}/backward`);
  const result: (Tensor | null)[] = ctx.inputs.map(() => null);
  targets.forEach(({ i }, q) => {
    result[i] = gradOuts[q]!;
  });
  return result;
}

/**
 * What a branch that does not own a residual slot outputs there: an empty tensor of the same rank
 * (batch dim 0), so ORT still knows the rank and the other dims; a scalar stays a scalar zero.
 */
function emptyLike(graph: Graph, like: Tensor): Tensor {
  if (like.rank === 0) return graph.constant(makeData(like.dtype, [0]), [], 'unused');
  return graph.constant(makeData(like.dtype, []), [0, ...like.shape.slice(1)], 'unused');
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
