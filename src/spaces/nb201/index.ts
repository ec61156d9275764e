/**
 * NAS-Bench-201 (NATS-Bench topology): a 4-node cell with 6 edges, 5 ops each, 15,625 cells.
 * Key = the official string. `enumerate()` yields in official index order.
 */
import type { NetworkSpec } from '../../graph/network.js';
import type { Rng } from '../../util/rng.js';
import type { NetworkConfig, Supernet, SupernetConfig } from '../network-config.js';
import type { EncodingKind, IsomorphClasses, SearchSpace } from '../space.js';
import { formatNb201, fromNaslib, parseNb201, toNaslib } from './codec.js';
import { NB201_ENCODINGS, encodeNb201, hasParameterFreePath } from './encodings.js';
import { mutateNb201, neighborsNb201, sampleNb201 } from './moves.js';
import { buildNb201, NB201_EDGES } from './network.js';
import { nb201IsomorphClasses } from './isomorphism.js';
import { fromOfficialIndex, officialIndex } from './official-index.js';
import { nb201ProxyHooks } from './proxy-hooks.js';
import { nb201Supernet } from './supernet.js';
import { makeNb201Arch, NB201_OPS, NB201_SIZE } from './ops.js';
import type { Nb201Arch } from './ops.js';

export interface Nb201Space extends SearchSpace<Nb201Arch> {
  /** Official NAS-Bench-201 / NATS-Bench-TSS index, 0..15,624. */
  index(arch: Nb201Arch): number;
  fromIndex(index: number): Nb201Arch;
  /** NASLib op tuple (six codes, NASLib edge order; 0=skip, 1=none, 2=conv3x3, 3=conv1x1, 4=avgpool). */
  toNaslib(arch: Nb201Arch): number[];
  fromNaslib(codes: readonly number[] | string): Nb201Arch;
  /** Input→output path through skip_connect/avg_pool_3x3 edges only. */
  hasParameterFreePath(arch: Nb201Arch): boolean;
  enumerate(): Iterable<Nb201Arch>;
  isomorphClasses(): IsomorphClasses<Nb201Arch>;
  /** TinyNetwork: channels = C of stage 1 (16), cells = cells per stage (5). */
  build(arch: Nb201Arch, config: NetworkConfig): NetworkSpec;
  /** Every edge nor_conv_3x3. */
  heaviest(): Nb201Arch;
  supernet(config: SupernetConfig): Supernet<Nb201Arch>;
}

export const nb201: Nb201Space = {
  name: 'nb201',
  description:
    'NAS-Bench-201 / NATS-Bench-TSS cell: 4 nodes, 6 edges, 5 ops per edge, 15,625 architectures; ' +
    'string |op~0|+|op~0|op~1|+|op~0|op~1|op~2|',
  ops: NB201_OPS,
  size: NB201_SIZE,
  encodings: NB201_ENCODINGS,
  parse: parseNb201,
  format: formatNb201,
  key: formatNb201,
  sample: (rng: Rng) => sampleNb201(rng),
  mutate: (arch: Nb201Arch, rng: Rng) => mutateNb201(arch, rng),
  neighbors: neighborsNb201,
  *enumerate() {
    for (let i = 0; i < NB201_SIZE; i++) yield fromOfficialIndex(i);
  },
  isomorphClasses: nb201IsomorphClasses,
  encode: (arch: Nb201Arch, kind: EncodingKind) => encodeNb201(arch, kind),
  index: officialIndex,
  fromIndex: fromOfficialIndex,
  toNaslib,
  fromNaslib: (codes) => fromNaslib(codes),
  hasParameterFreePath,
  build: buildNb201,
  heaviest: () => makeNb201Arch(NB201_EDGES.map(() => 'nor_conv_3x3')),
  cellOps: (arch: Nb201Arch) => arch.edges,
  supernet: nb201Supernet,
  proxyHooks: nb201ProxyHooks,
};

export type { Nb201Arch, Nb201Op } from './ops.js';
export { NB201_OPS } from './ops.js';
