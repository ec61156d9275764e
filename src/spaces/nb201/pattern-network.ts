/**
 * One NB201 network for every cell with the same conv edges ("conv pattern": 3^6 = 729 of them).
 * Conv edges are built as in the cell's own network (same parameter names, so the same
 * initialization); each parameter-free edge (none / skip_connect / avg_pool_3x3) becomes
 * x·g_skip + avgpool(x)·g_pool with its gates read from the non-trainable parameter
 * `alpha/nb201-free` ([6 edges, 2]), fed per cell: (0, 0) none, (1, 0) skip, (0, 1) avg-pool.
 * Multiplying by exact 0 and 1 and adding exact zeros leaves every value and gradient of the cell's
 * own network unchanged, so a program compiled once per pattern scores all of its cells.
 */
import type { NetworkSpec } from '../../graph/network.js';
import { add } from '../../graph/ops/add.js';
import { mul } from '../../graph/ops/mul.js';
import { avgPool3x3 } from '../../nn/blocks.js';
import { edgeWeight } from '../mixed-op.js';
import { NaskitError } from '../../util/errors.js';
import {
  applyNb201Op,
  NB201_EDGES,
  nb201CellWith,
  nb201Skeleton,
  type Nb201NetworkConfig,
} from './network.js';
import type { Nb201Arch } from './ops.js';

export const NB201_FREE_GATES = 'alpha/nb201-free';

const CONV = new Set(['nor_conv_1x1', 'nor_conv_3x3']);

/** The cell's conv pattern: its conv ops, '-' on the parameter-free edges. */
export function convPattern(arch: Nb201Arch): string {
  return arch.edges.map((op) => (CONV.has(op) ? op : '-')).join(',');
}

/** Gate values of a cell's parameter-free edges ([6, 2], row-major); conv edges' rows are unused. */
export function freeGates(arch: Nb201Arch): Float32Array {
  const gates = new Float32Array(NB201_EDGES.length * 2);
  arch.edges.forEach((op, e) => {
    if (op === 'skip_connect') gates[2 * e] = 1;
    else if (op === 'avg_pool_3x3') gates[2 * e + 1] = 1;
    else if (op !== 'none' && !CONV.has(op)) {
      throw new NaskitError('invalid_arch', `nb201: unknown op '${op}' on edge ${e}`);
    }
  });
  return gates;
}

export function nb201PatternNetwork(
  arch: Nb201Arch,
  config: Required<Omit<Nb201NetworkConfig, 'fuseConvFanout'>>,
): NetworkSpec {
  const convs = arch.edges.map((op) => (CONV.has(op) ? op : null));
  return {
    name: 'nb201-pattern',
    inputShape: config.inputShape,
    classes: config.classes,
    forward(ctx, input) {
      const gates = ctx.graph.param(NB201_FREE_GATES, [NB201_EDGES.length, 2], {
        init: { kind: 'zeros' },
        trainable: false,
      });
      // Every edge adds a term: a conv edge its op, a parameter-free edge its gated skip and pool.
      const cell = nb201CellWith((c, x, e, scope) => {
        const conv = convs[e];
        if (conv) return applyNb201Op(c, x, conv, scope);
        return add(mul(x, edgeWeight(gates, e, 0)), mul(avgPool3x3(x, 1), edgeWeight(gates, e, 1)));
      });
      return nb201Skeleton(ctx, input, config, cell);
    },
  };
}
