/**
 * The 4-node, 6-edge cell DAG shared by NAS-Bench-201 and the TransNAS-Bench-101 micro space: node 0 is
 * the cell input, node 3 the output, and every node j sums one op applied to each earlier node i.
 *
 * Edges are kept in the official string order, grouped by destination: 0→1 | 0→2, 1→2 | 0→3, 1→3, 2→3
 * (NB201 `|a~0|+|b~0|c~1|+|d~0|e~1|f~2|`, TNB `a_bc_def`).
 */

export interface CellEdge {
  readonly from: number;
  readonly to: number;
}

export const CELL_EDGES: readonly CellEdge[] = [
  { from: 0, to: 1 },
  { from: 0, to: 2 },
  { from: 1, to: 2 },
  { from: 0, to: 3 },
  { from: 1, to: 3 },
  { from: 2, to: 3 },
];

export const CELL_NODES = 4;

/**
 * NASLib lists edges source-major with 1-based nodes: (1,2), (1,3), (1,4), (2,3), (2,4), (3,4).
 * Entry k is the string-order position of NASLib's k-th edge.
 */
export const NASLIB_EDGE_TO_STRING_POSITION: readonly number[] = [0, 1, 3, 2, 4, 5];

/** Every input→output path as a list of edge positions (string order), shortest first, as BANANAS lists them. */
export const INPUT_OUTPUT_PATHS: readonly (readonly number[])[] = [[3], [0, 4], [1, 5], [0, 2, 5]];

/**
 * Path encoding (BANANAS / naszilla): one slot per possible op sequence of length 1..3, set when some
 * input→output path carries that sequence. Op index j of the path weighs numOps^j; sequences of length L
 * start after all shorter ones. Paths through a zero op are kept, as naszilla does.
 */
export function pathEncoding(edgeOps: readonly number[], numOps: number): Float32Array {
  const out = new Float32Array(pathEncodingLength(numOps));
  for (const path of INPUT_OUTPUT_PATHS) {
    let offset = 0;
    for (let len = 1; len < path.length; len++) offset += numOps ** len;
    let index = offset;
    path.forEach((edge, j) => {
      index += edgeOps[edge]! * numOps ** j;
    });
    out[index] = 1;
  }
  return out;
}

export function pathEncodingLength(numOps: number): number {
  return numOps + numOps ** 2 + numOps ** 3;
}

/** Is there an input→output path whose every edge satisfies `allowed`? */
export function hasPathWhere(edgeAllowed: (position: number) => boolean): boolean {
  const reached = [true, false, false, false];
  CELL_EDGES.forEach((e, position) => {
    // Edges are ordered by destination, so every source is final before it is read.
    if (reached[e.from] && edgeAllowed(position)) reached[e.to] = true;
  });
  return reached[CELL_NODES - 1]!;
}
