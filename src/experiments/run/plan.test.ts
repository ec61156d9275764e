import { describe, expect, it } from 'vitest';
import { countConvMacs } from '../../nn/param-count.js';
import { getSpace } from '../../spaces/index.js';
import { Rng } from '../../util/rng.js';
import {
  COST_DEFAULTS,
  heaviestMacs,
  makePlan,
  relativeNetworkCost,
  RUN_SPACES,
  type PlanInputs,
} from './plan.js';

/** The closed form the cost model used before it was space-generic: the all-3×3 NB201 network's conv MACs. */
function nb201ClosedForm(channels: number, cellsPerStage: number, [cin, h0, w0]: readonly number[]): number {
  let [h, w] = [h0!, w0!];
  let macs = cin! * channels * 9 * h * w;
  for (let stage = 0; stage < 3; stage++) {
    const c = channels * 2 ** stage;
    if (stage > 0) {
      [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)];
      macs += (c / 2) * c * 9 * h * w + c * c * 9 * h * w + (c / 2) * c * h * w;
    }
    macs += cellsPerStage * 6 * c * c * 9 * h * w;
  }
  return macs;
}

const base = (budgetMinutes: number, overrides: Partial<PlanInputs['overrides']> = {}): PlanInputs => ({
  budgetMinutes,
  trainImages: 60_000,
  testImages: 10_000,
  classes: 10,
  networkCost: 1,
  spaceSize: 15_625,
  cost: { ...COST_DEFAULTS },
  overrides: { shortEpochs: 1, shortBatch: 128, finalBatch: 128, finalOnTrainAndVal: true, ...overrides },
});

describe('run plan (cost model)', () => {
  it('is a pure function of its inputs', () => {
    expect(makePlan(base(10))).toEqual(makePlan(base(10)));
  });

  it('fits the 10-minute default with headroom and scales every phase with the budget', () => {
    const ten = makePlan(base(10));
    expect(ten.estimate_s.total).toBeLessThanOrEqual(600 * 0.9);
    expect(ten.estimate_s.total).toBeGreaterThan(600 * 0.75);
    expect(ten.samples).toBeGreaterThanOrEqual(2000);
    expect(ten.final_images).toBe(60_000);
    expect(ten.final_epochs).toBeGreaterThanOrEqual(2);
    const budgets = [1, 3, 10, 30, 120];
    const plans = budgets.map((m) => makePlan(base(m)));
    for (let i = 1; i < plans.length; i++) {
      const [a, b] = [plans[i - 1]!, plans[i]!];
      expect(b.samples).toBeGreaterThanOrEqual(a.samples);
      expect(b.top_k).toBeGreaterThanOrEqual(a.top_k);
      expect(b.short_images).toBeGreaterThanOrEqual(a.short_images);
      expect(b.final_images * b.final_epochs).toBeGreaterThan(a.final_images * a.final_epochs);
      expect(b.estimate_s.total).toBeLessThanOrEqual(budgets[i]! * 60 * 0.9 + 1e-9);
    }
  });

  it('trains the winner on a subset when less than one epoch fits, and honours explicit sizes', () => {
    const tiny = makePlan(base(1));
    expect(tiny.final_epochs).toBe(1);
    expect(tiny.final_images).toBeLessThan(60_000);
    expect(tiny.final_images % 128).toBe(0);
    const fixed = makePlan(
      base(10, { samples: 7, topK: 2, shortImages: 300, valImages: 50, finalEpochs: 3, finalImages: 999 }),
    );
    expect(fixed).toMatchObject({
      samples: 7,
      top_k: 2,
      short_images: 300,
      val_images: 50,
      final_epochs: 3,
      final_images: 999,
    });
    expect(makePlan({ ...base(10, { samples: 20 }), spaceSize: 10 }).samples).toBe(10);
    expect(() => makePlan(base(10, { valImages: 60_000 }))).toThrow(
      /short_train\.val_images = 60000 leaves no training images/,
    );
  });

  it("costs other networks by the multiply-accumulates of their space's heaviest architecture", () => {
    const nb201 = getSpace('nb201');
    expect(relativeNetworkCost(nb201, { channels: 8, cells: 1 }, [1, 28, 28], 10)).toBe(1);
    // Width enters squared (the stem conv from 1 input channel only linearly, hence just below 4).
    const wide = relativeNetworkCost(nb201, { channels: 16, cells: 1 }, [1, 28, 28], 10);
    expect(wide).toBeGreaterThan(3.9);
    expect(wide).toBeLessThan(4);
    // NB201 costs exactly what the earlier closed form gave, so NB201 runs plan as before.
    for (const [channels, cells, shape] of [
      [8, 1, [1, 28, 28]],
      [16, 2, [3, 32, 32]],
      [12, 3, [3, 16, 16]],
    ] as const) {
      expect(heaviestMacs(nb201, { channels, cells }, shape, 10)).toBe(
        nb201ClosedForm(channels, cells, shape),
      );
    }
    for (const name of RUN_SPACES) {
      expect(relativeNetworkCost(getSpace(name), { channels: 8, cells: 2 }, [3, 32, 32], 10)).toBeGreaterThan(
        0,
      );
    }
    expect(() => heaviestMacs(getSpace('tnb101-macro'), { channels: 8, cells: 1 }, [1, 28, 28], 10)).toThrow(
      /space 'tnb101-macro' has no heaviest architecture.*'naskit run' works on nb201, nb101, darts, tnb101-micro/,
    );
    const slow = makePlan({ ...base(10), networkCost: 4 });
    expect(slow.short_images).toBeLessThan(makePlan(base(10)).short_images);
  });

  it('takes no sampled architecture of a run space as heavier than its heaviest', () => {
    const config = { classes: 10, inputShape: [3, 32, 32] as const, channels: 8, cells: 2 };
    for (const name of RUN_SPACES) {
      const space = getSpace(name);
      const top = heaviestMacs(space, config, config.inputShape, config.classes);
      const rng = new Rng(1);
      for (let i = 0; i < 25; i++) {
        expect(countConvMacs(space.build!(space.sample(rng), config))).toBeLessThanOrEqual(top);
      }
    }
  });
});
