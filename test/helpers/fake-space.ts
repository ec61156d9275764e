/**
 * A tiny cell-like search space and a benchmark over it, for testing strategies and the benchmark layer
 * without real data: `edges` positions, each holding one of `ops`; canonical string "a-b-c" (parse also
 * accepts upper case and spaces, so two spellings can name one architecture).
 */
import { NaskitError } from '../../src/util/errors.js';
import type { Rng } from '../../src/util/rng.js';
import type { EncodingKind, SearchSpace } from '../../src/spaces/space.js';
import { TabularBenchmark } from '../../src/benchmarks/table.js';
import { measuredCost, noCost } from '../../src/benchmarks/cost.js';

export interface ToyArch {
  readonly ops: readonly number[];
}

export function toySpace(edges = 3, ops: readonly string[] = ['a', 'b', 'c']): SearchSpace<ToyArch> {
  const make = (o: number[]): ToyArch => Object.freeze({ ops: Object.freeze(o) });
  const format = (arch: ToyArch): string => arch.ops.map((i) => ops[i]).join('-');
  const withEdge = (arch: ToyArch, e: number, op: number): ToyArch => {
    const o = arch.ops.slice();
    o[e] = op;
    return make(o);
  };
  return {
    name: 'toy',
    description: `toy space: ${edges} edges x ${ops.length} ops`,
    ops,
    size: ops.length ** edges,
    encodings: [{ kind: 'onehot', length: edges * ops.length, description: 'one-hot op per edge' }],
    parse(text: string): ToyArch {
      const parts = text.replace(/\s+/g, '').toLowerCase().split('-');
      const idx = parts.map((p) => ops.indexOf(p));
      if (parts.length !== edges || idx.some((i) => i < 0)) {
        throw new NaskitError(
          'invalid_arch',
          `toy: '${text}' is not ${edges} ops from ${ops.join('/')} joined by '-'`,
        );
      }
      return make(idx);
    },
    format,
    key: format,
    sample: (rng: Rng) => make(Array.from({ length: edges }, () => rng.int(ops.length))),
    mutate(arch: ToyArch, rng: Rng): ToyArch {
      const e = rng.int(edges);
      const choices = ops.map((_, i) => i).filter((i) => i !== arch.ops[e]);
      return withEdge(arch, e, rng.pick(choices));
    },
    neighbors(arch: ToyArch): ToyArch[] {
      const out: ToyArch[] = [];
      for (let e = 0; e < edges; e++)
        for (let o = 0; o < ops.length; o++) if (o !== arch.ops[e]) out.push(withEdge(arch, e, o));
      return out;
    },
    *enumerate() {
      const total = ops.length ** edges;
      for (let n = 0; n < total; n++) {
        const o: number[] = [];
        let r = n;
        for (let e = 0; e < edges; e++) {
          o.unshift(r % ops.length);
          r = Math.floor(r / ops.length);
        }
        yield make(o);
      }
    },
    encode(arch: ToyArch, kind: EncodingKind): Float32Array {
      if (kind !== 'onehot') throw new NaskitError('invalid_argument', `toy has no '${kind}' encoding`);
      const out = new Float32Array(edges * ops.length);
      arch.ops.forEach((o, e) => (out[e * ops.length + o] = 1));
      return out;
    },
  };
}

/**
 * A benchmark over the architectures of a toy space (all of them unless `archs` picks a sample), with
 * metrics computed from the op indices.
 */
export function toyBenchmark(
  space: SearchSpace<ToyArch>,
  metrics: {
    val: (arch: ToyArch) => number;
    test: (arch: ToyArch) => number;
    seconds?: (arch: ToyArch) => number;
  },
  archs: readonly ToyArch[] = [...space.enumerate!()],
): TabularBenchmark<ToyArch> {
  const col = (f: (a: ToyArch) => number): Float64Array => Float64Array.from(archs, f);
  const time = metrics.seconds ? col(metrics.seconds) : null;
  return new TabularBenchmark({
    space,
    dataset: 'toyset',
    source: 'generated in test',
    keys: archs.map((a) => space.key(a)),
    archStrings: archs.map((a) => space.format(a)),
    columns: [
      { info: { name: 'val_acc', description: 'toy validation', unit: '%' }, values: col(metrics.val) },
      { info: { name: 'test_acc', description: 'toy test', unit: '%' }, values: col(metrics.test) },
    ],
    valMetric: 'val_acc',
    testMetric: 'test_acc',
    cost: time ? measuredCost(time, 'toy seconds') : noCost('toy: no cost'),
  });
}

/** A smooth toy landscape: val rises with the op indices (best = all last op), test = val + a fixed offset. */
export function sumLandscape(arch: ToyArch): number {
  return 50 + arch.ops.reduce((a, b, i) => a + b * (i + 1), 0);
}
