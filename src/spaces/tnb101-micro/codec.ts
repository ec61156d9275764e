/**
 * TransNAS-Bench-101 micro strings. Canonical (and key): the official `64-41414-a_bc_def`, one digit per
 * edge (0=zero, 1=skip, 2=conv1x1, 3=conv3x3), node by node. Accepted alternatives: NASLib's op tuple
 * "(a, b, c, d, e, f)" and the bare digits "abcdef", whose digits are those of the string in the same
 * order (as NASLib's `convert_op_indices_micro_to_str` writes them).
 */
import { invalidArch, parseIntTuple } from '../common.js';
import { TNB_MICRO_EDGES, TNB_MICRO_OPS, TNB_MICRO_PREFIX, makeTnbMicroArch, opDigits } from './ops.js';
import type { TnbMicroArch } from './ops.js';

const SPACE = 'tnb101-micro';
const EDGE_NAMES = ['0→1', '0→2', '1→2', '0→3', '1→3', '2→3'];
const DIGIT_MEANING = '0=zero, 1=skip, 2=conv1x1, 3=conv3x3';

export function formatTnbMicro(arch: TnbMicroArch): string {
  const d = opDigits(arch).join('');
  return `${TNB_MICRO_PREFIX}${d[0]}_${d.slice(1, 3)}_${d.slice(3)}`;
}

export function parseTnbMicro(text: string): TnbMicroArch {
  const t = text.trim();
  if (t.startsWith('64-')) {
    if (t.endsWith('-basic')) {
      invalidArch(
        SPACE,
        text,
        'this is a macro-space string (64-<blocks>-basic); use the tnb101-macro space',
      );
    }
    if (!t.startsWith(TNB_MICRO_PREFIX)) {
      invalidArch(
        SPACE,
        text,
        `micro-space strings start with ${TNB_MICRO_PREFIX} (the fixed 4-1-4-1-4 skeleton)`,
      );
    }
    const cell = t.slice(TNB_MICRO_PREFIX.length);
    const m = /^(\d)_(\d\d)_(\d\d\d)$/.exec(cell);
    if (!m)
      invalidArch(
        SPACE,
        text,
        `cell code '${cell}' must look like a_bc_def with one digit per edge (${DIGIT_MEANING})`,
      );
    return fromDigits([...(m[1]! + m[2]! + m[3]!)].map(Number), text);
  }
  const digits = /^\d{6}$/.test(t) ? [...t].map(Number) : parseIntTuple(t);
  if (digits) return fromDigits(digits, text);
  return invalidArch(
    SPACE,
    text,
    `expected 64-41414-a_bc_def or a NASLib 6-digit op tuple (${DIGIT_MEANING})`,
  );
}

/** Build from six op digits (official / NASLib order). */
export function fromDigits(digits: readonly number[], source?: string): TnbMicroArch {
  const shown = source ?? `(${digits.join(', ')})`;
  if (digits.length !== TNB_MICRO_EDGES) {
    invalidArch(SPACE, shown, `expected ${TNB_MICRO_EDGES} op digits, got ${digits.length}`);
  }
  return makeTnbMicroArch(
    digits.map((d, k) => {
      const op = TNB_MICRO_OPS[d];
      if (op === undefined)
        invalidArch(SPACE, shown, `edge ${EDGE_NAMES[k]}: op digit ${d} is not one of ${DIGIT_MEANING}`);
      return op;
    }),
  );
}
