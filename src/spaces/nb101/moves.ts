/**
 * NAS-Bench-101 moves, as NASLib (after the nasbench repository) does them on 7-vertex specs:
 * - sample: every upper-triangular entry 0/1 with probability 1/2, every inner op uniform; reject invalid.
 * - mutate: flip each possible edge with probability 1/7 and change each inner op with probability 1/3;
 *   repeat until valid (and, here, until the module hash changes).
 * - neighbors: change the op of a vertex on an input→output path, remove an edge on such a path, or add an
 *   edge that lies on one; keep the valid ones, deduplicated by hash.
 * Cells with fewer than 7 vertices are first padded with isolated conv3x3 vertices before the output,
 * which leaves their hash unchanged and lets moves grow them back to 7 vertices.
 */
import type { Rng } from '../../util/rng.js';
import { makeNb101Arch, nb101Hash } from './codec.js';
import { MAX_VERTICES, NB101_OPS } from './ops.js';
import type { Nb101Arch, Nb101Label } from './ops.js';
import { isValid, liveVertices } from './spec.js';

interface MutableSpec {
  matrix: number[][];
  ops: Nb101Label[];
}

/** The cell as a 7-vertex spec (isolated padding vertices inserted before the output). */
export function padToSeven(arch: Nb101Arch): MutableSpec {
  const n = arch.matrix.length;
  const pad = MAX_VERTICES - n;
  const position = (v: number) => (v === n - 1 ? MAX_VERTICES - 1 : v);
  const matrix = Array.from({ length: MAX_VERTICES }, () => new Array<number>(MAX_VERTICES).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) matrix[position(i)]![position(j)] = arch.matrix[i]![j]!;
  const ops: Nb101Label[] = [
    ...arch.ops.slice(0, n - 1),
    ...new Array<Nb101Label>(pad).fill(NB101_OPS[0]),
    'output',
  ];
  return { matrix, ops };
}

export function sampleNb101(rng: Rng): Nb101Arch {
  for (;;) {
    const matrix = Array.from({ length: MAX_VERTICES }, (_, i) =>
      Array.from({ length: MAX_VERTICES }, (_, j) => (j > i ? rng.int(2) : 0)),
    );
    const ops: Nb101Label[] = [
      'input',
      ...Array.from({ length: MAX_VERTICES - 2 }, () => rng.pick(NB101_OPS)),
      'output',
    ];
    const spec = { matrix, ops };
    if (isValid(spec)) return makeNb101Arch(matrix, ops);
  }
}

export function mutateNb101(arch: Nb101Arch, rng: Rng): Nb101Arch {
  const start = padToSeven(arch);
  const parentHash = nb101Hash(arch);
  for (;;) {
    const matrix = start.matrix.map((row) => row.slice());
    const ops = start.ops.slice();
    for (let src = 0; src < MAX_VERTICES - 1; src++) {
      for (let dst = src + 1; dst < MAX_VERTICES; dst++) {
        if (rng.next() < 1 / MAX_VERTICES) matrix[src]![dst] = 1 - matrix[src]![dst]!;
      }
    }
    for (let v = 1; v < MAX_VERTICES - 1; v++) {
      if (rng.next() < 1 / NB101_OPS.length) ops[v] = rng.pick(NB101_OPS.filter((op) => op !== ops[v]));
    }
    if (!isValid({ matrix, ops })) continue;
    const child = makeNb101Arch(matrix, ops);
    if (nb101Hash(child) !== parentHash) return child;
  }
}

export function neighborsNb101(arch: Nb101Arch): Nb101Arch[] {
  const { matrix, ops } = padToSeven(arch);
  const seen = new Set<string>([nb101Hash(arch)]);
  const out: Nb101Arch[] = [];
  const consider = (m: number[][], o: Nb101Label[]) => {
    if (!isValid({ matrix: m, ops: o })) return;
    const nbr = makeNb101Arch(m, o);
    const hash = nb101Hash(nbr);
    if (seen.has(hash)) return;
    seen.add(hash);
    out.push(nbr);
  };

  const live = liveVertices(matrix)!;
  for (let v = 1; v < MAX_VERTICES - 1; v++) {
    if (!live[v]) continue;
    for (const op of NB101_OPS) {
      if (op === ops[v]) continue;
      const o = ops.slice();
      o[v] = op;
      consider(matrix, o);
    }
  }
  for (let src = 0; src < MAX_VERTICES - 1; src++) {
    for (let dst = src + 1; dst < MAX_VERTICES; dst++) {
      const m = matrix.map((row) => row.slice());
      m[src]![dst] = 1 - m[src]![dst]!;
      // Only edges that are (or become) part of an input→output path change the cell.
      const onPath = matrix[src]![dst] ? onLivePath(matrix, src, dst) : onLivePath(m, src, dst);
      if (onPath) consider(m, ops);
    }
  }
  return out;
}

function onLivePath(matrix: readonly (readonly number[])[], src: number, dst: number): boolean {
  const live = liveVertices(matrix);
  return live !== null && matrix[src]![dst] === 1 && live[src]! && live[dst]!;
}
