/**
 * What NB101 gives the zero-cost proxies (see ../proxy-hooks.ts): the one-channel constant-weight
 * template program (constant-program.ts), one for every cell. Network proxies build each cell's own
 * network.
 */
import type { SpaceProxyHooks } from '../proxy-hooks.js';
import { nb101ConstantProgram } from './constant-program.js';
import type { Nb101Arch } from './ops.js';

export const nb101ProxyHooks: SpaceProxyHooks<Nb101Arch> = {
  constantWeights: {
    // Cells are already pruned to their input→output paths.
    canonical: (arch) => arch,
    programKey: () => '',
    program: (_arch, config) => nb101ConstantProgram(config),
    cellsPerRun: 1,
  },
};
