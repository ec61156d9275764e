import { describe, expect, it } from 'vitest';
import { NaskitError } from '../util/errors.js';
import {
  Adam,
  type OptimTarget,
  type Optimizer,
  Sgd,
  clipGradNorm,
  makeOptimizer,
  optimizerFromState,
} from './optim.js';

/** Two scalar parameters: 'w' takes weight decay, 'b' is noDecay. */
function target(w = 1, b = 1): OptimTarget & { values: Map<string, Float32Array> } {
  const values = new Map([
    ['w', Float32Array.of(w)],
    ['b', Float32Array.of(b)],
  ]);
  return { values, get: (n) => values.get(n)!, decays: (n) => n === 'w' };
}

/** Run the optimizer over a sequence of scalar gradients (same gradient for w and b); trace of w and b. */
function run(opt: Optimizer, grads: number[], lr: number): { w: number[]; b: number[] } {
  const t = target();
  const w: number[] = [];
  const b: number[] = [];
  for (const g of grads) {
    opt.step(
      t,
      new Map([
        ['w', Float32Array.of(g)],
        ['b', Float32Array.of(g)],
      ]),
      lr,
    );
    w.push(t.get('w')[0]!);
    b.push(t.get('b')[0]!);
  }
  return { w, b };
}

function expectClose(actual: number[], expected: number[], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, digits));
}

describe('SGD (PyTorch semantics)', () => {
  it('momentum with weight decay added before momentum; noDecay respected', () => {
    // w: d1 = 0.5 + 0.1·1 = 0.6, buf = 0.6, w = 1 − 0.1·0.6 = 0.94
    //    d2 = −0.2 + 0.1·0.94 = −0.106, buf = 0.9·0.6 − 0.106 = 0.434, w = 0.94 − 0.0434 = 0.8966
    // b: d1 = 0.5 → 0.95; buf = 0.45 − 0.2 = 0.25 → 0.925
    const { w, b } = run(new Sgd({ momentum: 0.9, weightDecay: 0.1 }), [0.5, -0.2], 0.1);
    expectClose(w, [0.94, 0.8966]);
    expectClose(b, [0.95, 0.925]);
  });

  it('Nesterov uses d + μ·buf', () => {
    // step 1: buf = 0.6, update 0.6 + 0.54 = 1.14 → 0.886
    // step 2: d = −0.2 + 0.0886 = −0.1114, buf = 0.54 − 0.1114 = 0.4286, update −0.1114 + 0.38574 → 0.858566
    const { w } = run(new Sgd({ momentum: 0.9, nesterov: true, weightDecay: 0.1 }), [0.5, -0.2], 0.1);
    expectClose(w, [0.886, 0.858566]);
  });

  it('plain SGD and dampening', () => {
    expectClose(run(new Sgd(), [0.5, -0.2], 0.1).w, [0.95, 0.97]);
    // dampening 0.5: buf1 = 0.5 (first step undampened), buf2 = 0.45 + 0.5·(−0.2) = 0.35
    expectClose(run(new Sgd({ momentum: 0.9, dampening: 0.5 }), [0.5, -0.2], 0.1).w, [0.95, 0.915]);
  });

  it('rejects Nesterov without momentum', () => {
    expect(() => new Sgd({ nesterov: true })).toThrow(/Nesterov/);
  });
});

describe('Adam / AdamW (PyTorch semantics)', () => {
  // Reference values: the torch.optim.Adam update written out in float64.
  it('Adam with bias correction', () => {
    const { w } = run(new Adam(), [0.5, -0.2, 0.1], 0.1);
    expectClose(w, [0.900000002, 0.8654394181165108, 0.8275002408356956]);
  });

  it('Adam adds L2 decay to the gradient; noDecay params skip it', () => {
    const { w, b } = run(new Adam({ weightDecay: 0.1 }), [0.5, -0.2, 0.1], 0.1);
    expectClose(w, [0.9000000016666666, 0.8475190629593703, 0.7901621834311943]);
    expectClose(b, [0.900000002, 0.8654394181165108, 0.8275002408356956]);
  });

  it('AdamW decays the weights directly', () => {
    const { w, b } = run(new Adam({ weightDecay: 0.1 }, true), [0.5, -0.2, 0.1], 0.1);
    expectClose(w, [0.890000002, 0.8465394180965108, 0.8001348466347304]);
    expectClose(b, [0.900000002, 0.8654394181165108, 0.8275002408356956]);
  });

  it('keeps per-parameter step counts (parameters without gradients are skipped)', () => {
    const opt = new Adam();
    const t = target(-2, 5);
    opt.step(t, new Map([['w', Float32Array.of(0)]]), 0.01);
    opt.step(t, new Map([['w', Float32Array.of(0)]]), 0.01);
    opt.step(
      t,
      new Map([
        ['w', Float32Array.of(3)],
        ['b', Float32Array.of(3)],
      ]),
      0.01,
    );
    expect(t.get('w')[0]).toBeCloseTo(-2.006388135957122, 6); // third Adam step on w
    expect(t.get('b')[0]).toBeCloseTo(5 - 0.01, 6); // first Adam step on b moves it by exactly lr
    expect(opt.exportState().steps).toEqual({ w: 3, b: 1 });
  });
});

describe('optimizer state', () => {
  for (const spec of [
    { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
    { kind: 'adamw', weightDecay: 0.05 },
  ] as const) {
    it(`${spec.kind}: export then import continues exactly`, () => {
      const grads = [0.5, -0.2, 0.1, 0.3];
      const straight = run(makeOptimizer(spec), grads, 0.05).w;

      const first = makeOptimizer(spec);
      const t = target();
      for (const g of grads.slice(0, 2))
        first.step(
          t,
          new Map([
            ['w', Float32Array.of(g)],
            ['b', Float32Array.of(g)],
          ]),
          0.05,
        );
      const resumed = optimizerFromState(first.exportState());
      for (const g of grads.slice(2))
        resumed.step(
          t,
          new Map([
            ['w', Float32Array.of(g)],
            ['b', Float32Array.of(g)],
          ]),
          0.05,
        );
      expect(t.get('w')[0]).toBe(straight[3]);
    });
  }

  it('refuses state of another kind or with unknown slots', () => {
    const sgd = new Sgd({ momentum: 0.9 });
    expect(() => new Adam().importState(sgd.exportState())).toThrow(/sgd optimizer state into a adam/);
    const state = sgd.exportState();
    state.slots.set('velocity/w', new Float32Array(1));
    expect(() => sgd.importState(state)).toThrow(/unexpected slot 'velocity\/w'/);
  });
});

describe('clipGradNorm', () => {
  it('scales to the max norm and returns the norm before clipping', () => {
    const grads = new Map([
      ['a', Float32Array.of(3, 0)],
      ['b', Float32Array.of(4)],
    ]);
    expect(clipGradNorm(grads, 1)).toBeCloseTo(5, 6);
    expect(grads.get('a')![0]).toBeCloseTo(0.6, 6);
    expect(grads.get('b')![0]).toBeCloseTo(0.8, 6);
    expect(clipGradNorm(grads, 10)).toBeCloseTo(1, 5);
    expect(grads.get('b')![0]).toBeCloseTo(0.8, 6); // under the limit: unchanged
  });

  it('refuses non-finite gradients, naming the parameter', () => {
    const grads = new Map([['conv/w', Float32Array.of(1, Number.NaN)]]);
    try {
      clipGradNorm(grads, 1);
      expect.unreachable();
    } catch (e) {
      expect((e as NaskitError).code).toBe('non_finite');
      expect((e as NaskitError).message).toContain('conv/w');
    }
  });
});
