/**
 * NAS-Bench-201 string forms. Canonical: the official `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`, which is
 * also the key. Accepted alternatives: the NASLib op tuple, as "(0, 0, 0, 0, 4, 3)" or the bare digits
 * "000043" (see /shared/data/README.md: 0=skip, 1=none, 2=conv3x3, 3=conv1x1, 4=avgpool; edges
 * 1→2, 1→3, 1→4, 2→3, 2→4, 3→4 with node 1 the cell input).
 */
import { CELL_EDGES, NASLIB_EDGE_TO_STRING_POSITION } from '../cell-dag.js';
import { invalidArch, parseIntTuple } from '../common.js';
import { NASLIB_OPS, NB201_NUM_EDGES, NB201_OPS, isNb201Op, makeNb201Arch } from './ops.js';
import type { Nb201Arch, Nb201Op } from './ops.js';

const SPACE = 'nb201';
const EXPECTED_FORM = 'expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2| or a NASLib 6-digit op tuple';

export function formatNb201(arch: Nb201Arch): string {
  const nodes: string[] = [];
  CELL_EDGES.forEach((e, position) => {
    const part = `${arch.edges[position]}~${e.from}`;
    if (nodes[e.to - 1] === undefined) nodes[e.to - 1] = part;
    else nodes[e.to - 1] += `|${part}`;
  });
  return nodes.map((n) => `|${n}|`).join('+');
}

export function parseNb201(text: string): Nb201Arch {
  const t = text.trim();
  if (t.startsWith('|')) return parseOfficial(t);
  const digits = /^\d{6}$/.test(t) ? [...t].map(Number) : parseIntTuple(t);
  if (digits) return fromNaslib(digits, text);
  return invalidArch(SPACE, text, EXPECTED_FORM);
}

function parseOfficial(text: string): Nb201Arch {
  const nodes = text.split('+');
  if (nodes.length !== 3) {
    invalidArch(
      SPACE,
      text,
      `found ${nodes.length} node groups separated by '+', expected 3; ${EXPECTED_FORM}`,
    );
  }
  const edges: Nb201Op[] = [];
  nodes.forEach((group, g) => {
    const node = g + 1;
    if (!group.startsWith('|') || !group.endsWith('|') || group.length < 2) {
      invalidArch(SPACE, text, `node ${node} group ${JSON.stringify(group)} must start and end with '|'`);
    }
    const parts = group.slice(1, -1).split('|');
    if (parts.length !== node) {
      invalidArch(
        SPACE,
        text,
        `node ${node} needs ${node} inputs (op~0..op~${node - 1}), found ${parts.length}`,
      );
    }
    parts.forEach((part, from) => {
      const [op, src, ...rest] = part.split('~');
      if (op === undefined || src === undefined || rest.length > 0) {
        invalidArch(
          SPACE,
          text,
          `edge ${from}→${node}: ${JSON.stringify(part)} is not of the form op~${from}`,
        );
      }
      if (src !== String(from)) {
        invalidArch(SPACE, text, `edge ${from}→${node}: input must be ~${from}, found ~${src}`);
      }
      if (!isNb201Op(op)) {
        invalidArch(
          SPACE,
          text,
          `edge ${from}→${node}: unknown op '${op}'; allowed: ${NB201_OPS.join(', ')}`,
        );
      }
      edges.push(op);
    });
  });
  return makeNb201Arch(edges);
}

/** Build from a NASLib op tuple (six codes in NASLib's edge order). */
export function fromNaslib(codes: readonly number[] | string, source?: string): Nb201Arch {
  const list =
    typeof codes === 'string'
      ? /^\d{6}$/.test(codes.trim())
        ? [...codes.trim()].map(Number)
        : parseIntTuple(codes)
      : codes;
  const shown = source ?? (typeof codes === 'string' ? codes : `(${codes.join(', ')})`);
  if (!list || list.length !== NB201_NUM_EDGES) {
    return invalidArch(SPACE, shown, `a NASLib op tuple has 6 codes, got ${list ? list.length : 'none'}`);
  }
  const edges = new Array<Nb201Op>(NB201_NUM_EDGES);
  list.forEach((code, k) => {
    const op = NASLIB_OPS[code];
    if (!Number.isInteger(code) || op === undefined) {
      invalidArch(
        SPACE,
        shown,
        `NASLib code ${code} at position ${k} is not in 0..4 (0=skip_connect, 1=none, 2=nor_conv_3x3, 3=nor_conv_1x1, 4=avg_pool_3x3)`,
      );
    }
    edges[NASLIB_EDGE_TO_STRING_POSITION[k]!] = op;
  });
  return makeNb201Arch(edges);
}

/** The NASLib op tuple of an architecture (six codes in NASLib's edge order). */
export function toNaslib(arch: Nb201Arch): number[] {
  return NASLIB_EDGE_TO_STRING_POSITION.map((position) => NASLIB_OPS.indexOf(arch.edges[position]!));
}
