/** TransNAS-Bench-101 macro encoding: one-hot per block slot over {no block, 1, 2, 3, 4} (6 × 5, as NASLib). */
import { encodingFor, setOneHot } from '../common.js';
import type { EncodingInfo, EncodingKind } from '../space.js';
import { toNaslib } from './codec.js';
import { MAX_BLOCKS } from './ops.js';
import type { TnbMacroArch } from './ops.js';

const SLOT_VALUES = 5;

export const TNB_MACRO_ENCODINGS: readonly EncodingInfo[] = [
  {
    kind: 'onehot',
    length: MAX_BLOCKS * SLOT_VALUES,
    description:
      'per block slot 1..6, one-hot over (no block, keep, double channels, downsample, downsample+double)',
  },
];

export function encodeTnbMacro(arch: TnbMacroArch, kind: EncodingKind): Float32Array {
  const info = encodingFor('tnb101-macro', TNB_MACRO_ENCODINGS, kind);
  const out = new Float32Array(info.length);
  toNaslib(arch).forEach((slot, i) => setOneHot(out, i * SLOT_VALUES, slot));
  return out;
}
