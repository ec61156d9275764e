/**
 * What NB201 gives the zero-cost proxies (see ../proxy-hooks.ts).
 *
 * Shared programs. By default ('group') cells share one program per conv pattern (pattern-network.ts:
 * the parameter-free edges are gated by fed 0/1 values, so values and gradients are the cell's own);
 * scoring runs sort the cells by pattern and a scorer keeps a few programs; a pattern only one cell of
 * a run has gets the cell's own, smaller network.
 *
 * 'supernet' uses the mixed-op supernet with its α fed as an exact one-hot selection (softmax of 0 and
 * -1e4 is exactly 1 and 0 in float32), so ONE compiled program serves all 15,625 cells: unselected ops
 * are multiplied by exact zeros and get zero gradients, and `uses` tells the proxies which layers
 * belong to the architecture. It gives the same scores but is not the default: every run pays for
 * every op on every edge, and on 8 NB201 cells (2 cores, batch 32) it was 2-4× slower than compiling
 * each cell's own network (snip 3.0 vs 1.3 s/arch, zen 1.8 vs 0.4 s/arch).
 *
 * Constant weights: one program per conv pattern (constant-program.ts), each cell replaced by its
 * live part (live-cell.ts, bit-identical outputs).
 */
import type { NetworkConfig } from '../network-config.js';
import type { ProxyNetwork, SpaceProxyHooks } from '../proxy-hooks.js';
import { nb201ConstantKey, nb201ConstantProgram } from './constant-program.js';
import { liveNb201Cell } from './live-cell.js';
import { NB201_EDGES } from './network.js';
import { NB201_OPS, type Nb201Arch } from './ops.js';
import { convPattern, freeGates, NB201_FREE_GATES, nb201PatternNetwork } from './pattern-network.js';
import { NB201_ALPHA, nb201Supernet } from './supernet.js';

const OFF = -1e4;
const EDGE_OP = /edge(\d)(\d)\/(nor_conv_1x1|nor_conv_3x3)\//;

/**
 * NB201 cells packed per constant-weight run. One: on the 2-core box one cell per run took 0.031 s
 * per cell and two cells per run 0.032 (4–16 per run were slower still: the network is memory-bound
 * and a one-cell run's 2 MB activations stay in cache), so parallelism comes from `concurrency`.
 */
export const NB201_CELLS_PER_RUN = 1;

export const nb201ProxyHooks: SpaceProxyHooks<Nb201Arch> = {
  programGroup: (arch, sharing) => (sharing === 'group' ? convPattern(arch) : ''),

  network(cell, config: NetworkConfig, sharing, sharedGroups): ProxyNetwork | null {
    const size = `${config.channels ?? ''}x${config.cells ?? ''}`;
    if (sharing === 'supernet') {
      const net = nb201Supernet({ mode: 'mixed', affine: true, ...config });
      const alpha = new Float32Array(NB201_EDGES.length * NB201_OPS.length).fill(OFF);
      cell.edges.forEach((op, e) => (alpha[e * NB201_OPS.length + NB201_OPS.indexOf(op)] = 0));
      return {
        key: `nb201-supernet|${config.classes}|${config.inputShape.join('x')}|${size}`,
        net,
        serves: 'all',
        feeds: { [NB201_ALPHA]: alpha },
        uses(name) {
          const m = EDGE_OP.exec(name);
          if (!m) return true;
          const e = NB201_EDGES.findIndex(([from, to]) => from === Number(m[1]) && to === Number(m[2]));
          return cell.edges[e] === m[3];
        },
      };
    }
    if (sharing === 'group' && (sharedGroups === undefined || sharedGroups.has(convPattern(cell)))) {
      // One program per conv pattern: same values as the cell's own network, compiled once for the
      // ~21 cells of each pattern.
      return {
        key: `nb201-pattern|${convPattern(cell)}|${config.classes}|${config.inputShape.join('x')}|${size}`,
        net: nb201PatternNetwork(cell, {
          channels: config.channels ?? 16,
          cellsPerStage: config.cells ?? 5,
          classes: config.classes,
          inputShape: config.inputShape,
        }),
        serves: 'group',
        feeds: { [NB201_FREE_GATES]: freeGates(cell) },
        uses: () => true,
      };
    }
    return null;
  },

  constantWeights: {
    canonical: liveNb201Cell,
    programKey: nb201ConstantKey,
    program: nb201ConstantProgram,
    cellsPerRun: NB201_CELLS_PER_RUN,
  },
};
