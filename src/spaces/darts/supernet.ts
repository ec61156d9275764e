/**
 * The DARTS search supernet (DARTS' model_search.Network): the evaluation skeleton, but every cell has
 * all 14 edges (node k reads every earlier state) and each edge holds all 8 DARTS primitives — `none`
 * first, then the 7 ops of the space — with pooling followed by a non-affine BN and non-affine BN in
 * the ops and preprocessing by default. α: `alpha/normal` and `alpha/reduce`, [14, 8] each, shared by
 * all cells of that type; rows in edge order (node 0: inputs 0, 1; node 1: inputs 0..2; …).
 *
 * Single-path mode: `ctx.options.path` holds 28 entries (14 normal edges, then 14 reduce edges), each
 * an op index or -1 for an unused edge; `pathOf(genotype)` gives the genotype's path. `fedPath()`
 * takes the same values as a graph input, one program for every path (each edge a run-time switch).
 */
import type { Tensor } from '../../graph/graph.js';
import type { NetContext, NetworkSpec } from '../../graph/network.js';
import { sum } from '../../graph/ops/sum.js';
import { zeroOp } from '../../nn/blocks.js';
import { NaskitError } from '../../util/errors.js';
import { alphaSoftmax, mixedSum } from '../mixed-op.js';
import {
  checkNetworkConfig,
  PATH_INPUT,
  readPath,
  requireSinglePath,
  rejectUnused,
  type Supernet,
  type SupernetConfig,
} from '../network-config.js';
import { concat } from '../../graph/ops/concat.js';
import { add } from '../../graph/ops/add.js';
import { gather } from '../../graph/ops/gather.js';
import { switchLayer } from '../../nn/switch.js';
import { applyDartsOp, dartsEdgeScope } from './cell-ops.js';
import { makeDartsArch } from './codec.js';
import { dartsSkeleton, type DartsCellBody, type DartsDims } from './network.js';
import { CELL_TYPES, DARTS_OPS, INTERMEDIATE_NODES, type CellType, type DartsArch } from './ops.js';

/** DARTS' PRIMITIVES: the zero op, then the space's 7 ops (α columns, path values). */
export const DARTS_SUPERNET_OPS: readonly string[] = ['none', ...DARTS_OPS];
/** (from, to) of the 14 edges of a search cell, in α row order. */
export const DARTS_SEARCH_EDGES: ReadonlyArray<readonly [from: number, to: number]> = Array.from(
  { length: INTERMEDIATE_NODES },
  (_, k) => Array.from({ length: k + 2 }, (_, from) => [from, k + 2] as const),
).flat();
const ROWS = DARTS_SEARCH_EDGES.length; // 14

export function dartsAlphaName(type: CellType): string {
  return `alpha/${type}`;
}

export function dartsSupernet(config: SupernetConfig): Supernet<DartsArch> {
  const where = 'darts supernet';
  checkNetworkConfig(config, where);
  rejectUnused(config, where, ['auxiliary', 'dropPath']);
  if (config.mode !== 'mixed' && config.mode !== 'single-path') {
    throw new NaskitError(
      'invalid_config',
      `${where}: mode must be 'mixed' or 'single-path', got '${String(config.mode)}'`,
    );
  }
  const { mode, classes, inputShape } = config;
  const affine = config.affine ?? false;
  const dims: DartsDims = {
    channels: config.channels ?? 16,
    layers: config.cells ?? 8,
    classes,
    auxiliary: false,
    affine,
  };
  const edges = CELL_TYPES.flatMap((type) =>
    DARTS_SEARCH_EDGES.map(([from, to]) => `${type}/${dartsEdgeScope(from, to)}`),
  );
  const name = `darts-supernet-${mode}`;
  const opOptions = { affine, poolBn: true };

  /** One cell: each node sums its incoming edges' outputs; `edgeOutput` null = the edge adds nothing. */
  const cellFrom =
    (
      edgeOutput: (
        ctx: NetContext,
        x: Tensor,
        type: CellType,
        row: number,
        stride: number,
        scope: string,
      ) => Tensor | null,
    ): DartsCellBody =>
    (ctx, s0, s1, info) => {
      const type: CellType = info.reduction ? 'reduce' : 'normal';
      const states: Tensor[] = [s0, s1];
      let row = 0;
      for (let k = 0; k < INTERMEDIATE_NODES; k++) {
        const terms: Tensor[] = [];
        for (let from = 0; from < k + 2; from++, row++) {
          const stride = info.reduction && from < 2 ? 2 : 1;
          const out = edgeOutput(ctx, states[from]!, type, row, stride, dartsEdgeScope(from, k + 2));
          if (out) terms.push(out);
        }
        if (terms.length === 0) {
          throw new NaskitError(
            'invalid_argument',
            `${where}: cell ${info.index} (${type}) node ${k + 2} has no active input edge; ` +
              "give at least one of its edges an op (use 'none' for a zero input)",
          );
        }
        states.push(sum(terms));
      }
      return concat(states.slice(2), 1);
    };

  const forward = (ctx: NetContext, input: Tensor): Tensor => {
    if (mode === 'mixed') {
      const weights = {
        normal: alphaSoftmax(ctx, dartsAlphaName('normal'), ROWS, DARTS_SUPERNET_OPS.length),
        reduce: alphaSoftmax(ctx, dartsAlphaName('reduce'), ROWS, DARTS_SUPERNET_OPS.length),
      };
      const body = cellFrom((c, x, type, row, stride, scope) =>
        mixedSum(
          weights[type],
          row,
          DARTS_SUPERNET_OPS.map((op) =>
            op === 'none' ? null : applyDartsOp(c, x, op, stride, scope, opOptions),
          ),
        ),
      );
      return dartsSkeleton(ctx, input, dims, body).logits;
    }
    const path = readPath(ctx.options, edges, DARTS_SUPERNET_OPS, where, true);
    const body = cellFrom((c, x, type, row, stride, scope) => {
      const choice = path[(type === 'normal' ? 0 : ROWS) + row]!;
      if (choice < 0) return null;
      const op = DARTS_SUPERNET_OPS[choice]!;
      return op === 'none' ? zeroOp(x, stride) : applyDartsOp(c, x, op, stride, scope, opOptions);
    });
    return dartsSkeleton(ctx, input, dims, body).logits;
  };

  return {
    name,
    inputShape,
    classes,
    mode,
    ops: DARTS_SUPERNET_OPS,
    edges,
    independentEdges: false,
    alphas: CELL_TYPES.map((type) => ({
      name: dartsAlphaName(type),
      edges: edges.filter((e) => e.startsWith(`${type}/`)),
    })),
    forward,
    pathOf: dartsPathOf,
    withPath(path): NetworkSpec {
      requireSinglePath(mode, where, 'withPath');
      const fixed = [...path];
      return {
        name: `${name}[path]`,
        inputShape,
        classes,
        forward: (ctx, x) => forward({ ...ctx, options: { ...ctx.options, path: fixed } }, x),
      };
    },
    fedPath(): NetworkSpec {
      requireSinglePath(mode, where, 'fedPath');
      return {
        name: `${name}[fed]`,
        inputShape,
        classes,
        forward: (ctx, x) => {
          const choices = edgeChoices(ctx, edges.length);
          // Branch 0 is an unused edge (-1), branch k + 1 op k; both unused and `none` give zeros.
          const body = cellFrom((c, input, type, row, stride, scope) =>
            switchLayer(
              c,
              choices[(type === 'normal' ? 0 : ROWS) + row]!,
              [input],
              [-1, ...DARTS_SUPERNET_OPS.keys()].map(
                (k) =>
                  (bc: NetContext, [xb]: readonly Tensor[]) =>
                    k < 0 || DARTS_SUPERNET_OPS[k] === 'none'
                      ? zeroOp(xb!, stride)
                      : applyDartsOp(bc, xb!, DARTS_SUPERNET_OPS[k]!, stride, scope, opOptions),
              ),
              `${scope}/switch`,
            ),
          );
          return dartsSkeleton(ctx, x, dims, body).logits;
        },
      };
    },
    derive: deriveDartsGenotype,
  };
}

/** The fed path's graph input and, per edge, its value + 1 (the switch's branch: 0 = unused edge). */
function edgeChoices(ctx: NetContext, edges: number): Tensor[] {
  const g = ctx.graph;
  const path = g.input(PATH_INPUT, [edges], 'int64');
  return Array.from({ length: edges }, (_, e) =>
    add(gather(path, g.constant(BigInt64Array.of(BigInt(e)), [], 'edge')), 1),
  );
}

/** The single-path choice of a genotype: its 8 edges per cell get their op, the other 6 are off. */
export function dartsPathOf(arch: DartsArch): number[] {
  const path = new Array<number>(2 * ROWS).fill(-1);
  CELL_TYPES.forEach((type, t) => {
    arch[type].forEach(({ input, op }, i) => {
      const node = Math.floor(i / 2);
      const row = DARTS_SEARCH_EDGES.findIndex(([from, to]) => from === input && to === node + 2);
      path[t * ROWS + row] = DARTS_SUPERNET_OPS.indexOf(op);
    });
  });
  return path;
}

/**
 * DARTS' genotype rule on softmax(α): each node keeps its two incoming edges with the strongest
 * non-zero op, and each kept edge takes that op.
 */
export function deriveDartsGenotype(alpha: (name: string) => Float32Array): DartsArch {
  const K = DARTS_SUPERNET_OPS.length;
  const cells = {} as Record<CellType, { input: number; op: string }[]>;
  for (const type of CELL_TYPES) {
    const values = alpha(dartsAlphaName(type));
    if (values.length !== ROWS * K) {
      throw new NaskitError(
        'shape_mismatch',
        `${dartsAlphaName(type)} has ${values.length} values, expected ${ROWS} × ${K}`,
      );
    }
    const weights = softmaxRows(values, ROWS, K);
    const chosen: { input: number; op: string }[] = [];
    let row = 0;
    for (let k = 0; k < INTERMEDIATE_NODES; k++) {
      const candidates = Array.from({ length: k + 2 }, (_, from) => {
        let best = 1;
        for (let c = 2; c < K; c++)
          if (weights[(row + from) * K + c]! > weights[(row + from) * K + best]!) best = c;
        return { input: from, op: DARTS_SUPERNET_OPS[best]!, strength: weights[(row + from) * K + best]! };
      });
      row += k + 2;
      candidates.sort((a, b) => b.strength - a.strength || a.input - b.input);
      chosen.push(...candidates.slice(0, 2).map(({ input, op }) => ({ input, op })));
    }
    cells[type] = chosen;
  }
  return makeDartsArch(cells);
}

function softmaxRows(values: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, values[r * cols + c]!);
    let total = 0;
    for (let c = 0; c < cols; c++) total += out[r * cols + c] = Math.exp(values[r * cols + c]! - max);
    for (let c = 0; c < cols; c++) out[r * cols + c] = out[r * cols + c]! / total;
  }
  return out;
}
