/**
 * Encoded architecture sets: per-architecture input fields (fixed shape each) stored contiguously, so
 * a batch is a few slice copies. Three producers:
 * - `encodeGraphs`: unified graphs as `features` [N, V] (one-hot over the shared vocabulary) and
 *   `adjacency` [N, N] (self-loops, global row, A[i][j] = 1 for an edge i → j), padded to N nodes. Padding
 *   nodes have no edges at all, so they never reach the global node and cannot change a GCN's output;
 *   N can therefore be each set's own largest graph.
 * - `flattenGraphs`: the same, flattened into one `vector` at a fixed N (for MLPs across spaces).
 * - `encodeVectors`: a space's own vector encoding (`space.encode(arch, 'onehot' | 'path' | ...)`).
 */
import { NaskitError } from '../util/errors.js';
import type { UnifiedGraph } from './unified-graph.js';
import { UNIFIED_MAX_NODES, VOCAB_SIZE } from './unified-vocab.js';

export interface FieldData {
  /** Shape of one architecture's slice. */
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export class EncodedSet {
  readonly size: number;
  readonly fields: ReadonlyMap<string, FieldData>;

  constructor(size: number, fields: ReadonlyMap<string, FieldData>) {
    for (const [name, f] of fields) {
      const per = f.shape.reduce((a, b) => a * b, 1);
      if (f.data.length !== per * size) {
        throw new NaskitError(
          'shape_mismatch',
          `encoded set: field '${name}' holds ${f.data.length} values, expected ${size} x [${f.shape.join(', ')}]`,
        );
      }
    }
    this.size = size;
    this.fields = fields;
  }

  /** Field shapes, e.g. "adjacency:9x9|features:9x15"; programs are compiled per layout. */
  get layout(): string {
    return [...this.fields]
      .map(([name, f]) => `${name}:${f.shape.join('x')}`)
      .sort()
      .join('|');
  }

  /** Batch arrays for `rows` (repeats allowed), zero-padded to `batch` rows. */
  gather(rows: ArrayLike<number>, batch = rows.length): Map<string, Float32Array> {
    if (batch < rows.length) {
      throw new NaskitError('invalid_argument', `gather: ${rows.length} rows do not fit a batch of ${batch}`);
    }
    const out = new Map<string, Float32Array>();
    for (const [name, f] of this.fields) {
      const per = f.data.length / Math.max(1, this.size);
      const dst = new Float32Array(per * batch);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        if (!(r >= 0 && r < this.size)) {
          throw new NaskitError('invalid_argument', `gather: row ${r} is outside the set of ${this.size}`);
        }
        dst.set(f.data.subarray(r * per, (r + 1) * per), i * per);
      }
      out.set(name, dst);
    }
    return out;
  }

  /** A new set holding `rows`, in that order. */
  subset(rows: ArrayLike<number>): EncodedSet {
    const gathered = this.gather(rows);
    const fields = new Map<string, FieldData>();
    for (const [name, f] of this.fields) fields.set(name, { shape: f.shape, data: gathered.get(name)! });
    return new EncodedSet(rows.length, fields);
  }
}

function largestGraph(graphs: readonly UnifiedGraph[]): number {
  return graphs.reduce((m, gr) => Math.max(m, gr.ops.length), 1);
}

function writeGraph(
  gr: UnifiedGraph,
  nodes: number,
  features: Float32Array,
  fOff: number,
  adj: Float32Array,
  aOff: number,
): void {
  const n = gr.ops.length;
  if (n > nodes) {
    throw new NaskitError(
      'shape_mismatch',
      `unified graph has ${n} nodes but the encoding pads to ${nodes}; raise the node count`,
    );
  }
  for (let i = 0; i < n; i++) {
    features[fOff + i * VOCAB_SIZE + gr.ops[i]!] = 1;
    adj[aOff + i * nodes + i] = 1; // self-loop
    adj[aOff + i] = 1; // global node 0 reads every node
  }
  for (const [a, b] of gr.edges) adj[aOff + a * nodes + b] = 1;
}

/** Per-architecture score features: `dim` values per graph, row-major (graph i at i·dim). */
export interface ScoreMatrix {
  readonly dim: number;
  readonly values: Float32Array;
}

/**
 * Unified graphs as `features` [N, V] and `adjacency` [N, N]; N defaults to the largest graph. With
 * `scores`, also a `scores` [S] field (the GCN's score-feature input).
 */
export function encodeGraphs(
  graphs: readonly UnifiedGraph[],
  nodes = largestGraph(graphs),
  scores?: ScoreMatrix,
): EncodedSet {
  const count = graphs.length;
  const features = new Float32Array(count * nodes * VOCAB_SIZE);
  const adjacency = new Float32Array(count * nodes * nodes);
  graphs.forEach((gr, k) =>
    writeGraph(gr, nodes, features, k * nodes * VOCAB_SIZE, adjacency, k * nodes * nodes),
  );
  const fields = new Map<string, FieldData>([
    ['features', { shape: [nodes, VOCAB_SIZE], data: features }],
    ['adjacency', { shape: [nodes, nodes], data: adjacency }],
  ]);
  if (scores) {
    if (scores.values.length !== count * scores.dim) {
      throw new NaskitError(
        'shape_mismatch',
        `score features: ${scores.values.length} values for ${count} graphs x ${scores.dim} features; compute them for the same graphs`,
      );
    }
    fields.set('scores', { shape: [scores.dim], data: scores.values });
  }
  return new EncodedSet(count, fields);
}

/** Unified graphs flattened to one `vector` (features then adjacency) at a fixed node count. */
export function flattenGraphs(graphs: readonly UnifiedGraph[], nodes = UNIFIED_MAX_NODES): EncodedSet {
  const per = nodes * VOCAB_SIZE + nodes * nodes;
  const data = new Float32Array(graphs.length * per);
  graphs.forEach((gr, k) => writeGraph(gr, nodes, data, k * per, data, k * per + nodes * VOCAB_SIZE));
  return new EncodedSet(graphs.length, new Map([['vector', { shape: [per], data }]]));
}

/** Fixed-length vectors (e.g. `space.encode(arch, 'path')`) as one `vector` field. */
export function encodeVectors(vectors: readonly Float32Array[]): EncodedSet {
  const dim = vectors[0]?.length ?? 0;
  const data = new Float32Array(vectors.length * dim);
  vectors.forEach((v, k) => {
    if (v.length !== dim) {
      throw new NaskitError(
        'shape_mismatch',
        `encodeVectors: vector ${k} has length ${v.length}, the first has ${dim}; use one encoding kind for all`,
      );
    }
    data.set(v, k * dim);
  });
  return new EncodedSet(vectors.length, new Map([['vector', { shape: [dim], data }]]));
}
