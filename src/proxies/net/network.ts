/**
 * The network a proxy scores for an architecture: the benchmark network of that architecture (one
 * program per architecture, compiled and released per architecture).
 *
 * NB201 cells by default share one program per conv pattern (spaces/nb201/pattern-network.ts: the
 * parameter-free edges are gated by fed 0/1 values, so values and gradients are the cell's own);
 * scoring runs sort the cells by pattern (`programGroup`) and the scorer keeps a few programs; a
 * pattern only one cell of a `score` call has gets the cell's own, smaller network.
 * `useNb201Patterns(false)` compiles each cell's own network for every cell.
 *
 * NB201 can instead use the space's mixed-op supernet with its α fed as an exact one-hot selection
 * (softmax of 0 and -1e4 is exactly 1 and 0 in float32), so ONE compiled program serves all 15,625
 * cells: unselected ops are multiplied by exact zeros and get zero gradients, and `uses` tells the
 * proxies which layers belong to the architecture. It gives the same scores but is off by default:
 * every run pays for every op on every edge, and on 8 NB201 cells (2 cores, batch 32) it was 2-4×
 * slower than compiling each cell's own network (snip 3.0 vs 1.3 s/arch, zen 1.8 vs 0.4 s/arch).
 */
import type { NetworkSpec } from '../../graph/network.js';
import { NB201_EDGES } from '../../spaces/nb201/network.js';
import { NB201_OPS, type Nb201Arch } from '../../spaces/nb201/ops.js';
import { NB201_ALPHA } from '../../spaces/nb201/supernet.js';
import {
  convPattern,
  freeGates,
  NB201_FREE_GATES,
  nb201PatternNetwork,
} from '../../spaces/nb201/pattern-network.js';
import type { AnySpace } from '../../spaces/space.js';
import { NaskitError } from '../../util/errors.js';

export interface ProxyNetwork {
  /** Architectures with the same key share one compiled program. */
  key: string;
  /**
   * How long the scorer keeps that program: 'one' (released after this architecture), 'group' (kept
   * while cells of its group come, runs sort by `programGroup`), 'all' (kept: it serves every cell).
   */
  serves: 'one' | 'group' | 'all';
  net: NetworkSpec;
  /** Values fed besides images and parameters (the NB201 supernet's α). */
  feeds: Record<string, Float32Array>;
  /** Whether a parameter or node (by scoped name) is part of the architecture. */
  uses(name: string): boolean;
}

const OFF = -1e4;

let nb201Supernet = false;
let nb201Patterns = true;

/** Score NB201 cells through one program per conv pattern (true, default) or their own networks. */
export function useNb201Patterns(on: boolean): void {
  nb201Patterns = on;
}

/** Score NB201 cells through the one-hot supernet (true) or their own networks (false, default). */
export function useNb201Supernet(on: boolean): void {
  nb201Supernet = on;
}
const EDGE_OP = /edge(\d)(\d)\/(nor_conv_1x1|nor_conv_3x3)\//;

/**
 * Architectures that share a compiled program when scored one after another (the NB201 conv
 * pattern; '' where each architecture has its own). Scoring runs sort by it.
 */
export function programGroup(space: AnySpace, arch: unknown): string {
  return space.name === 'nb201' && !nb201Supernet && nb201Patterns ? convPattern(arch as Nb201Arch) : '';
}

/**
 * A group program pays off once two cells scored together share it: for a lone cell it costs about a
 * third more than the cell's own network (`bench proxies --n 30`, random cells: grasp 1.02 vs 0.76 s,
 * snip 0.41 vs 0.31 s per cell), because every parameter-free op of the pattern is built and gated.
 */
export const MIN_CELLS_PER_GROUP_PROGRAM = 2;

/** Program groups met at least MIN_CELLS_PER_GROUP_PROGRAM times among `archs` (see netScorer). */
export function sharedProgramGroups(space: AnySpace, archs: readonly unknown[]): Set<string> {
  const count = new Map<string, number>();
  for (const arch of archs) {
    const group = programGroup(space, arch);
    if (group !== '') count.set(group, (count.get(group) ?? 0) + 1);
  }
  return new Set([...count].filter(([, n]) => n >= MIN_CELLS_PER_GROUP_PROGRAM).map(([g]) => g));
}

/**
 * The network a proxy scores `arch` with. `sharedGroups` (sharedProgramGroups of the cells scored
 * together) limits the group programs to the groups it holds; other cells get their own network.
 * Without it every NB201 cell uses its pattern's program.
 */
export function proxyNetwork(
  space: AnySpace,
  arch: unknown,
  config: {
    classes: number;
    inputShape: readonly [number, number, number];
    channels?: number;
    cells?: number;
  },
  sharedGroups?: ReadonlySet<string>,
): ProxyNetwork {
  const size = `${config.channels ?? ''}x${config.cells ?? ''}`;
  if (space.name === 'nb201' && space.supernet && nb201Supernet) {
    const cell = arch as Nb201Arch;
    const net = space.supernet({ mode: 'mixed', affine: true, ...config });
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
  if (
    space.name === 'nb201' &&
    nb201Patterns &&
    (sharedGroups === undefined || sharedGroups.has(convPattern(arch as Nb201Arch)))
  ) {
    // One program per conv pattern (spaces/nb201/pattern-network.ts): same values as the cell's own
    // network, compiled once for the ~21 cells of each pattern.
    const cell = arch as Nb201Arch;
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
  if (!space.build) {
    throw new NaskitError(
      'invalid_argument',
      `proxies need a network: space '${space.name}' cannot build one`,
    );
  }
  return {
    key: `${space.name}|${space.key(arch)}|${config.classes}|${config.inputShape.join('x')}|${size}`,
    net: space.build(arch, config),
    serves: 'one',
    feeds: {},
    uses: () => true,
  };
}
