/**
 * DARTS / NAS-Bench-301: a normal and a reduction cell, each with 4 intermediate nodes reading two
 * different earlier nodes through one of 7 ops. Key = canonical Genotype string (see codec.ts).
 */
import type { Rng } from '../../util/rng.js';
import type { NetworkConfig, Supernet, SupernetConfig } from '../network-config.js';
import type { EncodingKind, SearchSpace } from '../space.js';
import { formatDarts, fromNaslib, makeDartsArch, parseDarts, toJson, toNaslib } from './codec.js';
import { DARTS_ENCODINGS, encodeDarts } from './encodings.js';
import { mutateDarts, neighborsDarts, sampleDarts } from './moves.js';
import { dartsNetwork, type DartsNetworkSpec } from './network.js';
import { dartsSupernet } from './supernet.js';
import { CELLS_PER_TYPE, DARTS_OPS, EDGES_PER_CELL } from './ops.js';
import type { DartsArch } from './ops.js';

export interface DartsSpace extends SearchSpace<DartsArch> {
  /** NASLib compact form: [normal, reduce], each 8 (input, op code) pairs. */
  toNaslib(arch: DartsArch): [number, number][][];
  fromNaslib(compact: readonly (readonly (readonly [number, number])[])[]): DartsArch;
  /** JSON {"normal":[["op", input], ...], "reduce":[...]} as in the shared zero-cost table. */
  toJson(arch: DartsArch): string;
  /** Build from (op, input) pairs per cell, e.g. a genotype produced by a DARTS search. */
  fromGenotype(
    normal: readonly (readonly [string, number])[],
    reduce: readonly (readonly [string, number])[],
  ): DartsArch;
  /** NetworkCIFAR: channels = C (36), cells = layers (20); optional auxiliary head and drop-path. */
  build(arch: DartsArch, config: NetworkConfig): DartsNetworkSpec;
  /** Every edge sep_conv_5x5 (two depthwise-separable 5×5 convs), each node reading both cell inputs. */
  heaviest(): DartsArch;
  /** The DARTS search network: channels = C (16), cells = layers (8); ops = 'none' + the 7 ops. */
  supernet(config: SupernetConfig): Supernet<DartsArch>;
}

export const darts: DartsSpace = {
  name: 'darts',
  description:
    'DARTS / NAS-Bench-301 cells: normal + reduction, 4 intermediate nodes each with 2 distinct inputs and 7 ops; ' +
    `${CELLS_PER_TYPE.toLocaleString('en-US')}^2 ≈ 1.08e18 genotypes (size reported as null: above 2^53)`,
  ops: DARTS_OPS,
  size: null,
  encodings: DARTS_ENCODINGS,
  parse: parseDarts,
  format: formatDarts,
  key: formatDarts,
  sample: (rng: Rng) => sampleDarts(rng),
  mutate: (arch: DartsArch, rng: Rng) => mutateDarts(arch, rng),
  neighbors: neighborsDarts,
  encode: (arch: DartsArch, kind: EncodingKind) => encodeDarts(arch, kind),
  toNaslib,
  fromNaslib: (compact) => fromNaslib(compact),
  toJson,
  fromGenotype: (normal, reduce) =>
    makeDartsArch({
      normal: normal.map(([op, input]) => ({ op, input })),
      reduce: reduce.map(([op, input]) => ({ op, input })),
    }),
  build: (arch, config) => dartsNetwork(arch, config),
  heaviest: () => {
    const cell = Array.from({ length: EDGES_PER_CELL }, (_, k) => ({ op: 'sep_conv_5x5', input: k % 2 }));
    return makeDartsArch({ normal: cell, reduce: cell });
  },
  supernet: dartsSupernet,
};

export type { CellType, DartsArch, DartsEdge, DartsOp } from './ops.js';
export type { DartsNetworkSpec } from './network.js';
export { DARTS_OPS } from './ops.js';
