/**
 * DARTS / NAS-Bench-301 moves, as NASLib's nasbench301 space does them:
 * - sample: per cell and node k, two distinct inputs from 0..k+1 and an op for each, all uniform.
 * - mutate: pick a cell, an edge and whether to change its op (uniform over all 7) or its input
 *   (uniform over 0..k+1, dropped if it equals the sibling edge's input); repeat until the cell changes.
 * - neighbors: every single op change, and every change of an edge's input to one its node does not use.
 */
import type { Rng } from '../../util/rng.js';
import { makeDartsArch } from './codec.js';
import { CELL_TYPES, DARTS_OPS, EDGES_PER_CELL, INTERMEDIATE_NODES } from './ops.js';
import type { CellType, DartsArch, DartsOp } from './ops.js';

type Cells = Record<CellType, { input: number; op: DartsOp }[]>;

function copyCells(arch: DartsArch): Cells {
  return { normal: arch.normal.map((e) => ({ ...e })), reduce: arch.reduce.map((e) => ({ ...e })) };
}

export function sampleDarts(rng: Rng): DartsArch {
  const cells: Cells = { normal: [], reduce: [] };
  for (let node = 0; node < INTERMEDIATE_NODES; node++) {
    for (const type of CELL_TYPES) {
      const inputs = rng.sampleIndices(node + 2, 2);
      for (const input of inputs) cells[type].push({ input, op: rng.pick(DARTS_OPS) });
    }
  }
  return makeDartsArch(cells);
}

export function mutateDarts(arch: DartsArch, rng: Rng): DartsArch {
  for (;;) {
    const cells = copyCells(arch);
    const type = rng.pick(CELL_TYPES);
    const k = rng.int(EDGES_PER_CELL);
    const edge = cells[type][k]!;
    if (rng.int(2) === 1) {
      edge.op = rng.pick(DARTS_OPS);
    } else {
      const input = rng.int(Math.floor(k / 2) + 2);
      if (cells[type][sibling(k)]!.input !== input) edge.input = input;
    }
    if (cells[type][k]!.op !== arch[type][k]!.op || cells[type][k]!.input !== arch[type][k]!.input) {
      return makeDartsArch(cells);
    }
  }
}

export function neighborsDarts(arch: DartsArch): DartsArch[] {
  const out: DartsArch[] = [];
  for (const type of CELL_TYPES) {
    arch[type].forEach((edge, k) => {
      for (const op of DARTS_OPS) {
        if (op === edge.op) continue;
        const cells = copyCells(arch);
        cells[type][k]!.op = op;
        out.push(makeDartsArch(cells));
      }
      const used = new Set([edge.input, arch[type][sibling(k)]!.input]);
      for (let input = 0; input < Math.floor(k / 2) + 2; input++) {
        if (used.has(input)) continue;
        const cells = copyCells(arch);
        cells[type][k]!.input = input;
        out.push(makeDartsArch(cells));
      }
    });
  }
  return out;
}

function sibling(k: number): number {
  return k % 2 === 0 ? k + 1 : k - 1;
}
