/** NAS-Bench-101 operations, limits and the architecture value type. */

/** The three cell ops, in NAS-Bench-101's `available_ops` order (the order its module hash labels use). */
export const NB101_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const;
export type Nb101CellOp = (typeof NB101_OPS)[number];
export type Nb101Label = Nb101CellOp | 'input' | 'output';

/** NASLib's op codes in its arch_key tuples: 0=input, 1=output, 2=maxpool3x3, 3=conv1x1, 4=conv3x3. */
export const NASLIB_LABELS: readonly Nb101Label[] = [
  'input',
  'output',
  'maxpool3x3',
  'conv1x1-bn-relu',
  'conv3x3-bn-relu',
];

export const MAX_VERTICES = 7;
export const MAX_EDGES = 9;
/** Distinct modules (by hash) in NAS-Bench-101. */
export const NB101_SIZE = 423_624;

/**
 * A cell as an upper-triangular adjacency matrix over V <= 7 vertices (vertex 0 = input, V-1 = output)
 * plus one label per vertex. Kept as given (it may contain vertices off every input→output path, as
 * NASLib's samples do); the pruned spec, canonical string and hash are derived from it. Frozen.
 */
export interface Nb101Arch {
  readonly matrix: readonly (readonly number[])[];
  readonly ops: readonly Nb101Label[];
}

export function isCellOp(name: string): name is Nb101CellOp {
  return (NB101_OPS as readonly string[]).includes(name);
}
