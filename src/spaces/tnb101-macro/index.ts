/**
 * TransNAS-Bench-101 macro space: 3,256 residual skeletons `64-<block digits>-basic`. Key = that string.
 */
import type { NetworkSpec } from '../../graph/network.js';
import type { Rng } from '../../util/rng.js';
import type { NetworkConfig } from '../network-config.js';
import { tnbBasicBlock, tnbNetwork } from '../tnb-network.js';
import type { EncodingKind, SearchSpace } from '../space.js';
import { formatTnbMacro, fromBlocks, fromNaslib, parseTnbMacro, toNaslib } from './codec.js';
import { TNB_MACRO_ENCODINGS, encodeTnbMacro } from './encodings.js';
import { enumerateTnbMacro, mutateTnbMacro, neighborsTnbMacro, sampleTnbMacro } from './moves.js';
import { TNB_MACRO_BLOCKS, TNB_MACRO_SIZE } from './ops.js';
import type { TnbMacroArch } from './ops.js';

export interface TnbMacroSpace extends SearchSpace<TnbMacroArch> {
  /** NASLib's 6 slots: block digits then zeros. */
  toNaslib(arch: TnbMacroArch): number[];
  fromNaslib(slots: readonly number[]): TnbMacroArch;
  /** From block digits 1..4 (1 keep, 2 double channels, 3 downsample, 4 both). */
  fromBlocks(blocks: readonly number[]): TnbMacroArch;
  enumerate(): Iterable<TnbMacroArch>;
  /** TNB classification network of ResNet basic blocks: channels = base channels (64), cells = blocks per layer (2). */
  build(arch: TnbMacroArch, config: NetworkConfig): NetworkSpec;
}

export const tnbMacro: TnbMacroSpace = {
  name: 'tnb101-macro',
  description:
    'TransNAS-Bench-101 macro space: 4..6 residual blocks, each keep (1) / double channels (2) / downsample (3) / ' +
    'both (4), with 1..4 downsamplings and 1..3 channel doublings; 3,256 networks; string 64-<digits>-basic',
  ops: TNB_MACRO_BLOCKS,
  size: TNB_MACRO_SIZE,
  encodings: TNB_MACRO_ENCODINGS,
  parse: parseTnbMacro,
  format: formatTnbMacro,
  key: formatTnbMacro,
  sample: (rng: Rng) => sampleTnbMacro(rng),
  mutate: (arch: TnbMacroArch, rng: Rng) => mutateTnbMacro(arch, rng),
  neighbors: neighborsTnbMacro,
  enumerate: () => enumerateTnbMacro(),
  encode: (arch: TnbMacroArch, kind: EncodingKind) => encodeTnbMacro(arch, kind),
  toNaslib,
  fromNaslib: (slots) => fromNaslib(slots),
  fromBlocks: (blocks) => fromBlocks(blocks),
  build: (arch, config) =>
    tnbNetwork(config, { blocks: arch.blocks, cell: tnbBasicBlock, name: 'tnb101-macro' }),
};

export type { TnbMacroArch, TnbMacroBlock } from './ops.js';
export { TNB_MACRO_BLOCKS } from './ops.js';
