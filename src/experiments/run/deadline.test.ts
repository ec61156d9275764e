import { describe, expect, it } from 'vitest';
import { plannedDone, plannedRest, shrinkToFit, type RunProgress, type RunSizes } from './deadline.js';
import { COST_DEFAULTS, makePlan } from './plan.js';

// The default `npm start` plan (Fashion-MNIST, NB201 at the reference size) with its two baselines.
const overrides = {
  shortEpochs: 1,
  shortBatch: 128,
  finalBatch: 128,
  finalOnTrainAndVal: true,
  baselines: 2,
};
const plan = makePlan({
  cost: { ...COST_DEFAULTS },
  overrides,
  budgetMinutes: 10,
  networkCost: 1,
  spaceSize: 15_625,
  classes: 10,
  trainImages: 60_000,
  testImages: 10_000,
});
const rates = plan.rates!;
const shape = {
  samples: plan.samples,
  short_epochs: 1,
  val_images: plan.val_images,
  test_images: 10_000,
  short_batch: 128,
  final_batch: 128,
};
const sizes: RunSizes = {
  top_k: plan.top_k,
  short_images: plan.short_images,
  final_epochs: plan.final_epochs,
  final_images: plan.final_images,
  baselines: 2,
};
const afterProxy: RunProgress = {
  scored: true,
  candidates: 0,
  final_epochs: null,
  final_tested: false,
  baselines: 0,
};

describe('deadline (pure parts)', () => {
  it('projects the plan it was made from within the budget at factor 1, and shrinks nothing', () => {
    const done = plannedDone(rates, shape, sizes, afterProxy);
    const rest = plannedRest(rates, shape, sizes, afterProxy);
    expect(done + rest).toBeLessThanOrEqual(600);
    expect(shrinkToFit(rates, shape, sizes, afterProxy, done, 1, 600)).toEqual({ sizes, shrunk: [] });
  });

  it('at 3× shrinks candidates first (not below 2), then final epochs, then final images', () => {
    const done = plannedDone(rates, shape, sizes, afterProxy);
    const { sizes: s, shrunk } = shrinkToFit(rates, shape, sizes, afterProxy, 3 * done, 3, 600);
    expect(shrunk[0]).toMatch(/^short-trained candidates 8 → 2$/);
    expect(s.top_k).toBe(2);
    expect(shrunk.map((x) => x.split(/ \d/)[0])).toEqual(
      [
        'short-trained candidates',
        'final epochs',
        'final training images',
        'short-training images',
        'baselines',
      ].filter((label) => shrunk.some((x) => x.startsWith(label))),
    );
    expect(3 * done + 3 * plannedRest(rates, shape, s, afterProxy)).toBeLessThanOrEqual(600);
    // A mild slowdown only costs candidates.
    const mild = shrinkToFit(rates, shape, sizes, afterProxy, 1.4 * done, 1.4, 600);
    expect(mild.sizes.top_k).toBeLessThan(8);
    expect(mild.sizes.final_epochs).toBe(sizes.final_epochs);
    expect(mild.sizes.final_images).toBe(sizes.final_images);
  });

  it('never undoes work: candidates and epochs already trained are floors', () => {
    const p: RunProgress = { ...afterProxy, candidates: 5, final_epochs: null };
    const s = shrinkToFit(rates, shape, sizes, p, 590, 3, 600).sizes;
    expect(s.top_k).toBe(5);
    expect(s.short_images).toBe(sizes.short_images); // candidates already trained on them
    const inFinal: RunProgress = { ...p, candidates: 8, final_epochs: 1 };
    const f = shrinkToFit(rates, shape, { ...sizes, final_epochs: 3 }, inFinal, 590, 3, 600).sizes;
    expect(f.final_epochs).toBe(1);
    expect(f.final_images).toBe(sizes.final_images);
  });
});
