/** TransNAS-Bench-101 micro encodings: per-edge op one-hot (6 × 4) and the BANANAS path encoding (84). */
import { pathEncoding, pathEncodingLength } from '../cell-dag.js';
import { encodingFor, setOneHot } from '../common.js';
import type { EncodingInfo, EncodingKind } from '../space.js';
import { TNB_MICRO_EDGES, TNB_MICRO_OPS, opDigits } from './ops.js';
import type { TnbMicroArch } from './ops.js';

export const TNB_MICRO_ENCODINGS: readonly EncodingInfo[] = [
  {
    kind: 'onehot',
    length: TNB_MICRO_EDGES * TNB_MICRO_OPS.length,
    description: `one-hot op per edge (string order a_bc_def), ops in order ${TNB_MICRO_OPS.join(', ')}`,
  },
  {
    kind: 'path',
    length: pathEncodingLength(TNB_MICRO_OPS.length),
    description:
      'BANANAS path encoding: one slot per op sequence of length 1..3 (4 + 16 + 64) on the 4 input→output paths',
  },
];

export function encodeTnbMicro(arch: TnbMicroArch, kind: EncodingKind): Float32Array {
  const info = encodingFor('tnb101-micro', TNB_MICRO_ENCODINGS, kind);
  const digits = opDigits(arch);
  if (kind === 'path') return pathEncoding(digits, TNB_MICRO_OPS.length);
  const out = new Float32Array(info.length);
  digits.forEach((d, edge) => setOneHot(out, edge * TNB_MICRO_OPS.length, d));
  return out;
}
