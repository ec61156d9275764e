/**
 * Architectures as gene vectors for supernet searches (GeNAS' evolution): one gene per supernet edge
 * holding an op index, with `none` as gene 0 wherever the space has a zero op.
 * - NB201: 6 genes over none / skip / conv1x1 / conv3x3 / avg-pool; every vector is a cell.
 * - DARTS: 28 genes (14 normal edges, then 14 reduce), 0 = none, 1..7 the DARTS ops; a legal vector
 *   gives every intermediate node exactly 2 non-none incoming edges, and `repair` makes any vector
 *   legal as GeNAS' check_cand does (random surplus edges set to none, random none edges given an op).
 *   Mutation touches the normal cell's 14 genes only, as GeNAS (from RLNAS) does.
 */
import { makeDartsArch } from '../../spaces/darts/codec.js';
import { DARTS_SEARCH_EDGES, DARTS_SUPERNET_OPS } from '../../spaces/darts/supernet.js';
import { CELL_TYPES, INTERMEDIATE_NODES, type DartsArch } from '../../spaces/darts/ops.js';
import { makeNb201Arch, NB201_OPS, type Nb201Arch, type Nb201Op } from '../../spaces/nb201/ops.js';
import type { AnySpace } from '../../spaces/space.js';
import { NaskitError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';

export type Genes = readonly number[];

export interface Genome {
  readonly length: number;
  /** Op choices per gene (gene values 0..choices-1). */
  readonly choices: number;
  /** Genes that mutation may change. */
  readonly mutable: number;
  /** A random legal vector. */
  sample(rng: Rng): number[];
  /** A legal vector close to `genes` (unchanged when already legal). */
  repair(genes: number[], rng: Rng): number[];
  /** The supernet path of a legal vector. */
  path(genes: Genes): number[];
  /** The architecture of a legal vector. */
  arch(genes: Genes): unknown;
}

const nb201Genome: Genome = {
  length: 6,
  choices: NB201_OPS.length,
  mutable: 6,
  sample: (rng) => Array.from({ length: 6 }, () => rng.int(NB201_OPS.length)),
  repair: (genes) => genes,
  path: (genes) => [...genes],
  arch: (genes): Nb201Arch => makeNb201Arch(genes.map((g) => NB201_OPS[g] as Nb201Op)),
};

const ROWS = DARTS_SEARCH_EDGES.length; // 14

/** Rows of node k's incoming edges within one cell. */
function nodeRows(k: number): number[] {
  const first = DARTS_SEARCH_EDGES.findIndex(([, to]) => to === k + 2);
  return Array.from({ length: k + 2 }, (_, i) => first + i);
}

const dartsGenome: Genome = {
  length: 2 * ROWS,
  choices: DARTS_SUPERNET_OPS.length,
  mutable: ROWS,
  sample(rng) {
    return this.repair(
      Array.from({ length: 2 * ROWS }, () => rng.int(DARTS_SUPERNET_OPS.length)),
      rng,
    );
  },
  repair(genes, rng) {
    const out = [...genes];
    for (let cell = 0; cell < 2; cell++) {
      for (let k = 0; k < INTERMEDIATE_NODES; k++) {
        const rows = nodeRows(k).map((r) => cell * ROWS + r);
        let on = rows.filter((r) => out[r] !== 0);
        while (on.length > 2) {
          const r = on[rng.int(on.length)]!;
          out[r] = 0;
          on = on.filter((x) => x !== r);
        }
        while (on.length < 2) {
          const off = rows.filter((r) => out[r] === 0);
          const r = off[rng.int(off.length)]!;
          out[r] = 1 + rng.int(DARTS_SUPERNET_OPS.length - 1);
          on.push(r);
        }
      }
    }
    return out;
  },
  path: (genes) => genes.map((g) => (g === 0 ? -1 : g)),
  arch(genes): DartsArch {
    const cells = {} as Record<(typeof CELL_TYPES)[number], { input: number; op: string }[]>;
    CELL_TYPES.forEach((type, cell) => {
      cells[type] = [];
      for (let k = 0; k < INTERMEDIATE_NODES; k++) {
        for (const r of nodeRows(k)) {
          const g = genes[cell * ROWS + r]!;
          if (g !== 0) cells[type].push({ input: DARTS_SEARCH_EDGES[r]![0], op: DARTS_SUPERNET_OPS[g]! });
        }
      }
    });
    return makeDartsArch(cells);
  },
};

export function genomeFor(space: AnySpace): Genome {
  switch (space.name) {
    case 'nb201':
      return nb201Genome;
    case 'darts':
      return dartsGenome;
    default:
      throw new NaskitError(
        'invalid_argument',
        `supernet searches run on nb201 and darts, not '${space.name}'`,
      );
  }
}
