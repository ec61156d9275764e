/**
 * NAS-Bench-101: cells of <= 7 vertices and <= 9 edges over conv3x3 / conv1x1 / maxpool3x3, 423,624
 * distinct modules. Canonical string = JSON of the pruned spec; key = the official module hash.
 */
import type { NetworkSpec } from '../../graph/network.js';
import type { Rng } from '../../util/rng.js';
import type { NetworkConfig } from '../network-config.js';
import type { EncodingKind, SearchSpace } from '../space.js';
import {
  formatNb101,
  fromNaslib,
  fromTable,
  makeNb101Arch,
  nb101Hash,
  parseNb101,
  prunedSpec,
  toNaslib,
} from './codec.js';
import { NB101_ENCODINGS, encodeNb101 } from './encodings.js';
import { mutateNb101, neighborsNb101, sampleNb101 } from './moves.js';
import { nb101Network } from './network.js';
import { nb101ProxyHooks } from './proxy-hooks.js';
import { MAX_VERTICES, NB101_OPS, NB101_SIZE } from './ops.js';
import type { Nb101Arch, Nb101Label } from './ops.js';
import type { PrunedSpec } from './spec.js';

export interface Nb101Space extends SearchSpace<Nb101Arch> {
  /** The official module hash (same as `key`). */
  hash(arch: Nb101Arch): string;
  /** The spec without vertices off every input→output path (what nasbench stores and hashes). */
  pruned(arch: Nb101Arch): PrunedSpec;
  /** NASLib arch_key tuple: V*V adjacency entries then V op codes (0=input, 1=output, 2=maxpool, 3=conv1x1, 4=conv3x3). */
  toNaslib(arch: Nb101Arch): number[];
  fromNaslib(codes: readonly number[]): Nb101Arch;
  /** From the shared table columns: "0100110|0010000|..." and "input,conv3x3-bn-relu,...,output". */
  fromTable(adjacency: string, ops: string): Nb101Arch;
  fromSpec(matrix: readonly (readonly number[])[], ops: readonly Nb101Label[]): Nb101Arch;
  /** The benchmark network: channels = stem channels (128), cells = modules per stack (3). */
  build(arch: Nb101Arch, config: NetworkConfig): NetworkSpec;
  /**
   * A chain of five conv3x3 vertices: each then carries the module's full width (a vertex feeding the
   * output shares its channels with the other feeders), so no cell does much more work.
   */
  heaviest(): Nb101Arch;
}

/** The heaviest cell: input → five conv3x3 → output. */
const CHAIN_OPS = new Array<Nb101Label>(MAX_VERTICES - 2).fill('conv3x3-bn-relu');
const CHAIN_MATRIX = Array.from({ length: MAX_VERTICES }, (_, i) =>
  Array.from({ length: MAX_VERTICES }, (_, j) => (j === i + 1 ? 1 : 0)),
);

export const nb101: Nb101Space = {
  name: 'nb101',
  description:
    'NAS-Bench-101 cell: upper-triangular DAG of <= 7 vertices and <= 9 edges, inner ops ' +
    'conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3; 423,624 modules; key = official module hash',
  ops: NB101_OPS,
  size: NB101_SIZE,
  encodings: NB101_ENCODINGS,
  parse: parseNb101,
  format: formatNb101,
  key: nb101Hash,
  sample: (rng: Rng) => sampleNb101(rng),
  mutate: (arch: Nb101Arch, rng: Rng) => mutateNb101(arch, rng),
  neighbors: neighborsNb101,
  encode: (arch: Nb101Arch, kind: EncodingKind) => encodeNb101(arch, kind),
  hash: nb101Hash,
  pruned: prunedSpec,
  toNaslib,
  fromNaslib: (codes) => fromNaslib(codes),
  fromTable,
  fromSpec: (matrix, ops) => makeNb101Arch(matrix, ops),
  build: (arch, config) => nb101Network(arch, config),
  heaviest: () => makeNb101Arch(CHAIN_MATRIX, ['input', ...CHAIN_OPS, 'output']),
  proxyHooks: nb101ProxyHooks,
};

export type { Nb101Arch, Nb101CellOp, Nb101Label } from './ops.js';
export type { PrunedSpec } from './spec.js';
export { NB101_OPS } from './ops.js';
