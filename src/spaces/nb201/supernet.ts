/**
 * The NAS-Bench-201 supernet (AutoDL-Projects' TinyNetworkDarts / SPOS form): the benchmark's skeleton
 * with every cell holding all 5 ops on each of its 6 edges; one α matrix `alpha/cell` [6, 5] shared by
 * all cells (edge rows in NB201 string order, op columns in NB201_OPS order). Cell-op BN is not
 * affine by default, as in the benchmark's searches; the reduction blocks and the head are the
 * network's own. Unlike AutoDL, BN keeps running statistics, so inference uses them.
 */
import type { NetContext, NetworkSpec } from '../../graph/network.js';
import type { Tensor } from '../../graph/graph.js';
import { alphaSoftmax, mixedSum, rowArgmax } from '../mixed-op.js';
import {
  checkNetworkConfig,
  readPath,
  rejectUnused,
  type Supernet,
  type SupernetConfig,
} from '../network-config.js';
import { NaskitError } from '../../util/errors.js';
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
    alphas: [{ name: NB201_ALPHA, edges }],
    forward,
    pathOf: (arch) => opIndices(arch),
    withPath(path): NetworkSpec {
      if (mode !== 'single-path') {
        throw new NaskitError(
          'invalid_argument',
          `${where}: withPath needs mode 'single-path', this one is '${mode}'`,
        );
      }
      const fixed = [...path];
      return {
        name: `${name}[${fixed.join(',')}]`,
        inputShape,
        classes,
        forward: (ctx, x) => forward({ ...ctx, options: { ...ctx.options, path: fixed } }, x),
      };
    },
    // AutoDL's genotype rule: the strongest op of every edge, `none` included.
    derive: (alpha) =>
      makeNb201Arch(
        rowArgmax(alpha(NB201_ALPHA), NB201_NUM_EDGES, NB201_OPS.length).map((k) => NB201_OPS[k]!),
      ),
  };
}
