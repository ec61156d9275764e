/**
 * DARTS / NAS-Bench-301 string forms.
 *
 * Canonical string (also the key): the DARTS `Genotype` repr with the two edges of each node ordered by
 * input node, so the key does not depend on the order in which a node lists its inputs:
 *   Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ...8 pairs], normal_concat=[2, 3, 4, 5],
 *            reduce=[...8 pairs], reduce_concat=[2, 3, 4, 5])     (on one line)
 * Accepted alternatives: `range(2, 6)` for the concat lists, double quotes; NASLib's arch_key
 * `[[(input, op_code) x8], [(input, op_code) x8]]` (tuples or lists); the JSON arch_str
 * `{"normal":[["op",input] x8],"reduce":[...]}` of the shared zero-cost table.
 */
import { deepFreeze, invalidArch } from '../common.js';
import { CELL_TYPES, DARTS_OPS, EDGES_PER_CELL, isDartsOp } from './ops.js';
import type { CellType, DartsArch, DartsEdge } from './ops.js';

const SPACE = 'darts';
const EXPECTED_FORM =
  "expected Genotype(normal=[('op', input), ...], normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5]), " +
  'a NASLib arch_key [[(input, op) x8], [(input, op) x8]] or JSON {"normal":[["op", input], ...], "reduce":[...]}';

interface RawEdge {
  input: number;
  op: string;
}

/** Validate two cells of raw edges, sort each node's pair by input and freeze. */
export function makeDartsArch(cells: Record<CellType, readonly RawEdge[]>, source?: string): DartsArch {
  const shown = source ?? JSON.stringify(cells);
  const canonical = {} as Record<CellType, DartsEdge[]>;
  for (const type of CELL_TYPES) canonical[type] = canonicalCell(type, cells[type], shown);
  return deepFreeze({ normal: canonical.normal, reduce: canonical.reduce });
}

function canonicalCell(type: CellType, edges: readonly RawEdge[], shown: string): DartsEdge[] {
  if (edges.length !== EDGES_PER_CELL) {
    invalidArch(
      SPACE,
      shown,
      `${type} cell has ${edges.length} edges, expected ${EDGES_PER_CELL} (2 per node, 4 nodes)`,
    );
  }
  const out: DartsEdge[] = [];
  for (let k = 0; k < EDGES_PER_CELL; k += 2) {
    const node = k / 2;
    const where = `${type} cell, node ${node + 2} (edges ${k} and ${k + 1})`;
    const pair = [edges[k]!, edges[k + 1]!].map((e, i) => {
      if (!isDartsOp(e.op))
        invalidArch(SPACE, shown, `${where}: unknown op '${e.op}'; allowed: ${DARTS_OPS.join(', ')}`);
      if (!Number.isInteger(e.input) || e.input < 0 || e.input > node + 1) {
        invalidArch(
          SPACE,
          shown,
          `${where}: edge ${k + i} reads input ${e.input}, allowed inputs are 0..${node + 1}`,
        );
      }
      return { input: e.input, op: e.op };
    });
    if (pair[0]!.input === pair[1]!.input) {
      invalidArch(
        SPACE,
        shown,
        `${where}: both edges read input ${pair[0]!.input}; a node takes two different inputs`,
      );
    }
    pair.sort((a, b) => a.input - b.input);
    out.push(...pair);
  }
  return out;
}

export function formatDarts(arch: DartsArch): string {
  const cell = (edges: readonly DartsEdge[]) => `[${edges.map((e) => `('${e.op}', ${e.input})`).join(', ')}]`;
  return (
    `Genotype(normal=${cell(arch.normal)}, normal_concat=[2, 3, 4, 5], ` +
    `reduce=${cell(arch.reduce)}, reduce_concat=[2, 3, 4, 5])`
  );
}

export function parseDarts(text: string): DartsArch {
  const t = text.trim();
  if (t.startsWith('Genotype')) return parseGenotype(t, text);
  if (t.startsWith('{')) return parseJson(t, text);
  if (t.startsWith('[') || t.startsWith('(')) return parseNaslibText(t, text);
  return invalidArch(SPACE, text, EXPECTED_FORM);
}

const CONCAT_VALUE = String.raw`(\[[^\]]*\]|range\([^)]*\))`;
const GENOTYPE = new RegExp(
  String.raw`^Genotype\(\s*normal\s*=\s*\[([^\]]*)\]\s*,\s*normal_concat\s*=\s*${CONCAT_VALUE}\s*,` +
    String.raw`\s*reduce\s*=\s*\[([^\]]*)\]\s*,\s*reduce_concat\s*=\s*${CONCAT_VALUE}\s*\)$`,
);
const CONCAT_OK = /^(\[\s*2\s*,\s*3\s*,\s*4\s*,\s*5\s*\]|range\(\s*2\s*,\s*6\s*\))$/;

function parseGenotype(t: string, source: string): DartsArch {
  const m = GENOTYPE.exec(t);
  if (!m) return invalidArch(SPACE, source, EXPECTED_FORM);
  const [, normal, normalConcat, reduce, reduceConcat] = m;
  for (const [name, concat] of [
    ['normal_concat', normalConcat!],
    ['reduce_concat', reduceConcat!],
  ] as const) {
    if (!CONCAT_OK.test(concat.trim())) {
      invalidArch(
        SPACE,
        source,
        `${name} is ${concat.trim()}; NAS-Bench-301 cells concatenate all of [2, 3, 4, 5]`,
      );
    }
  }
  return makeDartsArch(
    { normal: genotypePairs(normal!, 'normal', source), reduce: genotypePairs(reduce!, 'reduce', source) },
    source,
  );
}

function genotypePairs(list: string, type: CellType, source: string): RawEdge[] {
  const pair = /\s*\(\s*['"]([A-Za-z0-9_]+)['"]\s*,\s*(\d+)\s*\)\s*(,|$)/y;
  const edges: RawEdge[] = [];
  while (pair.lastIndex < list.length) {
    const m = pair.exec(list);
    if (!m) {
      return invalidArch(
        SPACE,
        source,
        `${type} list is not a list of ('op', input) pairs near "${list.slice(pair.lastIndex, pair.lastIndex + 30)}"`,
      );
    }
    edges.push({ op: m[1]!, input: Number(m[2]) });
    if (m[3] === '') break;
  }
  return edges;
}

function parseJson(t: string, source: string): DartsArch {
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch (err) {
    return invalidArch(SPACE, source, `not valid JSON (${(err as Error).message}); ${EXPECTED_FORM}`);
  }
  const cells = {} as Record<CellType, RawEdge[]>;
  for (const type of CELL_TYPES) {
    const list = (value as Record<string, unknown>)[type];
    if (
      !Array.isArray(list) ||
      !list.every(
        (p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'number',
      )
    ) {
      invalidArch(SPACE, source, `"${type}" must be a list of ["op", input] pairs`);
    }
    cells[type] = (list as [string, number][]).map(([op, input]) => ({ op, input }));
  }
  return makeDartsArch(cells, source);
}

function parseNaslibText(t: string, source: string): DartsArch {
  const pairs = [...t.matchAll(/[([]\s*(\d+)\s*,\s*(\d+)\s*[)\]]/g)];
  const rest = t.replace(/[([]\s*(\d+)\s*,\s*(\d+)\s*[)\]]/g, '');
  if (pairs.length !== 2 * EDGES_PER_CELL || /[^\s,()[\]]/.test(rest)) {
    invalidArch(
      SPACE,
      source,
      `a NASLib arch_key holds 2 cells of 8 (input, op_code) pairs, found ${pairs.length} pairs`,
    );
  }
  const codes = pairs.map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
  return fromNaslib([codes.slice(0, EDGES_PER_CELL), codes.slice(EDGES_PER_CELL)], source);
}

/** From NASLib's compact form: [normal, reduce], each 8 pairs (input node, op code). */
export function fromNaslib(
  compact: readonly (readonly (readonly [number, number])[])[],
  source?: string,
): DartsArch {
  const shown = source ?? JSON.stringify(compact);
  if (compact.length !== 2)
    invalidArch(SPACE, shown, `NASLib compact form has 2 cells, found ${compact.length}`);
  const cells = {} as Record<CellType, RawEdge[]>;
  CELL_TYPES.forEach((type, c) => {
    cells[type] = compact[c]!.map(([input, code], k) => {
      const op = DARTS_OPS[code];
      if (op === undefined) {
        invalidArch(
          SPACE,
          shown,
          `${type} cell, edge ${k}: op code ${code} is not in 0..6 (${DARTS_OPS.map((o, i) => `${i}=${o}`).join(', ')})`,
        );
      }
      return { input, op };
    });
  });
  return makeDartsArch(cells, shown);
}

/** NASLib's compact form [normal, reduce] of (input, op code) pairs, in canonical edge order. */
export function toNaslib(arch: DartsArch): [number, number][][] {
  return CELL_TYPES.map((type) =>
    arch[type].map((e): [number, number] => [e.input, DARTS_OPS.indexOf(e.op)]),
  );
}

/** The JSON form of the shared zero-cost table: {"normal":[["op",input],...],"reduce":[...]}. */
export function toJson(arch: DartsArch): string {
  const cell = (edges: readonly DartsEdge[]) => edges.map((e) => [e.op, e.input]);
  return JSON.stringify({ normal: cell(arch.normal), reduce: cell(arch.reduce) });
}
