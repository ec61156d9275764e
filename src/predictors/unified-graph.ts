/**
 * The unified graph encoding: any architecture of a supported space as an op-on-node DAG over the
 * shared vocabulary (see unified-vocab.ts), with the BRP-NAS global node at index 0. Edge-op cells
 * (NB201, TNB101 micro, DARTS) become op-on-node graphs by giving every operation edge its own node,
 * contracting identity edges and dropping zero edges; nodes off every input→output path are pruned.
 */
import { CELL_EDGES } from '../spaces/cell-dag.js';
import { prunedSpec } from '../spaces/nb101/codec.js';
import type { Nb101Arch } from '../spaces/nb101/ops.js';
import type { Nb201Arch } from '../spaces/nb201/ops.js';
import type { DartsArch, DartsEdge } from '../spaces/darts/ops.js';
import type { TnbMacroArch } from '../spaces/tnb101-macro/ops.js';
import type { TnbMicroArch } from '../spaces/tnb101-micro/ops.js';
import type { AnySpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import { SPACE_MAX_NODES, type UnifiedOp, vocabIndex } from './unified-vocab.js';

export interface UnifiedGraph {
  /** Vocabulary index of each node; node 0 is the global node. */
  readonly ops: readonly number[];
  /** Directed edges (from, to) between nodes >= 1; the global node's edges are implicit. */
  readonly edges: readonly (readonly [number, number])[];
}

/** What an edge of an edge-op cell does once mapped: an operation node, identity, or nothing. */
type EdgeRole = UnifiedOp | 'identity' | 'zero';

class Builder {
  readonly ops: UnifiedOp[] = [];
  readonly edges: [number, number][] = [];

  node(op: UnifiedOp, inputs: Iterable<number> = []): number {
    const id = this.ops.length;
    this.ops.push(op);
    for (const i of inputs) this.edges.push([i, id]);
    return id;
  }

  /** Keep nodes on some input→`sink` path (always keep inputs and the sink), add the global node. */
  finish(sink: number): UnifiedGraph {
    const n = this.ops.length;
    const succ = Array.from({ length: n }, () => [] as number[]);
    const pred = Array.from({ length: n }, () => [] as number[]);
    for (const [a, b] of this.edges) {
      succ[a]!.push(b);
      pred[b]!.push(a);
    }
    const reach = (starts: number[], next: number[][]): boolean[] => {
      const seen = new Array<boolean>(n).fill(false);
      const stack = [...starts];
      for (const s of starts) seen[s] = true;
      while (stack.length > 0) {
        for (const t of next[stack.pop()!]!) {
          if (!seen[t]) {
            seen[t] = true;
            stack.push(t);
          }
        }
      }
      return seen;
    };
    const inputs = this.ops.flatMap((op, i) => (op === 'input' ? [i] : []));
    const fromInput = reach(inputs, succ);
    const toSink = reach([sink], pred);
    const keep = this.ops.map((op, i) => op === 'input' || i === sink || (fromInput[i]! && toSink[i]!));
    const newId = new Array<number>(n).fill(-1);
    const ops = [vocabIndex('global')];
    keep.forEach((k, i) => {
      if (k) {
        newId[i] = ops.length;
        ops.push(vocabIndex(this.ops[i]!));
      }
    });
    const seen = new Set<string>();
    const edges: [number, number][] = [];
    for (const [a, b] of this.edges) {
      const x = newId[a]!;
      const y = newId[b]!;
      const id = `${x},${y}`;
      if (x > 0 && y > 0 && !seen.has(id)) {
        seen.add(id);
        edges.push([x, y]);
      }
    }
    return { ops, edges };
  }
}

/**
 * Add an edge-op cell to `b`: `inputs[i]` holds the graph nodes standing for cell node i when i is an
 * input; `edgeRoles[e]` with `edgeEnds[e]` the (from, to) cell nodes. Returns, per cell node, the set
 * of graph nodes whose outputs sum into it.
 */
function addEdgeCell(
  b: Builder,
  cellNodes: number,
  inputs: readonly (readonly number[])[],
  edgeEnds: readonly (readonly [number, number])[],
  edgeRoles: readonly EdgeRole[],
): number[][] {
  const sources: number[][] = Array.from({ length: cellNodes }, (_, i) => [...(inputs[i] ?? [])]);
  // Edges are ordered so every source cell node is complete before an edge reads it.
  edgeEnds.forEach(([from, to], e) => {
    const role = edgeRoles[e]!;
    if (role === 'zero') return;
    if (role === 'identity') sources[to]!.push(...sources[from]!);
    else sources[to]!.push(b.node(role, sources[from]!));
  });
  return sources.map((s) => [...new Set(s)]);
}

const NB201_ROLE: Record<string, EdgeRole> = {
  none: 'zero',
  skip_connect: 'identity',
  nor_conv_1x1: 'conv1x1',
  nor_conv_3x3: 'conv3x3',
  avg_pool_3x3: 'avg_pool_3x3',
};

const TNB_MICRO_ROLE: Record<string, EdgeRole> = {
  zero: 'zero',
  skip: 'identity',
  conv1x1: 'conv1x1',
  conv3x3: 'conv3x3',
};

const DARTS_ROLE: Record<string, EdgeRole> = {
  max_pool_3x3: 'max_pool_3x3',
  avg_pool_3x3: 'avg_pool_3x3',
  skip_connect: 'identity',
  sep_conv_3x3: 'sep_conv_3x3',
  sep_conv_5x5: 'sep_conv_5x5',
  dil_conv_3x3: 'dil_conv_3x3',
  dil_conv_5x5: 'dil_conv_5x5',
};

const NB101_ROLE: Record<string, UnifiedOp> = {
  input: 'input',
  output: 'output',
  'conv1x1-bn-relu': 'conv1x1',
  'conv3x3-bn-relu': 'conv3x3',
  maxpool3x3: 'max_pool_3x3',
};

const MACRO_ROLE: readonly UnifiedOp[] = [
  'res_block',
  'res_block_double',
  'res_block_down',
  'res_block_down_double',
];

const CELL_ENDS = CELL_EDGES.map((e) => [e.from, e.to] as const);

function fourNodeCell(edgeOps: readonly string[], roles: Record<string, EdgeRole>): UnifiedGraph {
  const b = new Builder();
  const input = b.node('input');
  const sources = addEdgeCell(
    b,
    4,
    [[input]],
    CELL_ENDS,
    edgeOps.map((op) => roles[op]!),
  );
  const output = b.node('output', sources[3]);
  return b.finish(output);
}

export function nb201Graph(arch: Nb201Arch): UnifiedGraph {
  return fourNodeCell(arch.edges, NB201_ROLE);
}

export function tnbMicroGraph(arch: TnbMicroArch): UnifiedGraph {
  return fourNodeCell(arch.edges, TNB_MICRO_ROLE);
}

export function nb101Graph(arch: Nb101Arch): UnifiedGraph {
  const { matrix, ops } = prunedSpec(arch);
  const b = new Builder();
  ops.forEach((op, v) => {
    const inputs: number[] = [];
    for (let u = 0; u < v; u++) if (matrix[u]![v]) inputs.push(u);
    b.node(NB101_ROLE[op]!, inputs);
  });
  return b.finish(ops.length - 1);
}

/**
 * A DARTS genotype as one normal cell followed by one reduction cell, wired as in the DARTS network:
 * the reduction cell reads the normal cell's output as c_{k-1} and the normal cell's c_{k-1} as its
 * c_{k-2}. Each cell's output concatenates its 4 intermediate nodes.
 */
export function dartsGraph(arch: DartsArch): UnifiedGraph {
  const b = new Builder();
  const prev2 = b.node('input');
  const prev1 = b.node('input');
  const cell = (inputs: number[][], edges: readonly DartsEdge[]): number => {
    const ends = edges.map((e, k) => [e.input, 2 + Math.floor(k / 2)] as const);
    const sources = addEdgeCell(
      b,
      6,
      inputs,
      ends,
      edges.map((e) => DARTS_ROLE[e.op]!),
    );
    return b.node('output', new Set(sources.slice(2).flat()));
  };
  const normalOut = cell([[prev2], [prev1]], arch.normal);
  const reduceOut = cell([[prev1], [normalOut]], arch.reduce);
  return b.finish(reduceOut);
}

/** A TNB101 macro skeleton as a chain input → block → … → block → output. */
export function tnbMacroGraph(arch: TnbMacroArch): UnifiedGraph {
  const b = new Builder();
  let last = b.node('input');
  for (const digit of arch.blocks) last = b.node(MACRO_ROLE[digit - 1]!, [last]);
  return b.finish(b.node('output', [last]));
}

/** The unified graph of an architecture of `space` (by the space's registry name). */
export function unifiedGraph(space: AnySpace | string, arch: unknown): UnifiedGraph {
  const name = typeof space === 'string' ? space : space.name;
  switch (name) {
    case 'nb201':
      return nb201Graph(arch as Nb201Arch);
    case 'tnb101-micro':
      return tnbMicroGraph(arch as TnbMicroArch);
    case 'nb101':
      return nb101Graph(arch as Nb101Arch);
    case 'darts':
      return dartsGraph(arch as DartsArch);
    case 'tnb101-macro':
      return tnbMacroGraph(arch as TnbMacroArch);
    default:
      throw new NaskitError(
        'invalid_argument',
        `unified graph encoding: no converter for space '${name}'; supported: ${Object.keys(SPACE_MAX_NODES).join(', ')}`,
      );
  }
}

/** Whether the unified encoding knows the space. */
export function supportsUnified(space: string): boolean {
  return space in SPACE_MAX_NODES;
}

/**
 * Weisfeiler-Lehman hash over predecessors and successors (3 rounds): isomorphic graphs always share
 * it, and a GCN cannot tell apart graphs that share it, so it is the right key for de-duplication.
 */
export function graphHash(graph: UnifiedGraph, rounds = 3): string {
  const n = graph.ops.length;
  const succ = Array.from({ length: n }, () => [] as number[]);
  const pred = Array.from({ length: n }, () => [] as number[]);
  for (const [a, b] of graph.edges) {
    succ[a]!.push(b);
    pred[b]!.push(a);
  }
  let labels = graph.ops.map(String);
  for (let r = 0; r < rounds; r++) {
    labels = labels.map((l, i) => {
      const s = succ[i]!.map((j) => labels[j]!).sort();
      const p = pred[i]!.map((j) => labels[j]!).sort();
      return shortHash(`${l}|>${s.join(',')}|<${p.join(',')}`);
    });
  }
  return `${n}:${graph.edges.length}:${[...labels].sort().join('.')}`;
}

function shortHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519);
  }
  return ((h1 >>> 0).toString(36) + (h2 >>> 0).toString(36)).padStart(12, '0');
}
