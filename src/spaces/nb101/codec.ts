/**
 * NAS-Bench-101 string forms.
 *
 * Canonical string: compact JSON of the PRUNED spec, keys in this order, no spaces:
 *   {"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","conv3x3-bn-relu","output"]}
 * Key: the official module hash of that pruned spec (isomorphic cells share it).
 * Accepted alternatives: the same JSON unpruned (any V <= 7), and NASLib's arch_key tuple of V*V
 * adjacency entries followed by V op codes (0=input, 1=output, 2=maxpool3x3, 3=conv1x1, 4=conv3x3).
 */
import { deepFreeze, invalidArch, parseIntTuple } from '../common.js';
import { moduleHash } from './hash.js';
import { NASLIB_LABELS } from './ops.js';
import type { Nb101Arch, Nb101Label } from './ops.js';
import { validate } from './spec.js';
import type { PrunedSpec } from './spec.js';

const SPACE = 'nb101';
const EXPECTED_FORM =
  'expected JSON {"matrix":[[...]],"ops":["input",...,"output"]} or a NASLib tuple of V*V adjacency entries + V op codes';

interface Derived {
  pruned: PrunedSpec;
  text: string;
  hash: string;
}

const derived = new WeakMap<Nb101Arch, Derived>();

/** Validate and freeze a cell; `source` is what error messages quote. */
export function makeNb101Arch(
  matrix: readonly (readonly number[])[],
  ops: readonly Nb101Label[],
  source?: string,
): Nb101Arch {
  const arch: Nb101Arch = { matrix: matrix.map((row) => row.slice()), ops: ops.slice() };
  const pruned = validate(arch, source ?? JSON.stringify(arch));
  deepFreeze(arch);
  derived.set(arch, describePruned(pruned));
  return arch;
}

function describePruned(pruned: PrunedSpec): Derived {
  const text = `{"matrix":${JSON.stringify(pruned.matrix)},"ops":${JSON.stringify(pruned.ops)}}`;
  return { pruned, text, hash: moduleHash(pruned.matrix, pruned.ops) };
}

function info(arch: Nb101Arch): Derived {
  let d = derived.get(arch);
  if (!d) {
    // An equal value built elsewhere (e.g. structuredClone): validate it like any input.
    d = describePruned(validate(arch, JSON.stringify(arch)));
    derived.set(arch, d);
  }
  return d;
}

export function formatNb101(arch: Nb101Arch): string {
  return info(arch).text;
}

export function nb101Hash(arch: Nb101Arch): string {
  return info(arch).hash;
}

export function prunedSpec(arch: Nb101Arch): PrunedSpec {
  return info(arch).pruned;
}

export function parseNb101(text: string): Nb101Arch {
  const t = text.trim();
  if (t.startsWith('{')) return parseJson(t, text);
  const codes = parseIntTuple(t);
  if (codes) return fromNaslib(codes, text);
  return invalidArch(SPACE, text, EXPECTED_FORM);
}

function parseJson(t: string, source: string): Nb101Arch {
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch (err) {
    return invalidArch(SPACE, source, `not valid JSON (${(err as Error).message}); ${EXPECTED_FORM}`);
  }
  const obj = value as { matrix?: unknown; ops?: unknown };
  if (!Array.isArray(obj.matrix) || !obj.matrix.every((row) => Array.isArray(row))) {
    invalidArch(SPACE, source, `"matrix" must be an array of rows; ${EXPECTED_FORM}`);
  }
  if (!Array.isArray(obj.ops) || !obj.ops.every((op) => typeof op === 'string')) {
    invalidArch(SPACE, source, `"ops" must be an array of op names; ${EXPECTED_FORM}`);
  }
  const matrix = (obj.matrix as unknown[][]).map((row) =>
    row.map((x) => (x === true ? 1 : x === false ? 0 : x)),
  );
  return makeNb101Arch(matrix as number[][], obj.ops as Nb101Label[], source);
}

/** Build from a NASLib arch_key tuple: V*V adjacency entries (row-major), then V op codes. */
export function fromNaslib(codes: readonly number[], source?: string): Nb101Arch {
  const shown = source ?? `(${codes.join(', ')})`;
  const n = Math.round((-1 + Math.sqrt(1 + 4 * codes.length)) / 2);
  if (n * n + n !== codes.length) {
    invalidArch(SPACE, shown, `a NASLib tuple has V*V + V entries (56 for V=7), got ${codes.length}`);
  }
  const matrix = Array.from({ length: n }, (_, i) => codes.slice(i * n, (i + 1) * n));
  const ops = codes.slice(n * n).map((code, v) => {
    const op = NASLIB_LABELS[code];
    if (op === undefined) {
      invalidArch(
        SPACE,
        shown,
        `op code ${code} of vertex ${v} is not in 0..4 (0=input, 1=output, 2=maxpool3x3, 3=conv1x1, 4=conv3x3)`,
      );
    }
    return op;
  });
  return makeNb101Arch(matrix, ops, shown);
}

/** NASLib arch_key tuple of the cell as stored (V*V adjacency entries, then V op codes). */
export function toNaslib(arch: Nb101Arch): number[] {
  return [...arch.matrix.flat(), ...arch.ops.map((op) => NASLIB_LABELS.indexOf(op))];
}

/**
 * Build from the table form of the shared NB101 file: adjacency rows of 0/1 digits joined by '|'
 * ("0100110|0010000|...") and comma-separated op names, input first.
 */
export function fromTable(adjacency: string, ops: string): Nb101Arch {
  const source = `${adjacency} ${ops}`;
  const rows = adjacency.split('|');
  if (!rows.every((r) => /^[01]+$/.test(r))) {
    invalidArch(SPACE, source, 'adjacency must be rows of 0/1 digits joined by |');
  }
  return makeNb101Arch(
    rows.map((r) => [...r].map(Number)),
    ops.split(',').map((s) => s.trim()) as Nb101Label[],
    source,
  );
}
