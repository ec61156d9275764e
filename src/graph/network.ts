/**
 * What a network is to the layers that run, train, score and export it: a function that, given a
 * build context and an input tensor [B, C, H, W], adds its forward pass to the context's graph and
 * returns the logits [B, classes]. The same function builds the training graph (batch statistics,
 * running-stat updates) and the inference graph (running statistics) with identical parameter names,
 * so one parameter store serves both.
 */
import type { Graph, Tensor } from './graph.js';

export interface NetContext {
  readonly graph: Graph;
  /** Training mode: batch-norm uses batch statistics and records its running-stat updates. */
  readonly training: boolean;
  /** New values of non-trainable state (BN running mean/var), by parameter name; training only. */
  readonly stateUpdates: Map<string, Tensor>;
  /** Mutable per-build options (e.g. which op each supernet edge runs); builders read what they know. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface NetworkSpec {
  readonly name: string;
  /** Input image shape [C, H, W]. */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  /** Add the forward pass; returns logits [B, classes]. */
  forward(ctx: NetContext, x: Tensor): Tensor;
}

export function createContext(
  graph: Graph,
  training: boolean,
  options: Readonly<Record<string, unknown>> = {},
): NetContext {
  return { graph, training, stateUpdates: new Map(), options };
}
