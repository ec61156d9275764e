/**
 * The contract every SearchSpace must satisfy, as a reusable vitest suite (hono's `runTest` style):
 * a space's own test file calls `runSpaceContract(space, options)`. It checks canonical round trips,
 * key stability, seed determinism, mutate/neighbors validity, enumeration size and encoding lengths.
 */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/graph/graph.js';
import { createContext, type NetworkSpec } from '../../src/graph/network.js';
import { NaskitError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import type { NetworkConfig } from '../../src/spaces/network-config.js';
import type { SearchSpace } from '../../src/spaces/space.js';

export interface SpaceContractOptions {
  /** Strings that must be rejected with NaskitError('invalid_arch'). */
  invalid: readonly string[];
  /** How many sampled architectures the per-architecture checks use (default 40). */
  samples?: number;
  /** Enumerate the whole space and compare with `size` (skip only with a reason, for huge spaces). */
  enumerate?: true | { skip: string };
  /** Check neighbors on this many samples (default 5; neighborhoods can be large). */
  neighborSamples?: number;
  /** A small network config; required when the space has `build` or `supernet`. */
  network?: NetworkConfig;
}

/** Build `net`'s inference graph for a batch of 2 (no ONNX Runtime) and return its logits' shape. */
function logitsShape(
  net: NetworkSpec,
  options: Readonly<Record<string, unknown>> = {},
): { shape: number[]; graph: Graph } {
  const graph = new Graph(net.name);
  const logits = net.forward(
    createContext(graph, false, options),
    graph.input('input', [2, ...net.inputShape]),
  );
  return { shape: [...logits.shape], graph };
}

export function runSpaceContract<A>(space: SearchSpace<A>, options: SpaceContractOptions): void {
  const count = options.samples ?? 40;
  const draw = (seed: number, n = count): A[] => {
    const rng = new Rng(seed);
    return Array.from({ length: n }, () => space.sample(rng));
  };

  describe(`space contract: ${space.name}`, () => {
    it('describes itself', () => {
      expect(space.name).toMatch(/^[a-z0-9-]+$/);
      expect(space.ops.length).toBeGreaterThan(0);
      expect(new Set(space.ops).size).toBe(space.ops.length);
      expect(space.encodings.length).toBeGreaterThan(0);
      if (space.size !== null) expect(Number.isSafeInteger(space.size) && space.size > 0).toBe(true);
    });

    it('parse(format(a)) keeps the key, and format is a fixed point', () => {
      for (const a of draw(1)) {
        const text = space.format(a);
        const back = space.parse(text);
        expect(space.key(back)).toBe(space.key(a));
        expect(space.format(back)).toBe(text);
      }
    });

    it('keys are stable and independent of object identity', () => {
      for (const a of draw(2)) {
        expect(space.key(a)).toBe(space.key(a));
        expect(space.key(structuredClone(a))).toBe(space.key(a));
      }
    });

    it('sampling is deterministic per seed and varies across seeds', () => {
      const keys = (seed: number) => draw(seed, 20).map((a) => space.key(a));
      expect(keys(7)).toEqual(keys(7));
      expect(keys(7)).not.toEqual(keys(8));
      expect(new Set(keys(9)).size).toBeGreaterThan(1);
    });

    it('mutate returns a different, valid key, deterministically, without touching its input', () => {
      for (const a of draw(3)) {
        const before = space.format(a);
        const m1 = space.mutate(a, new Rng(11));
        const m2 = space.mutate(a, new Rng(11));
        expect(space.key(m1)).not.toBe(space.key(a));
        expect(space.key(m1)).toBe(space.key(m2));
        expect(space.key(space.parse(space.format(m1)))).toBe(space.key(m1));
        expect(space.format(a)).toBe(before);
      }
    });

    it('neighbors are distinct, valid and exclude the architecture itself', () => {
      for (const a of draw(4, options.neighborSamples ?? 5)) {
        const before = space.format(a);
        const nbrs = space.neighbors(a);
        expect(nbrs.length).toBeGreaterThan(0);
        const keys = nbrs.map((n) => space.key(n));
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).not.toContain(space.key(a));
        for (const n of nbrs) expect(space.key(space.parse(space.format(n)))).toBe(space.key(n));
        expect(space.format(a)).toBe(before);
      }
    });

    it('architectures are immutable values', () => {
      const [a] = draw(5, 1);
      expect(Object.isFrozen(a)).toBe(true);
    });

    it('encodings have their declared length and finite values', () => {
      for (const a of draw(6, 10)) {
        for (const info of space.encodings) {
          const v = space.encode(a, info.kind);
          expect(v).toBeInstanceOf(Float32Array);
          expect(v.length).toBe(info.length);
          expect(v.every(Number.isFinite)).toBe(true);
        }
      }
      const kinds = ['onehot', 'path', 'adjacency'] as const;
      const missing = kinds.find((k) => !space.encodings.some((e) => e.kind === k));
      if (missing) {
        const [a] = draw(6, 1);
        expectNaskitError(() => space.encode(a!, missing), 'invalid_argument');
      }
    });

    it('rejects malformed architectures with invalid_arch naming the space', () => {
      expect(options.invalid.length).toBeGreaterThan(0);
      for (const text of options.invalid) {
        const err = expectNaskitError(() => space.parse(text), 'invalid_arch');
        expect(err.message).toContain(space.name);
      }
    });

    if (space.build || space.supernet) {
      it('has a small network config for its build/supernet checks', () => {
        expect(options.network, `${space.name} builds networks: pass options.network`).toBeDefined();
      });
    }
    const config = options.network;
    if (space.build && config) {
      const build = space.build.bind(space);
      it('build gives [batch, classes] logits and a fixed set of parameters per architecture', () => {
        for (const a of draw(12, 5)) {
          const first = logitsShape(build(a, config));
          expect(first.shape).toEqual([2, config.classes]);
          const again = logitsShape(build(space.parse(space.format(a)), config));
          expect(again.graph.params.map((p) => `${p.name}${p.shape.join('x')}`)).toEqual(
            first.graph.params.map((p) => `${p.name}${p.shape.join('x')}`),
          );
        }
        const [a] = draw(12, 1);
        expectNaskitError(() => build(a!, { ...config, classes: 0 }), 'invalid_config');
      });
    }
    if (space.supernet && config) {
      const supernet = space.supernet.bind(space);
      it('supernet: mixed mode declares its α, single-path builds each path, derive inverts pathOf', () => {
        const mixed = supernet({ ...config, mode: 'mixed' });
        const built = logitsShape(mixed);
        expect(built.shape).toEqual([2, config.classes]);
        for (const alpha of mixed.alphas) {
          const param = built.graph.params.find((p) => p.name === alpha.name);
          expect(param?.shape).toEqual([alpha.edges.length, mixed.ops.length]);
        }
        const single = supernet({ ...config, mode: 'single-path' });
        expect(single.edges).toEqual(mixed.edges);
        for (const a of draw(13, 5)) {
          const path = single.pathOf(a);
          expect(path).toHaveLength(single.edges.length);
          expect(logitsShape(single.withPath(path)).shape).toEqual([2, config.classes]);
          expect(logitsShape(single, { path }).graph.params.some((p) => p.name.startsWith('alpha/'))).toBe(
            false,
          );
          let offset = 0;
          const values = new Map<string, Float32Array>();
          for (const alpha of mixed.alphas) {
            const v = new Float32Array(alpha.edges.length * mixed.ops.length);
            alpha.edges.forEach((_, row) => {
              const op = path[offset + row]!;
              if (op >= 0) v[row * mixed.ops.length + op] = 1;
            });
            values.set(alpha.name, v);
            offset += alpha.edges.length;
          }
          expect(space.key(mixed.derive((name) => values.get(name)!))).toBe(space.key(a));
        }
      });
    }

    const enumerateOption = options.enumerate;
    if (enumerateOption === true) {
      it('enumerate yields exactly `size` distinct, valid architectures', () => {
        expect(space.enumerate).toBeDefined();
        expect(space.size).not.toBeNull();
        const keys = new Set<string>();
        let n = 0;
        for (const a of space.enumerate!()) {
          keys.add(space.key(a));
          n++;
        }
        expect(n).toBe(space.size);
        expect(keys.size).toBe(space.size);
      });
    } else if (enumerateOption) {
      it.skip(`enumerate: ${enumerateOption.skip}`, () => {});
    }
  });
}

export function expectNaskitError(fn: () => unknown, code: string): NaskitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(NaskitError);
    expect((err as NaskitError).code).toBe(code);
    return err as NaskitError;
  }
  throw new Error(`expected NaskitError('${code}'), but nothing was thrown`);
}
