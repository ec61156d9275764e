/**
 * Predictor networks as naskit graphs. A model maps named per-architecture input fields to one score
 * per architecture; its parameter shapes never depend on the batch size (nor, for the GCN, on the
 * node count), so one parameter store serves programs compiled for any batch.
 *
 * GCN (BRP-NAS): h_0 = X; h_l = ReLU(LayerNorm(A · h_{l-1} · W_l + b_l)); y = Linear(h_L[global]).
 * A is unnormalised with self-loops, A[i][j] = 1 for an edge i → j (each node aggregates its
 * successors) and the global node 0 linked to every node, as in SamsungLabs/eagle.
 * MLP: ReLU layers over a flat vector (a space encoding, or the flattened unified graph).
 */
import type { Graph, Tensor } from '../graph/graph.js';
import { add } from '../graph/ops/add.js';
import { matMul } from '../graph/ops/mat-mul.js';
import { mul } from '../graph/ops/mul.js';
import { relu } from '../graph/ops/relu.js';
import { reshape } from '../graph/ops/reshape.js';
import { slice } from '../graph/ops/slice.js';
import { NaskitError } from '../util/errors.js';
import { dense, layerNorm } from './layers.js';

export interface ModelDef {
  readonly kind: 'gcn' | 'mlp';
  /** Names of the input fields the model reads. */
  readonly fields: readonly string[];
  /** Describes the architecture and its hyperparameters; compiled programs are cached by it. */
  readonly signature: string;
  /** Add the forward pass; `inputs` are [B, ...field shape]; returns scores [B]. */
  forward(g: Graph, inputs: ReadonlyMap<string, Tensor>): Tensor;
}

export interface GcnConfig {
  hidden: number;
  layers: number;
  /**
   * Size of a task-context vector (0 = none). With a context c, the readout goes through one hidden
   * layer modulated FiLM-style, u = ReLU((W z + b) ⊙ (1 + Γ c) + B c), before the linear head, so a
   * few context numbers can change the ranking (CAVIA: the inner loop adapts only c).
   */
  context?: number;
  /** Where the context acts: only the readout (default), or also every GCN layer (FiLM after LayerNorm). */
  contextEverywhere?: boolean;
  /**
   * Number of per-architecture score features (input field `scores` [S], e.g. standardized params,
   * FLOPs, zero-cost proxies; 0 = none). They join the graph readout through one hidden layer,
   * r' = ReLU(W r + V s + b), as eagle's scalar `augments`, so they can interact with the graph.
   */
  scores?: number;
}

export interface MlpConfig {
  hidden: number;
  layers: number;
}

function field(inputs: ReadonlyMap<string, Tensor>, name: string, model: string): Tensor {
  const t = inputs.get(name);
  if (!t) {
    throw new NaskitError(
      'missing_feed',
      `${model}: input field '${name}' is missing (got ${[...inputs.keys()].join(', ') || 'none'}); ` +
        `encode the architectures for this model (see encoding.ts)`,
    );
  }
  return t;
}

function checkPositive(config: Record<string, number>, model: string): void {
  for (const [key, value] of Object.entries(config)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new NaskitError('invalid_config', `${model}: ${key} must be a positive integer, got ${value}`);
    }
  }
}

export function gcnModel(config: GcnConfig): ModelDef {
  checkPositive({ hidden: config.hidden, layers: config.layers }, 'GCN predictor');
  const context = config.context ?? 0;
  const scores = config.scores ?? 0;
  for (const [key, value] of [
    ['context', context],
    ['scores', scores],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new NaskitError('invalid_config', `GCN predictor: ${key} must be an integer >= 0, got ${value}`);
    }
  }
  return {
    kind: 'gcn',
    fields: scores > 0 ? ['features', 'adjacency', 'scores'] : ['features', 'adjacency'],
    signature:
      `gcn:h${config.hidden}:l${config.layers}:c${context}${config.contextEverywhere ? 'e' : ''}` +
      (scores > 0 ? `:s${scores}` : ''),
    forward(g, inputs) {
      const adjacency = field(inputs, 'adjacency', 'GCN predictor');
      let h = field(inputs, 'features', 'GCN predictor');
      const batch = h.shape[0]!;
      const c = context > 0 ? contextVector(g, context) : null;
      for (let l = 0; l < config.layers; l++) {
        h = g.scope(`gcn${l}`, () => {
          const projected = dense(g, h, 'proj', config.hidden, false);
          const bias = g.param('bias', [config.hidden], { init: { kind: 'zeros' }, noDecay: true });
          const normed = layerNorm(g, add(matMul(adjacency, projected), bias), 'norm');
          return relu(c && config.contextEverywhere ? film(g, normed, c) : normed);
        });
      }
      let readout = reshape(slice(h, [1], [0], [1]), [batch, config.hidden]);
      if (scores > 0) {
        const s = field(inputs, 'scores', 'GCN predictor');
        readout = g.scope('scores', () =>
          relu(add(dense(g, readout, 'graph', config.hidden), dense(g, s, 'features', config.hidden, false))),
        );
      }
      if (c) readout = g.scope('film', () => relu(film(g, dense(g, readout, 'hidden', config.hidden), c)));
      return reshape(dense(g, readout, 'head', 1), [batch]);
    },
  };
}

/** The task-context vector as a [1, size] tensor (one parameter, zeros at first). */
function contextVector(g: Graph, size: number): Tensor {
  return g.scope('film', () =>
    reshape(g.param(CONTEXT_PARAM, [size], { init: { kind: 'zeros' }, noDecay: true }), [1, size]),
  );
}

/** FiLM: x ⊙ (1 + Γ c) + B c over the last axis, with Γ, B learned per use site. */
function film(g: Graph, x: Tensor, c: Tensor): Tensor {
  const width = x.shape.at(-1)!;
  return g.scope('film', () =>
    add(mul(x, add(dense(g, c, 'scale', width, false), 1)), dense(g, c, 'shift', width, false)),
  );
}

/** Name (inside scope 'film') of the task-context vector; the CAVIA inner loop adapts only it. */
export const CONTEXT_PARAM = 'context';

export function isContextParam(name: string): boolean {
  return name === `film/${CONTEXT_PARAM}`;
}

export function mlpModel(config: MlpConfig): ModelDef {
  checkPositive({ hidden: config.hidden, layers: config.layers }, 'MLP predictor');
  return {
    kind: 'mlp',
    fields: ['vector'],
    signature: `mlp:h${config.hidden}:l${config.layers}`,
    forward(g, inputs) {
      let h = field(inputs, 'vector', 'MLP predictor');
      const batch = h.shape[0]!;
      for (let l = 0; l < config.layers; l++) h = relu(dense(g, h, `mlp${l}`, config.hidden));
      return reshape(dense(g, h, 'head', 1), [batch]);
    },
  };
}
