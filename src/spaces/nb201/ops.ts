/** NAS-Bench-201 operations and the architecture value type. */

/** The official op vocabulary, in NAS-Bench-201's own order (the order its index enumerates). */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];

/** NASLib's op codes: digit d of a NASLib op tuple means NASLIB_OPS[d]. */
export const NASLIB_OPS: readonly Nb201Op[] = [
  'skip_connect',
  'none',
  'nor_conv_3x3',
  'nor_conv_1x1',
  'avg_pool_3x3',
];

/** Ops that carry no trainable parameters and pass signal through (used by `hasParameterFreePath`). */
export const PARAMETER_FREE_OPS: ReadonlySet<Nb201Op> = new Set<Nb201Op>(['skip_connect', 'avg_pool_3x3']);

/**
 * A NAS-Bench-201 cell: one op per edge, in the official string order
 * 0→1 | 0→2, 1→2 | 0→3, 1→3, 2→3 (see ../cell-dag.ts). Frozen; build with `makeNb201Arch`.
 */
export interface Nb201Arch {
  readonly edges: readonly Nb201Op[];
}

export const NB201_NUM_EDGES = 6;
export const NB201_SIZE = NB201_OPS.length ** NB201_NUM_EDGES; // 15,625

export function isNb201Op(name: string): name is Nb201Op {
  return (NB201_OPS as readonly string[]).includes(name);
}

/** Freeze a validated edge list into an architecture value. */
export function makeNb201Arch(edges: readonly Nb201Op[]): Nb201Arch {
  return Object.freeze({ edges: Object.freeze(edges.slice()) });
}

/** Op indices (into NB201_OPS) of each edge. */
export function opIndices(arch: Nb201Arch): number[] {
  return arch.edges.map((op) => NB201_OPS.indexOf(op));
}
