/**
 * Test support for the space networks: parameter stores with random values everywhere (BN running
 * statistics included), one training step with finite-loss and finite-gradient checks, inference
 * logits, and the parameter names a compiled program really reads.
 */
import { expect } from 'vitest';
import type { NetworkSpec } from '../../src/graph/network.js';
import { ParamStore } from '../../src/runtime/params.js';
import { Program } from '../../src/runtime/session.js';
import { Forward, TrainStep, buildEvalGraph, buildTrainGraph } from '../../src/runtime/train-program.js';
import { Rng } from '../../src/util/rng.js';

/** A store for every parameter of `net` with random values (running variances kept positive). */
export function randomStore(net: NetworkSpec, seed: number, batch = 2): ParamStore {
  const store = ParamStore.fromGraph(buildTrainGraph(net, batch).graph, new Rng(seed));
  randomize(store, seed);
  return store;
}

export function randomize(store: ParamStore, seed: number): void {
  const rng = new Rng(seed).fork('randomize');
  for (const name of store.names()) {
    const value = store.get(name);
    const positive = name.endsWith('running_var');
    for (let i = 0; i < value.length; i++)
      value[i] = positive ? rng.uniform(0.5, 1.5) : rng.uniform(-0.5, 0.5);
  }
}

export function randomInput(net: NetworkSpec, batch: number, seed: number): Float32Array {
  const rng = new Rng(seed).fork('input');
  const size = batch * net.inputShape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, () => rng.normal());
}

/**
 * One training step on random data: the loss and every gradient must be finite, and the step must
 * give a gradient for every trainable parameter. Returns the gradients by name.
 */
export async function expectTrainStep(
  net: NetworkSpec,
  batch = 2,
  seed = 1,
): Promise<Map<string, Float32Array>> {
  const store = ParamStore.fromGraph(buildTrainGraph(net, batch).graph, new Rng(seed));
  const step = await TrainStep.create(net, { batch, threads: 1 });
  try {
    const labels = BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % net.classes));
    const result = await step.run(store, randomInput(net, batch, seed), labels);
    expect(Number.isFinite(result.loss), `${net.name}: loss ${result.loss}`).toBe(true);
    expect([...result.grads.keys()].sort()).toEqual(store.trainableNames().sort());
    for (const [name, g] of result.grads) {
      expect(
        g.every((v) => Number.isFinite(v)),
        `${net.name}: gradient of ${name} has a non-finite value`,
      ).toBe(true);
    }
    return result.grads;
  } finally {
    await step.release();
  }
}

export async function evalLogits(
  net: NetworkSpec,
  store: ParamStore,
  input: Float32Array,
  batch: number,
): Promise<Float32Array> {
  const forward = await Forward.create(net, { batch, threads: 1 });
  try {
    return await forward.run(store, input);
  } finally {
    await forward.release();
  }
}

/** Parameter names the compiled inference program of `net` reads, and its ONNX node count. */
export async function compiledUsage(
  net: NetworkSpec,
  batch = 1,
): Promise<{ params: string[]; nodes: number }> {
  const { graph, logits } = buildEvalGraph(net, batch);
  const program = await Program.compile(graph, [logits], { threads: 1 });
  try {
    return { params: [...program.paramNames].sort(), nodes: program.model.nodeCount };
  } finally {
    await program.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Every gradient of a parameter whose name contains `part` is somewhere non-zero (the op really ran). */
export function expectNonZeroGrads(grads: Map<string, Float32Array>, part: string): void {
  const matching = [...grads].filter(([name]) => name.includes(part));
  expect(matching.length, `no parameter named like '${part}'`).toBeGreaterThan(0);
  for (const [name, g] of matching)
    expect(
      g.some((v) => v !== 0),
      `gradient of ${name} is all zero`,
    ).toBe(true);
}
