/**
 * The search-space registry. Every space is listed here once; code that only needs the interface asks
 * `getSpace(name)`, code that needs space-specific helpers (e.g. `nb201.index`) imports the object.
 */
import { NaskitError } from '../util/errors.js';
import { darts } from './darts/index.js';
import { nb101 } from './nb101/index.js';
import { nb201 } from './nb201/index.js';
import type { AnySpace } from './space.js';
import { tnbMacro } from './tnb101-macro/index.js';
import { tnbMicro } from './tnb101-micro/index.js';

const SPACES: readonly AnySpace[] = [nb201, nb101, darts, tnbMicro, tnbMacro] as AnySpace[];

export const spaceNames: readonly string[] = SPACES.map((s) => s.name);

export function getSpace(name: string): AnySpace {
  const space = SPACES.find((s) => s.name === name);
  if (!space) {
    throw new NaskitError(
      'invalid_argument',
      `unknown search space '${name}'; valid names: ${spaceNames.join(', ')}`,
    );
  }
  return space;
}

export { darts, nb101, nb201, tnbMacro, tnbMicro };
export type { CellType, DartsArch, DartsEdge, DartsOp, DartsSpace } from './darts/index.js';
export type { Nb101Arch, Nb101CellOp, Nb101Label, Nb101Space, PrunedSpec } from './nb101/index.js';
export type { Nb201Arch, Nb201Op, Nb201Space } from './nb201/index.js';
export type { TnbMacroArch, TnbMacroBlock, TnbMacroSpace } from './tnb101-macro/index.js';
export type { TnbMicroArch, TnbMicroOp, TnbMicroSpace } from './tnb101-micro/index.js';
export type { AnySpace, EncodingInfo, EncodingKind, SearchSpace } from './space.js';
export type {
  ConstantProgram,
  ConstantProgramConfig,
  ConstantSlot,
  ConstantWeightHooks,
  ProgramSharing,
  ProxyNetwork,
  SpaceProxyHooks,
} from './proxy-hooks.js';
export type { AlphaSpec, NetworkConfig, Supernet, SupernetConfig, SupernetMode } from './network-config.js';
export type { DartsNetworkSpec } from './darts/index.js';
