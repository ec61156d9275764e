/** NAS-Bench-201 encodings for predictors: per-edge op one-hot (6 × 5) and the BANANAS path encoding. */
import { CELL_EDGES, hasPathWhere, pathEncoding, pathEncodingLength } from '../cell-dag.js';
import { encodingFor, setOneHot } from '../common.js';
import type { EncodingInfo, EncodingKind } from '../space.js';
import { NB201_NUM_EDGES, NB201_OPS, PARAMETER_FREE_OPS, opIndices } from './ops.js';
import type { Nb201Arch } from './ops.js';

export const NB201_ENCODINGS: readonly EncodingInfo[] = [
  {
    kind: 'onehot',
    length: NB201_NUM_EDGES * NB201_OPS.length,
    description: `one-hot op per edge; edges in string order (${CELL_EDGES.map((e) => `${e.from}→${e.to}`).join(', ')}), ops in order ${NB201_OPS.join(', ')}`,
  },
  {
    kind: 'path',
    length: pathEncodingLength(NB201_OPS.length),
    description:
      'BANANAS path encoding: one slot per op sequence of length 1..3 (5 + 25 + 125), set when one of the 4 input→output paths carries it',
  },
];

export function encodeNb201(arch: Nb201Arch, kind: EncodingKind): Float32Array {
  const info = encodingFor('nb201', NB201_ENCODINGS, kind);
  const ops = opIndices(arch);
  if (kind === 'path') return pathEncoding(ops, NB201_OPS.length);
  const out = new Float32Array(info.length);
  ops.forEach((op, edge) => setOneHot(out, edge * NB201_OPS.length, op));
  return out;
}

/**
 * Is there a path from the cell input to its output through skip_connect / avg_pool_3x3 edges only?
 * Such a cell passes signal with no trainable weights on the way (used by the epsilon proxy work).
 */
export function hasParameterFreePath(arch: Nb201Arch): boolean {
  return hasPathWhere((position) => PARAMETER_FREE_OPS.has(arch.edges[position]!));
}
