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
  for (const w of wrt) {
    if (w.graph !== g) throw new NaskitError('invalid_argument', `grad: ${w} belongs to another graph`);
  }

  // Nodes that depend on some wrt tensor (forward reachability, in creation = topological order).
  const wrtSet = new Set<Tensor>(wrt);
  const dependsOnWrt = new Set<Tensor>(wrt);
  for (const node of g.nodes) {
    if (node.inputs.some((t) => t !== null && dependsOnWrt.has(t))) {
      for (const out of node.outputs) if (isFloat(out.dtype)) dependsOnWrt.add(out);
    }
  }
  // Nodes the loss depends on (backward reachability).
  const lossNeeds = new Set<Node>();
  const lossProducer = loss.producer;
  if (lossProducer) lossNeeds.add(lossProducer);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const node = g.nodes[i]!;
    if (!lossNeeds.has(node)) continue;
    for (const t of node.inputs) if (t?.producer) lossNeeds.add(t.producer);
  }

  const pending = new Map<Tensor, Tensor[]>();
  const seed =
    options.seed ?? g.constant(makeData(loss.dtype, new Array(loss.size).fill(1)), loss.shape, 'grad_seed');
  if (!sameShape(seed.shape, loss.shape)) {
    throw new NaskitError(
      'shape_mismatch',
      `grad: seed shape ${formatShape(seed.shape)} differs from loss shape ${formatShape(loss.shape)}`,
    );
  }
  pending.set(loss, [seed]);
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
    const outGrads = node.outputs.map((o) => collect(o));
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
      inputs: node.inputs,
      outputs: node.outputs,
      attrs: node.attrs,
      grads: outGrads,
      needsGrad: (k) => needs[k] === true,
    };
    const inGrads = g.scope(`${node.name}/grad`, () => node.op.vjp!(ctx));
    node.inputs.forEach((input, k) => {
      const gk = inGrads[k];
      if (!input || !needs[k] || !gk) return;
      const fitted = g.scope(`${node.name}/grad`, () => fitToShape(gk, input, node));
      const list = pending.get(input);
      if (list) list.push(fitted);
      else pending.set(input, [fitted]);
    });
  }

  return wrt.map((w) => {
    const gw = collect(w);
    if (gw) return gw;
    if (!wrtSet.has(w) || !options.allowUnused) {
      throw new NaskitError(
        'invalid_argument',
        `grad: the loss ${loss.name} does not depend on ${w}; pass allowUnused to get zeros`,
      );
    }
    return g.constant(makeData(w.dtype, new Array(w.size).fill(0)), w.shape, `${w.name}_zero_grad`);
  });
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
