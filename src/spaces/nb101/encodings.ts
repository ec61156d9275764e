/**
 * NAS-Bench-101 encodings (after NASLib / BANANAS), computed from the pruned spec so that equal specs
 * encode equally:
 * - adjacency (alias onehot): the 21 upper-triangular entries of the 7×7 matrix, then a 3-slot one-hot
 *   per inner vertex 1..5 (slots maxpool3x3, conv3x3, conv1x1, as NASLib). Pruned specs with fewer
 *   vertices are padded with isolated vertices before the output, whose op slots stay zero.
 * - path: one slot per op sequence of length 0..5 over the 3 ops (1 + 3 + ... + 243 = 364), set when some
 *   input→output path carries it; sequence (o_0..o_{L-1}) sits at Σ 3^i (o_i + 1).
 */
import { encodingFor } from '../common.js';
import type { EncodingInfo, EncodingKind } from '../space.js';
import { prunedSpec } from './codec.js';
import { MAX_VERTICES, NB101_OPS } from './ops.js';
import type { Nb101Arch, Nb101CellOp } from './ops.js';

const ADJ_ENTRIES = (MAX_VERTICES * (MAX_VERTICES - 1)) / 2;
const INNER = MAX_VERTICES - 2;
const ONEHOT_SLOTS: readonly Nb101CellOp[] = ['maxpool3x3', 'conv3x3-bn-relu', 'conv1x1-bn-relu'];
const ADJ_LENGTH = ADJ_ENTRIES + INNER * ONEHOT_SLOTS.length;
const PATH_LENGTH = Array.from({ length: INNER + 1 }, (_, i) => NB101_OPS.length ** i).reduce(
  (a, b) => a + b,
  0,
);

const adjacencyDescription =
  '21 upper-triangular adjacency entries of the pruned spec padded to 7 vertices, then a one-hot ' +
  '(maxpool3x3, conv3x3, conv1x1) per inner vertex 1..5 (zero for padding)';

export const NB101_ENCODINGS: readonly EncodingInfo[] = [
  { kind: 'adjacency', length: ADJ_LENGTH, description: adjacencyDescription },
  { kind: 'onehot', length: ADJ_LENGTH, description: `same vector as 'adjacency': ${adjacencyDescription}` },
  {
    kind: 'path',
    length: PATH_LENGTH,
    description:
      'BANANAS path encoding: one slot per op sequence of length 0..5 on an input→output path (364)',
  },
];

export function encodeNb101(arch: Nb101Arch, kind: EncodingKind): Float32Array {
  const info = encodingFor('nb101', NB101_ENCODINGS, kind);
  const out = new Float32Array(info.length);
  const { matrix, ops } = prunedSpec(arch);
  const n = matrix.length;
  if (kind === 'path') {
    for (const path of inputOutputPaths(matrix, ops)) {
      let index = 0;
      path.forEach((op, i) => {
        index += NB101_OPS.length ** i * (NB101_OPS.indexOf(op) + 1);
      });
      out[index] = 1;
    }
    return out;
  }
  // Pad: pruned vertex v < n-1 keeps its position, the output moves to vertex 6.
  const position = (v: number) => (v === n - 1 ? MAX_VERTICES - 1 : v);
  const padded = Array.from({ length: MAX_VERTICES }, () => new Array<number>(MAX_VERTICES).fill(0));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) padded[position(i)]![position(j)] = matrix[i]![j]!;
  let k = 0;
  for (let i = 0; i < MAX_VERTICES - 1; i++)
    for (let j = i + 1; j < MAX_VERTICES; j++) out[k++] = padded[i]![j]!;
  for (let v = 1; v < n - 1; v++) {
    out[ADJ_ENTRIES + (v - 1) * ONEHOT_SLOTS.length + ONEHOT_SLOTS.indexOf(ops[v] as Nb101CellOp)] = 1;
  }
  return out;
}

/** Op sequences (inner vertices only) of every input→output path. */
function inputOutputPaths(matrix: readonly (readonly number[])[], ops: readonly string[]): Nb101CellOp[][] {
  const n = matrix.length;
  const pathsTo: Nb101CellOp[][][] = Array.from({ length: n }, () => []);
  pathsTo[0] = [[]];
  for (let j = 1; j < n; j++) {
    for (let i = 0; i < j; i++) {
      if (!matrix[i]![j]) continue;
      for (const p of pathsTo[i]!) pathsTo[j]!.push(i === 0 ? [] : [...p, ops[i] as Nb101CellOp]);
    }
  }
  return pathsTo[n - 1]!;
}
