/**
 * Subspaces of a search space for few-shot supernets: one supernet per subspace, so the cells that
 * share weights are alike. Two kinds, named by text:
 * - `edge:E=OP` — the cells whose edge E (in the cell's edge order; NB201: 0 = 0→1, 1 = 0→2, 2 = 1→2,
 *   3 = 0→3, 4 = 1→3, 5 = 2→3) takes op OP: Few-shot NAS' split, one member per op of one edge; fair
 *   (FairNAS) training still applies to the other edges.
 * - `convs:A-B` (or `convs:A`) — the architectures with A to B convolution ops (ops whose name contains
 *   "conv", counted in the canonical string): EFS-NAS' split by the number of non-linear ops, aimed at
 *   where one NB201 supernet goes wrong (it over-ranks skip-heavy cells, under-ranks conv-heavy ones).
 */
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { AnySpace } from './space.js';

export type Subspace =
  | { readonly kind: 'convs'; readonly label: string; readonly min: number; readonly max: number }
  | { readonly kind: 'edge'; readonly label: string; readonly edge: number; readonly op: string };

const CONVS = /^convs:(\d+)(?:-(\d+))?$/;
const EDGE = /^edge:(\d+)=([A-Za-z0-9_]+)$/;

export function parseSubspace(text: string): Subspace {
  const t = text.trim();
  const edge = EDGE.exec(t);
  if (edge) return { kind: 'edge', label: t, edge: Number(edge[1]), op: edge[2]! };
  const m = CONVS.exec(t);
  if (!m) {
    throw new NaskitError(
      'invalid_argument',
      `subspace '${text}' is not understood; write edge:E=OP (edge E takes op OP) or convs:A-B (A to B convolution ops)`,
    );
  }
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (max < min) {
    throw new NaskitError(
      'invalid_argument',
      `subspace '${text}': the upper count ${max} is below the lower ${min}`,
    );
  }
  return { kind: 'convs', label: min === max ? `convs:${min}` : `convs:${min}-${max}`, min, max };
}

/** Refuses a subspace the space cannot have: an edge subspace outside a cell space's edges or ops. */
export function checkSubspace(space: AnySpace, sub: Subspace): void {
  if (sub.kind !== 'edge') return;
  const cellOps = space.cellOps;
  if (!cellOps || !space.heaviest) {
    throw new NaskitError(
      'invalid_argument',
      `subspace ${sub.label}: ${space.name} is not a one-cell space with numbered edges; use convs:A-B`,
    );
  }
  const edges = cellOps(space.heaviest()).length;
  if (sub.edge >= edges) {
    throw new NaskitError(
      'invalid_argument',
      `subspace ${sub.label}: ${space.name} cells have edges 0..${edges - 1}`,
    );
  }
  if (!space.ops.includes(sub.op)) {
    throw new NaskitError(
      'invalid_argument',
      `subspace ${sub.label}: '${sub.op}' is not a ${space.name} op (${space.ops.join(', ')})`,
    );
  }
}

/** Convolution ops in an architecture (ops whose name contains "conv"). */
export function convCount(space: AnySpace, arch: unknown): number {
  return (space.format(arch).match(/conv/g) ?? []).length;
}

export function subspaceContains(space: AnySpace, sub: Subspace, arch: unknown): boolean {
  if (sub.kind === 'edge') return space.cellOps!(arch)[sub.edge] === sub.op;
  const n = convCount(space, arch);
  return n >= sub.min && n <= sub.max;
}

/** Whether some architecture can be in both (a family gives each architecture one member). */
export function subspacesOverlap(a: Subspace, b: Subspace): boolean {
  if (a.kind === 'convs' && b.kind === 'convs') return a.min <= b.max && b.min <= a.max;
  if (a.kind === 'edge' && b.kind === 'edge') return a.edge !== b.edge || a.op === b.op;
  return true;
}

/** Draws beyond which a subspace counts as empty (or too rare to sample by rejection). */
const MAX_DRAWS = 100_000;

/** A uniform architecture of the subspace: uniform draws of the space, rejected until one is inside. */
export function sampleSubspace(space: AnySpace, sub: Subspace, rng: Rng): unknown {
  for (let i = 0; i < MAX_DRAWS; i++) {
    const arch = space.sample(rng);
    if (subspaceContains(space, sub, arch)) return arch;
  }
  throw new NaskitError(
    'invalid_argument',
    `subspace ${sub.label} of ${space.name}: no architecture in ${MAX_DRAWS} uniform draws; it is empty or too rare to train a supernet on`,
  );
}
