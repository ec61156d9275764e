/** DARTS / NAS-Bench-301 operations and the genotype value type. */

/** The 7 candidate ops, in NASLib's / NAS-Bench-301's order (NASLib op code = index here). */
export const DARTS_OPS = [
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;
export type DartsOp = (typeof DARTS_OPS)[number];

export const CELL_TYPES = ['normal', 'reduce'] as const;
export type CellType = (typeof CELL_TYPES)[number];

/** Intermediate nodes per cell; node k (0-based) is DARTS node k + 2 and reads from nodes 0..k+1. */
export const INTERMEDIATE_NODES = 4;
export const EDGES_PER_CELL = 2 * INTERMEDIATE_NODES;
/** Largest possible input id (node 3 reads from 0..4). */
export const MAX_INPUTS = INTERMEDIATE_NODES + 1;

/** One incoming edge of an intermediate node: input 0 = c_{k-2}, 1 = c_{k-1}, 2.. = earlier intermediate nodes. */
export interface DartsEdge {
  readonly input: number;
  readonly op: DartsOp;
}

/**
 * A DARTS genotype: 8 edges per cell, edges 2k and 2k+1 feeding intermediate node k. Always held in
 * canonical form (the two edges of a node sorted by input), so equal cells are equal values. Frozen.
 */
export interface DartsArch {
  readonly normal: readonly DartsEdge[];
  readonly reduce: readonly DartsEdge[];
}

export function isDartsOp(name: string): name is DartsOp {
  return (DARTS_OPS as readonly string[]).includes(name);
}

/** Number of cells (normal or reduction) alone: Π_k C(k+2, 2) · 7^8 = 180 · 5,764,801. */
export const CELLS_PER_TYPE = 1_037_664_180;
