/**
 * The NAS-Bench-201 supernet (AutoDL-Projects' TinyNetworkDarts / SPOS form): the benchmark's skeleton
 * with every cell holding all 5 ops on each of its 6 edges; one α matrix `alpha/cell` [6, 5] shared by
 * all cells (edge rows in NB201 string order, op columns in NB201_OPS order). Cell-op BN is not
 * affine by default, as in the benchmark's searches; the reduction blocks and the head are the
 * network's own. Unlike AutoDL, BN keeps running statistics, so inference uses them.
 *
 * Single-path mode builds one path per program (`withPath`) or one program for every path
 * (`fedPath`): each edge is then a run-time switch over its 5 ops (`none` gives zeros), chosen by the
 * fed `path` input, with the same parameter names as `withPath` and the standalone network.
 */
import type { NetContext, NetworkSpec } from '../../graph/network.js';
import type { Tensor } from '../../graph/graph.js';
import { alphaSoftmax, mixedSum, rowArgmax } from '../mixed-op.js';
import {
  checkNetworkConfig,
  PATH_INPUT,
  readPath,
  requireSinglePath,
  rejectUnused,
  type Supernet,
  type SupernetConfig,
} from '../network-config.js';
import { NaskitError } from '../../util/errors.js';
import { add } from '../../graph/ops/add.js';
import { cast } from '../../graph/ops/cast.js';
import { gather } from '../../graph/ops/gather.js';
import { greater } from '../../graph/ops/greater.js';
import { mul } from '../../graph/ops/mul.js';
import { zerosLike } from '../../graph/ops/zeros.js';
import { switchLayer } from '../../nn/switch.js';
import {
  NB201_EDGES,
  applyNb201Op,
  checkNb201Input,
  nb201EdgeScope,
  nb201CellWith,
  nb201Skeleton,
} from './network.js';
import { NB201_NUM_EDGES, NB201_OPS, makeNb201Arch, opIndices, type Nb201Arch } from './ops.js';

export const NB201_ALPHA = 'alpha/cell';

/**
 * Per cell node, a bool scalar: does the cell output depend on it under the fed path (null: always)?
 * Node 2 is read only through edge 2→3, node 1 through 1→3 and through 1→2 when node 2 is read. A node
 * nothing reads still runs forward (its BN statistics update, as in the standalone network), but its
 * edges skip their backward instead of back-propagating zeros.
 */
function liveNodes(choices: readonly Tensor[]): (Tensor | null)[] {
  const notNone = (e: number) => cast(greater(choices[e]!, NB201_OPS.indexOf('none')), 'int64');
  const edge = (from: number, to: number) => NB201_EDGES.findIndex(([a, b]) => a === from && b === to);
  const live2 = notNone(edge(2, 3));
  const live1 = add(notNone(edge(1, 3)), mul(live2, notNone(edge(1, 2))));
  return [null, greater(live1, 0), greater(live2, 0), null];
}

/** The fed path's graph input and one int64 scalar per edge, read by every cell. */
function edgeChoices(ctx: NetContext, edges: number): Tensor[] {
  const g = ctx.graph;
  const path = g.input(PATH_INPUT, [edges], 'int64');
  return Array.from({ length: edges }, (_, e) =>
    gather(path, g.constant(BigInt64Array.of(BigInt(e)), [], 'edge')),
  );
}

export function nb201Supernet(config: SupernetConfig): Supernet<Nb201Arch> {
  const where = 'nb201 supernet';
  checkNetworkConfig(config, where);
  rejectUnused(config, where, ['auxiliary', 'dropPath']);
  checkNb201Input(config.inputShape, where);
  if (config.mode !== 'mixed' && config.mode !== 'single-path') {
    throw new NaskitError(
      'invalid_config',
      `${where}: mode must be 'mixed' or 'single-path', got '${String(config.mode)}'`,
    );
  }
  const { mode, classes, inputShape } = config;
  const affine = config.affine ?? false;
  const dims = { channels: config.channels ?? 16, cellsPerStage: config.cells ?? 5, classes };
  const edges = NB201_EDGES.map(([from, to]) => nb201EdgeScope(from, to));
  const name = `nb201-supernet-${mode}`;

  const forward = (ctx: NetContext, input: Tensor): Tensor => {
    if (mode === 'mixed') {
      const weights = alphaSoftmax(ctx, NB201_ALPHA, NB201_NUM_EDGES, NB201_OPS.length);
      return nb201Skeleton(
        ctx,
        input,
        dims,
        nb201CellWith((c, x, e, scope) =>
          mixedSum(
            weights,
            e,
            NB201_OPS.map((op) => applyNb201Op(c, x, op, scope, affine)),
          ),
        ),
      );
    }
    const path = readPath(ctx.options, edges, NB201_OPS, where, false);
    return nb201Skeleton(
      ctx,
      input,
      dims,
      nb201CellWith((c, x, e, scope) => applyNb201Op(c, x, NB201_OPS[path[e]!]!, scope, affine)),
    );
  };

  return {
    name,
    inputShape,
    classes,
    mode,
    ops: NB201_OPS,
    edges,
    independentEdges: true,
    alphas: [{ name: NB201_ALPHA, edges }],
    forward,
    pathOf: (arch) => opIndices(arch),
    withPath(path): NetworkSpec {
      requireSinglePath(mode, where, 'withPath');
      const fixed = [...path];
      return {
        name: `${name}[${fixed.join(',')}]`,
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
          const live = liveNodes(choices);
          return nb201Skeleton(
            ctx,
            x,
            dims,
            nb201CellWith((c, input, e, scope) =>
              switchLayer(
                c,
                choices[e]!,
                [input],
                NB201_OPS.map((op) => (bc: NetContext, [xb]: readonly Tensor[]) => {
                  // `none` is zeros here: every branch must return the edge's output shape.
                  return applyNb201Op(bc, xb!, op, scope, affine) ?? zerosLike(xb!);
                }),
                `${scope}/switch`,
                live[NB201_EDGES[e]![1]] ? { gradGate: live[NB201_EDGES[e]![1]]! } : {},
              ),
            ),
          );
        },
      };
    },
    // AutoDL's genotype rule: the strongest op of every edge, `none` included.
    derive: (alpha) =>
      makeNb201Arch(
        rowArgmax(alpha(NB201_ALPHA), NB201_NUM_EDGES, NB201_OPS.length).map((k) => NB201_OPS[k]!),
      ),
  };
}
