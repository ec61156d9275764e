/**
 * Test support for fed-path supernets (`Supernet.fedPath`): one compiled program, fed path after
 * path, must give each path exactly what the static `withPath` build gives with the same parameters.
 */
import { expect } from 'vitest';
import type { ParamStore } from '../../src/runtime/params.js';
import { Forward, TrainStep } from '../../src/runtime/train-program.js';
import { maxAbsDiff, randomInput } from './network-testing.js';
import { PATH_INPUT, type Supernet } from '../../src/spaces/network-config.js';

/** Relative float32 tolerance for one network computed through two different ONNX graphs. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  tolerance = 2e-5,
): void {
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  expect(maxAbsDiff(actual, expected), what).toBeLessThanOrEqual(tolerance * scale);
}

/**
 * Gradients sum contributions in another order (zeros of unused ops included); a BN bias gradient is a
 * nearly cancelling sum (DARTS, cell preprocessing: 6e-5 off at |terms| ~10), so it gets more room.
 */
const GRAD_TOLERANCE = 1e-4;

/**
 * Run `paths` in order through the fed program (`step`, `forward`) and through each path's static
 * build, from the same parameters: eval logits, loss, train logits, every gradient (zero for
 * parameters off the path) and the running statistics written back must agree.
 */
export async function expectFedMatchesStatic(
  supernet: Supernet,
  /** `forward` (inference logits) is optional: each fed program costs seconds to create. */
  programs: { step: TrainStep; forward?: Forward },
  store: ParamStore,
  paths: readonly (readonly number[])[],
  batch: number,
  gradTolerance = GRAD_TOLERANCE,
): Promise<void> {
  const labels = BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % supernet.classes));
  for (const [pass, path] of paths.entries()) {
    const input = randomInput(supernet, batch, 100 + pass);
    const staticNet = supernet.withPath(path);
    const expectedStore = store.clone();
    const staticStep = await TrainStep.create(staticNet, { batch, threads: 1 });
    const staticEval = await Forward.create(staticNet, { batch, threads: 1 });
    let expected;
    let expectedLogits;
    try {
      expectedLogits = await staticEval.run(expectedStore, input);
      expected = await staticStep.run(expectedStore, input, labels);
    } finally {
      await staticStep.release();
      await staticEval.release();
    }
    const feeds = { [PATH_INPUT]: BigInt64Array.from(path, (v) => BigInt(v)) };
    const where = `path ${path.join(',')} (run ${pass})`;
    if (programs.forward) {
      expectClose(await programs.forward.run(store, input, feeds), expectedLogits, `${where}: eval logits`);
    }
    const actual = await programs.step.run(store, input, labels, feeds);
    expect(actual.loss, `${where}: loss`).toBeCloseTo(expected.loss, 5);
    expectClose(actual.logits, expected.logits, `${where}: train logits`);
    for (const [name, g] of actual.grads) {
      const want = expected.grads.get(name);
      if (want) expectClose(g, want, `${where}: gradient of ${name}`, gradTolerance);
      else
        expect(
          g.every((v) => v === 0),
          `${where}: ${name} is not on the path`,
        ).toBe(true);
    }
    // Running statistics: the taken ops' updated, the others untouched — as the static step left them.
    for (const name of store.bufferNames()) {
      expectClose(store.get(name), expectedStore.get(name), `${where}: ${name}`);
    }
  }
}
