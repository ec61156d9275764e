/**
 * The network a proxy scores for an architecture: what the space's proxy hooks give under the
 * session's program sharing (a program several architectures share, see spaces/proxy-hooks.ts), else
 * the architecture's own benchmark network (one program per architecture, compiled and released per
 * architecture).
 */
import type { ProgramSharing, ProxyNetwork } from '../../spaces/proxy-hooks.js';
import type { AnySpace } from '../../spaces/space.js';
import { NaskitError } from '../../util/errors.js';

export type { ProxyNetwork } from '../../spaces/proxy-hooks.js';

/**
 * Architectures that share a compiled program when scored one after another ('' where each
 * architecture has its own). Scoring runs sort by it.
 */
export function programGroup(space: AnySpace, sharing: ProgramSharing, arch: unknown): string {
  return space.proxyHooks?.programGroup?.(arch, sharing) ?? '';
}

/**
 * A group program pays off once two cells scored together share it: for a lone cell it costs about a
 * third more than the cell's own network (`bench proxies --n 30`, random NB201 cells: grasp 1.02 vs
 * 0.76 s, snip 0.41 vs 0.31 s per cell), because every parameter-free op of the pattern is built and
 * gated.
 */
export const MIN_CELLS_PER_GROUP_PROGRAM = 2;

/** Program groups met at least MIN_CELLS_PER_GROUP_PROGRAM times among `archs` (see netScorer). */
export function sharedProgramGroups(
  space: AnySpace,
  sharing: ProgramSharing,
  archs: readonly unknown[],
): Set<string> {
  const count = new Map<string, number>();
  for (const arch of archs) {
    const group = programGroup(space, sharing, arch);
    if (group !== '') count.set(group, (count.get(group) ?? 0) + 1);
  }
  return new Set([...count].filter(([, n]) => n >= MIN_CELLS_PER_GROUP_PROGRAM).map(([g]) => g));
}

/**
 * The network a proxy scores `arch` with. `sharedGroups` (sharedProgramGroups of the cells scored
 * together) limits the group programs to the groups it holds; other cells get their own network.
 * Without it every cell uses its group's program.
 */
export function proxyNetwork(
  space: AnySpace,
  sharing: ProgramSharing,
  arch: unknown,
  config: {
    classes: number;
    inputShape: readonly [number, number, number];
    channels?: number;
    cells?: number;
  },
  sharedGroups?: ReadonlySet<string>,
): ProxyNetwork {
  const shared = space.proxyHooks?.network?.(arch, config, sharing, sharedGroups);
  if (shared) return shared;
  if (!space.build) {
    throw new NaskitError(
      'invalid_argument',
      `proxies need a network: space '${space.name}' cannot build one`,
    );
  }
  const size = `${config.channels ?? ''}x${config.cells ?? ''}`;
  return {
    key: `${space.name}|${space.key(arch)}|${config.classes}|${config.inputShape.join('x')}|${size}`,
    net: space.build(arch, config),
    serves: 'one',
    feeds: {},
    uses: () => true,
  };
}
