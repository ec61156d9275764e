/**
 * Reverse-mode automatic differentiation on the graph. `grad(loss, wrt)` appends gradient nodes built
 * from ordinary ONNX ops to the same graph and returns one gradient tensor per `wrt` entry.
 *
 * The engine does the shared work once, so VJP rules stay short: it finds which nodes lie between
 * `wrt` and `loss`, sums gradients of tensors used more than once, reduces broadcast gradients back to
 * their operand's shape, checks every rule's output shape, and fails naming the op when a rule is
 * missing.
 */
import { NaskitError, formatShape } from '../util/errors.js';
import { type Node, type Tensor, isFloat, makeData } from './graph.js';
import type { VjpContext } from './op.js';
import { sameShape } from './shape.js';
import { add } from './ops/add.js';
import { reduceSum } from './ops/reduce-sum.js';
import { reshape } from './ops/reshape.js';
import { expand } from './ops/expand.js';

export interface GradOptions {
  /** Gradient of the final output; defaults to ones (so `loss` is usually a scalar). */
  seed?: Tensor;
  /** Return a zeros tensor (instead of throwing) for a `wrt` entry the loss does not depend on. */
  allowUnused?: boolean;
}

export function grad(loss: Tensor, wrt: readonly Tensor[], options: GradOptions = {}): Tensor[] {
  const g = loss.graph;
  if (!isFloat(loss.dtype)) {
    throw new NaskitError('dtype_mismatch', `grad: loss ${loss} must be floating point`);
  }
  const seed =
    options.seed ?? g.constant(makeData(loss.dtype, new Array(loss.size).fill(1)), loss.shape, 'grad_seed');
  if (!sameShape(seed.shape, loss.shape)) {
    throw new NaskitError(
      'shape_mismatch',
      `grad: seed shape ${formatShape(seed.shape)} differs from loss shape ${formatShape(loss.shape)}`,
    );
  }
  const grads = gradOfOutputs([{ output: loss, seed }], wrt);
  return wrt.map((w, i) => {
    const gw = grads[i];
    if (gw) return gw;
    if (!options.allowUnused) {
      throw new NaskitError(
        'invalid_argument',
        `grad: the loss ${loss.name} does not depend on ${w}; pass allowUnused to get zeros`,
      );
    }
    return g.constant(makeData(w.dtype, new Array(w.size).fill(0)), w.shape, `${w.name}_zero_grad`);
  });
}

/** One output of a vector-Jacobian product and the gradient flowing into it. */
export interface GradSeed {
  readonly output: Tensor;
  readonly seed: Tensor;
}

/**
 * Gradients of Σ_i ⟨outputs_i, seed_i⟩ w.r.t. each `wrt` entry, null where no seeded output depends
 * on it. `grad` is the one-output case; a control-flow node differentiates its branches with this.
 */
export function gradOfOutputs(seeds: readonly GradSeed[], wrt: readonly Tensor[]): (Tensor | null)[] {
  const g = seeds[0]?.output.graph ?? wrt[0]?.graph;
  if (!g) return [];
  for (const t of [...wrt, ...seeds.flatMap((s) => [s.output, s.seed])]) {
    if (t.graph !== g) throw new NaskitError('invalid_argument', `grad: ${t} belongs to another graph`);
  }

  // Nodes that depend on some wrt tensor (forward reachability, in creation = topological order).
  const dependsOnWrt = new Set<Tensor>(wrt);
  for (const node of g.nodes) {
    if (node.inputs.some((t) => t !== null && dependsOnWrt.has(t))) {
      for (const out of node.outputs) if (isFloat(out.dtype)) dependsOnWrt.add(out);
    }
  }
  // Nodes the seeded outputs depend on (backward reachability).
  const lossNeeds = new Set<Node>();
  for (const { output } of seeds) if (output.producer) lossNeeds.add(output.producer);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const node = g.nodes[i]!;
    if (!lossNeeds.has(node)) continue;
    for (const t of node.inputs) if (t?.producer) lossNeeds.add(t.producer);
  }

  const pending = new Map<Tensor, Tensor[]>();
  for (const { output, seed } of seeds) {
    if (!sameShape(seed.shape, output.shape)) {
      throw new NaskitError(
        'shape_mismatch',
        `grad: seed ${seed} does not have the shape of output ${output}`,
      );
    }
    const list = pending.get(output);
    if (list) list.push(seed);
    else pending.set(output, [seed]);
  }
  const done = new Map<Tensor, Tensor>();

  const collect = (t: Tensor): Tensor | null => {
    const cached = done.get(t);
    if (cached) return cached;
    const parts = pending.get(t);
    if (!parts || parts.length === 0) return null;
    let total = parts[0]!;
    for (let i = 1; i < parts.length; i++) total = add(total, parts[i]!);
    done.set(t, total);
    return total;
  };

  const lastNode = g.nodes.length;
  for (let i = lastNode - 1; i >= 0; i--) {
    const node = g.nodes[i]!;
    if (!lossNeeds.has(node)) continue;
    const needs = node.inputs.map((t) => t !== null && dependsOnWrt.has(t) && isFloat(t.dtype));
    if (!needs.some(Boolean)) continue;
    // Outputs are read once: a control-flow node's rule may append outputs to the node.
    const outGrads = [...node.outputs].map((o) => collect(o));
    if (outGrads.every((x) => x === null)) continue;
    if (node.op.nonDifferentiable) continue;
    if (!node.op.vjp) {
      throw new NaskitError(
        'no_vjp',
        `no gradient rule for op ${node.op.type} (node '${node.name}'); the loss depends on it through ` +
          `${node.inputs
            .filter((t, k) => t && needs[k])
            .map(String)
            .join(', ')}`,
      );
    }
    const ctx: VjpContext = {
      node,
      inputs: [...node.inputs],
      outputs: [...node.outputs],
      attrs: node.attrs,
      grads: outGrads,
      needsGrad: (k) => needs[k] === true,
    };
    const inGrads = g.scope(`${node.name}/grad`, () => node.op.vjp!(ctx));
    ctx.inputs.forEach((input, k) => {
      const gk = inGrads[k];
      if (!input || !needs[k] || !gk) return;
      const fitted = g.scope(`${node.name}/grad`, () => fitToShape(gk, input, node));
      const list = pending.get(input);
      if (list) list.push(fitted);
      else pending.set(input, [fitted]);
    });
  }

  return wrt.map((w) => collect(w));
}

/** Sum a broadcast gradient back to its operand's shape; reject anything else. */
function fitToShape(gradient: Tensor, input: Tensor, node: Node): Tensor {
  if (sameShape(gradient.shape, input.shape)) return gradient;
  const gs = gradient.shape;
  const xs = input.shape;
  const lead = gs.length - xs.length;
  const axes: number[] = [];
  let compatible = lead >= 0;
  for (let i = 0; compatible && i < gs.length; i++) {
    if (i < lead) axes.push(i);
    else if (xs[i - lead] === 1 && gs[i] !== 1) axes.push(i);
    else if (xs[i - lead] !== gs[i]) compatible = false;
  }
  if (!compatible) {
    // A scalar-like gradient for a bigger input: broadcast it (e.g. a rule returning a per-batch scalar).
    if (gs.every((d) => d === 1) || gs.length === 0) return expand(gradient, xs);
    throw new NaskitError(
      'shape_mismatch',
      `gradient rule of ${node.op.type} (node '${node.name}') returned ${formatShape(gs)} for input ` +
        `${input.name} of shape ${formatShape(xs)}`,
    );
  }
  const summed = reduceSum(gradient, axes, true);
  return sameShape(summed.shape, xs) ? summed : reshape(summed, xs);
}
