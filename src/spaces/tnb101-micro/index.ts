/**
 * TransNAS-Bench-101 micro (cell-level) space: the NB201-style 4-node cell with 4 ops, placed in the
 * fixed 64-41414 skeleton; 4,096 cells. Key = the official string `64-41414-a_bc_def`.
 */
import type { NetworkSpec } from '../../graph/network.js';
import type { Rng } from '../../util/rng.js';
import type { NetworkConfig } from '../network-config.js';
import { tnbMicroCell, tnbNetwork } from '../tnb-network.js';
import type { EncodingKind, SearchSpace } from '../space.js';
import { formatTnbMicro, fromDigits, parseTnbMicro } from './codec.js';
import { TNB_MICRO_ENCODINGS, encodeTnbMicro } from './encodings.js';
import { enumerateTnbMicro, mutateTnbMicro, neighborsTnbMicro, sampleTnbMicro } from './moves.js';
import { TNB_MICRO_EDGES, TNB_MICRO_OPS, TNB_MICRO_SIZE, makeTnbMicroArch, opDigits } from './ops.js';
import type { TnbMicroArch, TnbMicroOp } from './ops.js';

export interface TnbMicroSpace extends SearchSpace<TnbMicroArch> {
  /** NASLib op tuple: the six digits of the string, in order. */
  toNaslib(arch: TnbMicroArch): number[];
  fromNaslib(digits: readonly number[]): TnbMicroArch;
  enumerate(): Iterable<TnbMicroArch>;
  /** TNB classification network (64-41414 skeleton): channels = base channels (64), cells = cells per layer (2). */
  build(arch: TnbMicroArch, config: NetworkConfig): NetworkSpec;
  /** Every edge conv3x3. */
  heaviest(): TnbMicroArch;
}

export const tnbMicro: TnbMicroSpace = {
  name: 'tnb101-micro',
  description:
    'TransNAS-Bench-101 micro space: 4-node cell, 6 edges, ops zero/skip/conv1x1/conv3x3, 4,096 cells in the ' +
    '64-41414 skeleton; string 64-41414-a_bc_def',
  ops: TNB_MICRO_OPS,
  size: TNB_MICRO_SIZE,
  encodings: TNB_MICRO_ENCODINGS,
  parse: parseTnbMicro,
  format: formatTnbMicro,
  key: formatTnbMicro,
  sample: (rng: Rng) => sampleTnbMicro(rng),
  mutate: (arch: TnbMicroArch, rng: Rng) => mutateTnbMicro(arch, rng),
  neighbors: neighborsTnbMicro,
  enumerate: enumerateTnbMicro,
  encode: (arch: TnbMicroArch, kind: EncodingKind) => encodeTnbMicro(arch, kind),
  toNaslib: opDigits,
  fromNaslib: (digits) => fromDigits(digits),
  build: (arch, config) =>
    tnbNetwork(config, { blocks: TNB_MICRO_SKELETON, cell: tnbMicroCell(arch.edges), name: 'tnb101-micro' }),
  heaviest: () => makeTnbMicroArch(new Array<TnbMicroOp>(TNB_MICRO_EDGES).fill('conv3x3')),
  cellOps: (arch: TnbMicroArch) => arch.edges,
};

/** The fixed macro skeleton of the micro space (the `41414` of `64-41414-…`). */
export const TNB_MICRO_SKELETON: readonly number[] = [4, 1, 4, 1, 4];

export type { TnbMicroArch, TnbMicroOp } from './ops.js';
export { TNB_MICRO_OPS } from './ops.js';
