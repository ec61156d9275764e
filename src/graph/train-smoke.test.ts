/**
 * End-to-end sanity check of the engine: a 2-layer tanh MLP trained by plain full-batch SGD in
 * TypeScript, with gradients from grad() compiled into one ONNX Runtime program, must learn a
 * synthetic problem that a linear model cannot (three concentric rings).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { Program } from '../runtime/session.js';
import { Graph, type Tensor } from './graph.js';
import { grad } from './autodiff.js';
import { add } from './ops/add.js';
import { matMul } from './ops/mat-mul.js';
import { softmaxCrossEntropy } from './ops/softmax-cross-entropy.js';
import { tanh } from './ops/tanh.js';

const N = 240;
const HIDDEN = 16;
const CLASSES = 3;

/** Points on three noisy concentric rings (radius 0.5, 1.5, 2.5); the label is the ring. */
function rings(rng: Rng): { x: Float32Array; y: BigInt64Array } {
  const x = new Float32Array(N * 2);
  const y = new BigInt64Array(N);
  for (let i = 0; i < N; i++) {
    const ring = i % CLASSES;
    const angle = rng.uniform(0, 2 * Math.PI);
    const radius = 0.5 + ring + rng.uniform(-0.3, 0.3);
    x[2 * i] = radius * Math.cos(angle);
    x[2 * i + 1] = radius * Math.sin(angle);
    y[i] = BigInt(ring);
  }
  return { x, y };
}

function argmaxRows(logits: Float32Array, k: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < logits.length / k; r++) {
    const row = Array.from(logits.subarray(r * k, (r + 1) * k));
    out.push(row.indexOf(Math.max(...row)));
  }
  return out;
}

describe('training smoke test', () => {
  it('a 2-layer tanh MLP reaches >= 95% training accuracy on rings with plain SGD', async () => {
    const rng = new Rng(2024);
    const data = rings(rng.fork('data'));

    const g = new Graph('mlp');
    const x = g.input('x', [N, 2]);
    const labels = g.input('labels', [N], 'int64');
    const params: Tensor[] = [
      g.param('w1', [2, HIDDEN]),
      g.param('b1', [HIDDEN]),
      g.param('w2', [HIDDEN, CLASSES]),
      g.param('b2', [CLASSES]),
    ];
    const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
    const logits = add(matMul(tanh(add(matMul(x, w1), b1)), w2), b2);
    const loss = softmaxCrossEntropy(logits, labels);
    const grads = grad(loss, params);
    const step = await Program.compile(g, [loss, ...grads], { threads: 1 });
    const evaluate = await Program.compile(g, [logits], { threads: 1 });

    // Scaled normal init (1/sqrt(fan_in)), zero biases.
    const initRng = rng.fork('init');
    const values = new Map<string, Float32Array>(
      params.map((p) => {
        const fanIn = p.rank === 2 ? p.shape[0]! : 0;
        const v = Float32Array.from({ length: p.size }, () =>
          fanIn ? initRng.normal() / Math.sqrt(fanIn) : 0,
        );
        return [p.name, v];
      }),
    );

    const lr = 0.5;
    const losses: number[] = [];
    try {
      for (let it = 0; it < 400; it++) {
        const out = await step.run({ x: data.x, labels: data.y, ...Object.fromEntries(values) });
        const names = step.model.outputNames;
        losses.push((out[names[0]!] as Float32Array)[0]!);
        params.forEach((p, k) => {
          const gk = out[names[k + 1]!] as Float32Array;
          const v = values.get(p.name)!;
          for (let i = 0; i < v.length; i++) v[i]! -= lr * gk[i]!;
        });
      }
      const res = await evaluate.run({ x: data.x, ...Object.fromEntries(values) });
      const predicted = argmaxRows(res[evaluate.model.outputNames[0]!] as Float32Array, CLASSES);
      const accuracy = predicted.filter((c, i) => c === Number(data.y[i])).length / N;

      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[0]!).toBeGreaterThan(0.9); // about ln 3 for an untrained 3-class model
      expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
      // Decreasing over the run, not just at the ends: each quarter's mean is below the previous one.
      const quarter = losses.length / 4;
      const means = [0, 1, 2, 3].map(
        (q) => losses.slice(q * quarter, (q + 1) * quarter).reduce((a, b) => a + b, 0) / quarter,
      );
      for (let q = 1; q < 4; q++) expect(means[q]!).toBeLessThan(means[q - 1]!);
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
    } finally {
      await step.release();
      await evaluate.release();
    }
  });
});
