import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../../data/synthetic.js';
import { unitScale } from '../../data/normalize.js';
import { nb201 } from '../../spaces/nb201/index.js';
import { Rng } from '../../util/rng.js';
import { angleOf } from './angle.js';
import { flatnessFromLosses, flatnessOf } from './flatness.js';
import { DEFAULT_HYPER, SupernetTrainer } from './trainer.js';

describe('flatness formula (GeNAS tester_wlm)', () => {
  it('depth term |L1/σ1|, slopes between levels, score 1/(poor + 1e-5); flatness-only uses L0', () => {
    const r = flatnessFromLosses(2.0, 40, [2.01, 2.05, 2.2], [0.001, 0.003, 0.006]);
    expect(r.depth).toBeCloseTo(2010, 6);
    expect(r.slopes[0]).toBeCloseTo(0.04 / 0.002, 6);
    expect(r.slopes[1]).toBeCloseTo(0.15 / 0.003, 6);
    expect(r.flatness).toBeCloseTo(1 / (2010 + 20 + 50 + 1e-5), 12);
    expect(r.flatness_only).toBeCloseTo(1 / (10 + 20 + 50 + 1e-5), 9);
  });
});

describe('flatness and angle of paths of a trained supernet', () => {
  let trainer: SupernetTrainer;
  let initial: SupernetTrainer['params'];
  const images = syntheticDataset(
    { n: 96, classes: 4, channels: 3, height: 8, width: 8, noise: 30 },
    new Rng(2),
  );
  const data = { calibration: images, valid: images, normalization: unitScale(3) };
  const paths = [
    '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
    '|nor_conv_1x1~0|+|skip_connect~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_1x1~1|avg_pool_3x3~2|',
  ].map((s) => nb201.parse(s));

  beforeAll(async () => {
    trainer = new SupernetTrainer({
      space: nb201,
      supernet: { classes: 4, inputShape: [3, 8, 8], channels: 4, cells: 1 },
      mode: 'single-path',
      hyper: { ...DEFAULT_HYPER, epochs: 3, batchSize: 16, lr: 0.05 },
      data: { train: images, valid: images, normalization: unitScale(3) },
      seed: 1,
      threads: 1,
      evalBatch: 32,
    });
    initial = trainer.params.clone();
    await trainer.train();
  });
  afterAll(() => trainer.release());

  it('losses rise with σ; shared noise repeats exactly, a different draw differs; the store is untouched', async () => {
    const before = trainer.params.clone();
    const path = trainer.supernet.pathOf(paths[0]!);
    const active = trainer.activeParams(path);
    const big = [0.05, 0.1, 0.2];
    const run = (seed: number) =>
      flatnessOf(trainer.programs, trainer.params, path, active, data, {
        sigmas: big,
        noise: 'shared',
        rng: new Rng(seed),
      });
    const a = await run(3);
    expect(a.levels[2]!).toBeGreaterThan(a.levels[0]!);
    expect(a.levels[0]!).toBeGreaterThan(a.loss - 0.05);
    expect(await run(3)).toEqual(a);
    expect((await run(4)).levels).not.toEqual(a.levels);
    for (const n of before.names()) expect(trainer.params.get(n)).toEqual(before.get(n));
  });

  it('with σ1 = 1e-3 the faithful score ranks like the perturbed loss (the depth term dominates)', async () => {
    for (const arch of paths) {
      const path = trainer.supernet.pathOf(arch);
      const r = await flatnessOf(trainer.programs, trainer.params, path, trainer.activeParams(path), data, {
        sigmas: [0.001, 0.003, 0.006],
        noise: 'shared',
        rng: new Rng(0),
      });
      expect(r.levels.every(Number.isFinite), JSON.stringify(r)).toBe(true);
      expect(r.depth / (r.depth + r.slopes.reduce((s, v) => s + v, 0))).toBeGreaterThan(0.9);
      expect(1 / r.flatness).toBeGreaterThan(r.depth);
    }
  });

  it('angle: 0 for unchanged weights, in (0, 1) after training, and only over the path’s weights', () => {
    const path = trainer.supernet.pathOf(paths[0]!);
    const active = trainer.activeParams(path);
    expect(angleOf(trainer.params, trainer.params, active)).toBeCloseTo(0, 3);
    const angle = angleOf(initial, trainer.params, active);
    expect(angle).toBeGreaterThan(0);
    expect(angle).toBeLessThan(1);
    const other = trainer.activeParams(trainer.supernet.pathOf(paths[1]!));
    expect(angleOf(initial, trainer.params, other)).not.toBe(angle);
  });
});
