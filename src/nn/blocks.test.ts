import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../graph/network.js';
import { add } from '../graph/ops/add.js';
import { ParamStore } from '../runtime/params.js';
import { TrainStep, buildTrainGraph } from '../runtime/train-program.js';
import { Rng } from '../util/rng.js';
import { poolClassifier, reluConvBn, reluConvBnFanout } from './blocks.js';

const conv = { out: 4, kernel: 3, padding: 1 };

function twoEdges(fanout: boolean, affine: boolean): NetworkSpec {
  return {
    name: fanout ? 'fanout' : 'separate',
    inputShape: [3, 6, 6],
    classes: 5,
    forward(ctx, x) {
      const o = { ...conv, bn: { affine } };
      const [a, b] = fanout
        ? reluConvBnFanout(ctx, x, ['a', 'b'], o)
        : [reluConvBn(ctx, x, 'a', o), reluConvBn(ctx, x, 'b', o)];
      return poolClassifier(ctx, add(a!, b!), 5);
    },
  };
}

describe('reluConvBnFanout', () => {
  it.each([true, false])(
    'matches one reluConvBn per edge: loss, every gradient, running stats (affine %s)',
    async (affine) => {
      const batch = 4;
      const stores = [false, true].map((f) =>
        ParamStore.fromGraph(buildTrainGraph(twoEdges(f, affine), batch).graph, new Rng(3)),
      );
      expect(stores[1]!.names()).toEqual(stores[0]!.names());
      const rng = new Rng(4);
      const input = Float32Array.from({ length: batch * 3 * 36 }, () => rng.normal());
      const labels = BigInt64Array.from([0, 1, 2, 3], (v) => BigInt(v));
      const results = [];
      for (const [i, fanout] of [false, true].entries()) {
        const step = await TrainStep.create(twoEdges(fanout, affine), { batch, threads: 1 });
        results.push(await step.run(stores[i]!, input, labels));
        await step.release();
      }
      const [separate, fused] = results as [(typeof results)[0], (typeof results)[0]];
      expect(fused.loss).toBeCloseTo(separate.loss, 5);
      expect([...fused.grads.keys()].sort()).toEqual([...separate.grads.keys()].sort());
      const close = (a: Float32Array, b: Float32Array) =>
        a.forEach((v, k) => expect(Math.abs(v - b[k]!)).toBeLessThan(1e-5 * (1 + Math.abs(b[k]!))));
      for (const [name, g] of separate.grads) close(fused.grads.get(name)!, g);
      for (const name of stores[0]!.names()) close(stores[1]!.get(name), stores[0]!.get(name));
    },
  );
});
