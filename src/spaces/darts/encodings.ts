/**
 * DARTS encoding for predictors: for each cell (normal, then reduce) and each of its 8 edges in
 * canonical order, a one-hot of the input node (0..4) followed by a one-hot of the op (7).
 */
import { encodingFor, setOneHot } from '../common.js';
import type { EncodingInfo, EncodingKind } from '../space.js';
import { CELL_TYPES, DARTS_OPS, EDGES_PER_CELL, MAX_INPUTS } from './ops.js';
import type { DartsArch } from './ops.js';

const PER_EDGE = MAX_INPUTS + DARTS_OPS.length;

export const DARTS_ENCODINGS: readonly EncodingInfo[] = [
  {
    kind: 'onehot',
    length: CELL_TYPES.length * EDGES_PER_CELL * PER_EDGE,
    description:
      'per cell (normal, reduce) and edge (canonical order: node by node, inputs ascending): one-hot input node 0..4, ' +
      `then one-hot op (${DARTS_OPS.join(', ')})`,
  },
];

export function encodeDarts(arch: DartsArch, kind: EncodingKind): Float32Array {
  const info = encodingFor('darts', DARTS_ENCODINGS, kind);
  const out = new Float32Array(info.length);
  CELL_TYPES.forEach((type, c) => {
    arch[type].forEach((edge, k) => {
      const base = (c * EDGES_PER_CELL + k) * PER_EDGE;
      setOneHot(out, base, edge.input);
      setOneHot(out, base + MAX_INPUTS, DARTS_OPS.indexOf(edge.op));
    });
  });
  return out;
}
