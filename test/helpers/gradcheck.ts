/**
 * Finite-difference checks of VJP rules, run through ONNX Runtime exactly as training runs them.
 *
 * For an op output y we form the scalar L = sum(y * r) with a fixed random r, take the analytic
 * gradient dL/dx from the graph's backward pass, and compare it with central differences
 * (L(x + eps e_i) - L(x - eps e_i)) / (2 eps) on a random subset of elements, plus one directional
 * derivative along a random direction that touches every element.
 *
 * Tolerances: float64 graphs use eps = 1e-6 and |analytic - numeric| <= 1e-6 + 1e-5 |numeric|.
 * float32 graphs use eps = 1e-2 (truncation O(eps^2) against float32 rounding of L ~ 1e-7 |L| / eps)
 * and |analytic - numeric| <= 2e-3 + 2e-2 |numeric|. Inputs for ops with kinks (ReLU, max-pool)
 * should be generated away from the kink by the caller.
 */
import { expect } from 'vitest';
import { Graph, type DType, type Tensor, type TensorData } from '../../src/graph/graph.js';
import { grad } from '../../src/graph/autodiff.js';
import { mul } from '../../src/graph/ops/mul.js';
import { reduceSum } from '../../src/graph/ops/reduce-sum.js';
import { Program } from '../../src/runtime/session.js';
import { Rng } from '../../src/util/rng.js';

export interface GradInput {
  shape: number[];
  /** Values; random normal when omitted. */
  values?: number[] | Float32Array | Float64Array;
  /** Leave out of the gradient check (e.g. integer labels or an input the op does not differentiate). */
  noGrad?: boolean;
  dtype?: DType;
}

export interface GradCheckOptions {
  dtype?: 'float32' | 'float64';
  seed?: number;
  /** Elements checked one by one per input. */
  samples?: number;
  eps?: number;
  atol?: number;
  rtol?: number;
}

function makeArray(dtype: DType, values: ArrayLike<number>): TensorData {
  switch (dtype) {
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(Array.from(values), (v) => BigInt(v));
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
    default:
      return Float32Array.from(values);
  }
}

/** Build `fn` on fresh graph inputs, run it once, and return its outputs. */
export async function runOp(
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  inputs: GradInput[],
  options: { dtype?: 'float32' | 'float64'; seed?: number } = {},
): Promise<{ outputs: number[][]; shapes: number[][]; feeds: Record<string, TensorData> }> {
  const dtype = options.dtype ?? 'float32';
  const rng = new Rng(options.seed ?? 1);
  const g = new Graph('runOp');
  const feeds: Record<string, TensorData> = {};
  const xs = inputs.map((spec, i) => {
    const dt = spec.dtype ?? dtype;
    const t = g.input(`x${i}`, spec.shape, dt);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    feeds[t.name] = makeArray(dt, spec.values ?? Array.from({ length: n }, () => rng.normal()));
    return t;
  });
  const out = fn(...xs);
  const outs = Array.isArray(out) ? out : [out];
  const program = await Program.compile(g, outs, { threads: 1 });
  const res = await program.run(feeds);
  await program.release();
  return {
    outputs: program.model.outputNames.map((n) => Array.from(res[n]! as ArrayLike<number | bigint>, Number)),
    shapes: outs.map((t) => [...t.shape]),
    feeds,
  };
}

export async function checkGrad(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: GradInput[],
  options: GradCheckOptions = {},
): Promise<void> {
  const dtype = options.dtype ?? 'float32';
  const is64 = dtype === 'float64';
  const eps = options.eps ?? (is64 ? 1e-6 : 1e-2);
  const atol = options.atol ?? (is64 ? 1e-6 : 2e-3);
  const rtol = options.rtol ?? (is64 ? 1e-5 : 2e-2);
  const samples = options.samples ?? 12;
  const rng = new Rng(options.seed ?? 7);

  const g = new Graph('gradcheck');
  const feeds: Record<string, TensorData> = {};
  const xs = inputs.map((spec, i) => {
    const dt = spec.dtype ?? dtype;
    const t = g.input(`x${i}`, spec.shape, dt);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    feeds[t.name] = makeArray(dt, spec.values ?? Array.from({ length: n }, () => rng.normal()));
    return t;
  });
  const y = fn(...xs);
  const r = g.constant(
    makeArray(
      y.dtype,
      Array.from({ length: y.size }, () => rng.normal()),
    ),
    y.shape,
    'r',
  );
  const loss = reduceSum(mul(y, r));
  const checked = xs.filter((_, i) => !inputs[i]!.noGrad);
  const grads = grad(loss, checked);

  const backward = await Program.compile(g, grads, { threads: 1 });
  const forward = await Program.compile(g, [loss], { threads: 1 });
  const analytic = await backward.run(feeds);
  const evalLoss = async (f: Record<string, TensorData>): Promise<number> => {
    const out = await forward.run(f);
    return Number(out[forward.model.outputNames[0]!]![0]);
  };

  try {
    for (let k = 0; k < checked.length; k++) {
      const x = checked[k]!;
      const base = feeds[x.name] as Float32Array | Float64Array;
      const ga = analytic[backward.model.outputNames[k]!] as Float32Array | Float64Array;
      expect(ga.length, `gradient of ${x.name} has the input's size`).toBe(base.length);
      const picks = base.length <= samples ? [...base.keys()] : rng.sampleIndices(base.length, samples);
      for (const i of picks) {
        const plus = base.slice();
        plus[i] = base[i]! + eps;
        const minus = base.slice();
        minus[i] = base[i]! - eps;
        const numeric =
          ((await evalLoss({ ...feeds, [x.name]: plus })) - (await evalLoss({ ...feeds, [x.name]: minus }))) /
          (2 * eps);
        const diff = Math.abs(ga[i]! - numeric);
        expect(diff, `d/d${x.name}[${i}]: analytic ${ga[i]} vs numeric ${numeric}`).toBeLessThanOrEqual(
          atol + rtol * Math.abs(numeric),
        );
      }
      // Directional derivative along a random unit direction covers every element at once.
      const dir = Array.from({ length: base.length }, () => rng.normal());
      const norm = Math.sqrt(dir.reduce((a, b) => a + b * b, 0));
      const plus = base.slice();
      const minus = base.slice();
      let predicted = 0;
      for (let i = 0; i < base.length; i++) {
        const d = dir[i]! / norm;
        plus[i] = base[i]! + eps * d;
        minus[i] = base[i]! - eps * d;
        predicted += ga[i]! * d;
      }
      const numeric =
        ((await evalLoss({ ...feeds, [x.name]: plus })) - (await evalLoss({ ...feeds, [x.name]: minus }))) /
        (2 * eps);
      expect(
        Math.abs(predicted - numeric),
        `directional derivative for ${x.name}: analytic ${predicted} vs numeric ${numeric}`,
      ).toBeLessThanOrEqual(atol + rtol * Math.abs(numeric));
    }
  } finally {
    await backward.release();
    await forward.release();
  }
}
