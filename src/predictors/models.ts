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
  if (!Number.isInteger(context) || context < 0) {
    throw new NaskitError('invalid_config', `GCN predictor: context must be an integer >= 0, got ${context}`);
  }
  return {
    kind: 'gcn',
    fields: ['features', 'adjacency'],
    signature: `gcn:h${config.hidden}:l${config.layers}:c${context}`,
    forward(g, inputs) {
      const adjacency = field(inputs, 'adjacency', 'GCN predictor');
      let h = field(inputs, 'features', 'GCN predictor');
      const batch = h.shape[0]!;
      for (let l = 0; l < config.layers; l++) {
        h = g.scope(`gcn${l}`, () => {
          const projected = dense(g, h, 'proj', config.hidden, false);
          const bias = g.param('bias', [config.hidden], { init: { kind: 'zeros' }, noDecay: true });
          return relu(layerNorm(g, add(matMul(adjacency, projected), bias), 'norm'));
        });
      }
      let readout = reshape(slice(h, [1], [0], [1]), [batch, config.hidden]);
      if (context > 0) readout = contextModulated(g, readout, context);
      return reshape(dense(g, readout, 'head', 1), [batch]);
    },
  };
}

/** The FiLM-modulated hidden layer of a context-conditioned readout (see GcnConfig.context). */
function contextModulated(g: Graph, z: Tensor, size: number): Tensor {
  const width = z.shape[1]!;
  return g.scope('film', () => {
    const c = reshape(g.param(CONTEXT_PARAM, [size], { init: { kind: 'zeros' }, noDecay: true }), [1, size]);
    const scale = add(dense(g, c, 'scale', width, false), 1);
    const shift = dense(g, c, 'shift', width, false);
    return relu(add(mul(dense(g, z, 'hidden', width), scale), shift));
  });
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
