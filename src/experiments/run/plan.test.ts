import { describe, expect, it } from 'vitest';
import { COST_DEFAULTS, makePlan, nb201ReferenceMacs, relativeNetworkCost, type PlanInputs } from './plan.js';

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

  it('costs other networks by their multiply-accumulates', () => {
    expect(relativeNetworkCost(8, 1, [1, 28, 28])).toBe(1);
    // Width enters squared (the stem conv from 1 input channel only linearly, hence just below 4).
    expect(relativeNetworkCost(16, 1, [1, 28, 28])).toBeGreaterThan(3.9);
    expect(relativeNetworkCost(16, 1, [1, 28, 28])).toBeLessThan(4);
    // 3x3 convs on 6 edges of one 8-channel cell at 28x28 = 6 * 8 * 8 * 9 * 784 MACs.
    expect(nb201ReferenceMacs(8, 2, [1, 28, 28]) - nb201ReferenceMacs(8, 1, [1, 28, 28])).toBe(
      6 * 9 * 784 * (64 + 256 / 4 + 1024 / 16),
    );
    const slow = makePlan({ ...base(10), networkCost: 4 });
    expect(slow.short_images).toBeLessThan(makePlan(base(10)).short_images);
  });
});
