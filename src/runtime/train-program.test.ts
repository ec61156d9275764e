/**
 * End-to-end check of the whole engine against an independent implementation: a small conv net with
 * BN in training mode, ReLU, a residual add, average and max pooling, a strided 1×1 conv with bias,
 * global pooling and a linear head. Loss, logits, every parameter gradient and the BN running-stat
 * updates must match PyTorch's values in test/fixtures/torch-reference.json (written by
 * scripts/torch_reference.py in float64; naskit runs in float32).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../graph/graph.js';
import type { NetContext, NetworkSpec } from '../graph/network.js';
import { add } from '../graph/ops/add.js';
import { relu } from '../graph/ops/relu.js';
import { averagePool } from '../graph/ops/average-pool.js';
import { maxPool } from '../graph/ops/max-pool.js';
import { globalAveragePool } from '../graph/ops/global-average-pool.js';
import { flatten } from '../graph/ops/flatten.js';
import { batchNorm2d } from '../nn/batch-norm.js';
import { conv2d } from '../nn/conv.js';
import { linear } from '../nn/linear.js';
import { Rng } from '../util/rng.js';
import { ParamStore } from './params.js';
import { TrainStep, buildTrainGraph } from './train-program.js';

interface Fixture {
  input_shape: number[];
  input: number[];
  labels: number[];
  params: Record<string, number[]>;
  logits: number[];
  loss: number;
  grads: Record<string, number[]>;
  running: Record<string, number[]>;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/torch-reference.json', import.meta.url), 'utf8'),
) as Fixture;

const referenceNet: NetworkSpec = {
  name: 'reference',
  inputShape: [3, 8, 8],
  classes: 3,
  forward(ctx: NetContext, x: Tensor): Tensor {
    const g = ctx.graph;
    let y = g.scope('stem', () =>
      relu(batchNorm2d(ctx, conv2d(ctx, x, 'conv', { out: 4, kernel: 3, padding: 1 }), 'bn')),
    );
    const r = g.scope('res', () =>
      relu(batchNorm2d(ctx, conv2d(ctx, y, 'conv', { out: 4, kernel: 3, padding: 1 }), 'bn')),
    );
    y = add(y, r);
    y = averagePool(y, { kernel: 2, strides: 2, pads: 0, countIncludePad: true });
    y = maxPool(y, { kernel: 3, strides: 1, pads: 1 });
    y = conv2d(ctx, y, 'down', { out: 8, kernel: 1, stride: 2, padding: 0, bias: true });
    return linear(ctx, flatten(globalAveragePool(y), 1), 'head', 3);
  },
};

function expectClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  what: string,
  rtol = 2e-4,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const scale = Math.max(1e-3, ...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    expect(diff, `${what}[${i}]: ${actual[i]} vs reference ${expected[i]}`).toBeLessThanOrEqual(
      rtol * scale + 1e-6,
    );
  }
}

describe('engine end to end vs PyTorch reference', () => {
  it('matches loss, logits, all gradients and BN running stats', async () => {
    const batch = fixture.input_shape[0]!;
    const store = ParamStore.fromGraph(buildTrainGraph(referenceNet, batch).graph, new Rng(0));
    expect(store.names().sort()).toEqual(Object.keys(fixture.params).sort());
    for (const [name, values] of Object.entries(fixture.params)) store.set(name, Float32Array.from(values));

    const step = await TrainStep.create(referenceNet, { batch, threads: 1 });
    try {
      const r = await step.run(
        store,
        Float32Array.from(fixture.input),
        BigInt64Array.from(fixture.labels, BigInt),
      );
      expect(Math.abs(r.loss - fixture.loss)).toBeLessThan(1e-5);
      expectClose(r.logits, fixture.logits, 'logits');
      expect([...r.grads.keys()].sort()).toEqual(Object.keys(fixture.grads).sort());
      for (const [name, expected] of Object.entries(fixture.grads))
        expectClose(r.grads.get(name)!, expected, name);
      for (const [name, expected] of Object.entries(fixture.running))
        expectClose(store.get(name), expected, name);
    } finally {
      await step.release();
    }
  });
});
