/**
 * An op definition: the ONNX op it emits, how its outputs' shapes follow from its inputs, and its
 * vector-Jacobian product (VJP) rule. One op per file in `ops/`, forward and gradient together.
 */
import type { Attrs, Node, Tensor, TensorSpec } from './graph.js';

export interface VjpContext {
  readonly node: Node;
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Attrs;
  /** Gradient of the loss w.r.t. each output; null when no gradient flows into that output. */
  readonly grads: readonly (Tensor | null)[];
  /** Whether input i needs a gradient. Rules should skip building gradients nobody asked for. */
  needsGrad(i: number): boolean;
}

export interface OpDef {
  /** ONNX op_type. */
  readonly type: string;
  /** ONNX domain; '' (ai.onnx) unless stated. */
  readonly domain?: string;
  infer(inputs: readonly (TensorSpec | null)[], attrs: Attrs): TensorSpec[];
  /**
   * Gradient of the loss w.r.t. each input (null where not needed or not differentiable). A returned
   * gradient may have a broadcast shape; the engine sums it back to the input's shape.
   */
  vjp?(ctx: VjpContext): (Tensor | null)[];
  /** Set when the op has no gradient by nature (e.g. integer outputs), as opposed to a missing rule. */
  readonly nonDifferentiable?: true;
  /**
   * Set when two nodes with the same inputs and attributes may give different outputs (random ops):
   * the graph then never merges them (see `Graph.apply`).
   */
  readonly impure?: true;
}

export function defineOp(def: OpDef): OpDef {
  return def;
}
