/** TransNAS-Bench-101 micro space: ops and the architecture value type. */

/** Cell ops; the digit of an op in the official string (and in NASLib's tuple) is its index here. */
export const TNB_MICRO_OPS = ['zero', 'skip', 'conv1x1', 'conv3x3'] as const;
export type TnbMicroOp = (typeof TNB_MICRO_OPS)[number];

export const TNB_MICRO_EDGES = 6;
export const TNB_MICRO_SIZE = TNB_MICRO_OPS.length ** TNB_MICRO_EDGES; // 4,096

/** The fixed macro skeleton every micro-space network uses: 64 base channels, blocks 4-1-4-1-4. */
export const TNB_MICRO_PREFIX = '64-41414-';

/**
 * A micro cell: one op per edge in the official string order 0→1 _ 0→2, 1→2 _ 0→3, 1→3, 2→3
 * (`a_bc_def`, see ../cell-dag.ts). Frozen.
 */
export interface TnbMicroArch {
  readonly edges: readonly TnbMicroOp[];
}

export function makeTnbMicroArch(edges: readonly TnbMicroOp[]): TnbMicroArch {
  return Object.freeze({ edges: Object.freeze(edges.slice()) });
}

export function opDigits(arch: TnbMicroArch): number[] {
  return arch.edges.map((op) => TNB_MICRO_OPS.indexOf(op));
}
