/**
 * NAS-Bench-101 spec rules: pruning of vertices not on an input→output path, and validity
 * (as nasbench's ModelSpec + NASBench.is_valid: square upper-triangular 0/1 matrix, input first, output
 * last, cell ops in between, input connected to output, and after pruning <= 7 vertices, <= 9 edges).
 */
import { invalidArch } from '../common.js';
import { MAX_EDGES, MAX_VERTICES, NB101_OPS, isCellOp } from './ops.js';
import type { Nb101Arch, Nb101Label } from './ops.js';

const SPACE = 'nb101';

export interface PrunedSpec {
  readonly matrix: number[][];
  readonly ops: Nb101Label[];
}

/** Vertices reachable from the input and reaching the output; null when input and output are not connected. */
export function liveVertices(matrix: readonly (readonly number[])[]): boolean[] | null {
  const n = matrix.length;
  const fromInput = new Array<boolean>(n).fill(false);
  const toOutput = new Array<boolean>(n).fill(false);
  fromInput[0] = true;
  for (let j = 1; j < n; j++)
    for (let i = 0; i < j; i++) if (fromInput[i] && matrix[i]![j]) fromInput[j] = true;
  toOutput[n - 1] = true;
  for (let i = n - 2; i >= 0; i--)
    for (let j = i + 1; j < n; j++) if (toOutput[j] && matrix[i]![j]) toOutput[i] = true;
  const live = fromInput.map((f, v) => f && toOutput[v]!);
  return live[0] && live[n - 1] ? live : null;
}

/** Drop every vertex off all input→output paths (nasbench ModelSpec._prune); null if disconnected. */
export function prune(arch: Nb101Arch): PrunedSpec | null {
  const live = liveVertices(arch.matrix);
  if (!live) return null;
  const keep = live.flatMap((l, v) => (l ? [v] : []));
  return {
    matrix: keep.map((i) => keep.map((j) => arch.matrix[i]![j]!)),
    ops: keep.map((v) => arch.ops[v]!),
  };
}

export function edgeCount(matrix: readonly (readonly number[])[]): number {
  let n = 0;
  for (const row of matrix) for (const x of row) n += x;
  return n;
}

/**
 * Check shape and labels, then validity of the pruned spec; return the pruned spec or throw
 * NaskitError('invalid_arch') saying exactly what is wrong. `source` is the text shown in the message.
 */
export function validate(arch: Nb101Arch, source: string): PrunedSpec {
  const { matrix, ops } = arch;
  const n = matrix.length;
  if (n < 2 || n > MAX_VERTICES)
    invalidArch(SPACE, source, `matrix has ${n} vertices, expected 2..${MAX_VERTICES}`);
  if (ops.length !== n) invalidArch(SPACE, source, `ops lists ${ops.length} labels for a ${n}x${n} matrix`);
  matrix.forEach((row, i) => {
    if (row.length !== n)
      invalidArch(SPACE, source, `matrix row ${i} has ${row.length} entries, expected ${n}`);
    row.forEach((x, j) => {
      if (x !== 0 && x !== 1)
        invalidArch(SPACE, source, `matrix[${i}][${j}] is ${x}, entries must be 0 or 1`);
      if (x === 1 && j <= i) {
        invalidArch(
          SPACE,
          source,
          `edge ${i}→${j} is on or below the diagonal; the matrix must be upper-triangular`,
        );
      }
    });
  });
  if (ops[0] !== 'input') invalidArch(SPACE, source, `vertex 0 must be 'input', found '${ops[0]}'`);
  if (ops[n - 1] !== 'output')
    invalidArch(SPACE, source, `vertex ${n - 1} must be 'output', found '${ops[n - 1]}'`);
  for (let v = 1; v < n - 1; v++) {
    if (!isCellOp(ops[v]!)) {
      invalidArch(SPACE, source, `vertex ${v} has op '${ops[v]}'; allowed: ${NB101_OPS.join(', ')}`);
    }
  }
  const pruned = prune(arch);
  if (!pruned) invalidArch(SPACE, source, 'no path from the input (vertex 0) to the output (last vertex)');
  const edges = edgeCount(pruned.matrix);
  if (edges > MAX_EDGES) {
    invalidArch(
      SPACE,
      source,
      `${edges} edges remain after pruning, NAS-Bench-101 allows at most ${MAX_EDGES}`,
    );
  }
  return pruned;
}

/** Like `validate` but answers true/false (used by the rejection loops in the moves). */
export function isValid(arch: Nb101Arch): boolean {
  const pruned = prune(arch);
  return pruned !== null && edgeCount(pruned.matrix) <= MAX_EDGES;
}
