/** NAS-Bench-201 moves: uniform sampling over all 15,625 cells, and single-edge op changes (as NASLib). */
import type { Rng } from '../../util/rng.js';
import { NB201_NUM_EDGES, NB201_OPS, makeNb201Arch } from './ops.js';
import type { Nb201Arch, Nb201Op } from './ops.js';

export function sampleNb201(rng: Rng): Nb201Arch {
  return makeNb201Arch(Array.from({ length: NB201_NUM_EDGES }, () => rng.pick(NB201_OPS)));
}

/** Pick one edge uniformly and give it a different op, uniformly. */
export function mutateNb201(arch: Nb201Arch, rng: Rng): Nb201Arch {
  const edge = rng.int(NB201_NUM_EDGES);
  const current = arch.edges[edge];
  const op = rng.pick(NB201_OPS.filter((o) => o !== current));
  return withEdge(arch, edge, op);
}

/** All 6 × 4 = 24 single-edge op changes. */
export function neighborsNb201(arch: Nb201Arch): Nb201Arch[] {
  const out: Nb201Arch[] = [];
  for (let edge = 0; edge < NB201_NUM_EDGES; edge++) {
    for (const op of NB201_OPS) if (op !== arch.edges[edge]) out.push(withEdge(arch, edge, op));
  }
  return out;
}

function withEdge(arch: Nb201Arch, edge: number, op: Nb201Op): Nb201Arch {
  const edges = arch.edges.slice();
  edges[edge] = op;
  return makeNb201Arch(edges);
}
