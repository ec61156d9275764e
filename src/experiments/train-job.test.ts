import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDirs } from '../../test/helpers/temp-dirs.js';
import { exportCheckpoint } from '../cli/export.js';
import { main } from '../cli/main.js';
import { nb101 } from '../spaces/index.js';
import { Rng } from '../util/rng.js';
import { readModel } from './run/model-file.js';
import { runTrainJob, type TrainJobOptions } from './train-job.js';

const tempDir = tempDirs();
const quiet = { start() {}, update() {}, stop() {}, log() {} };

describe('naskit train: options checked before anything is made', () => {
  const base = (out: string): TrainJobOptions => ({
    dataset: 'fashion-mnist',
    epochs: 1,
    batchSize: 32,
    lr: 0.1,
    seed: 0,
    out,
  });

  it('refuses a bad learning rate, --arch without --space and a bad architecture, leaving no output folder', async () => {
    const out = join(tempDir('naskit-train-'), 'out');
    await expect(runTrainJob({ ...base(out), lr: -1 }, quiet)).rejects.toThrow(
      /--lr must be a positive number, got -1/,
    );
    await expect(runTrainJob({ ...base(out), arch: '|nor_conv_3x3~0|' }, quiet)).rejects.toThrow(
      /--arch needs --space/,
    );
    await expect(
      runTrainJob({ ...base(out), space: 'nb201', arch: 'nonsense' }, quiet),
    ).rejects.toMatchObject({
      code: 'invalid_arch',
    });
    await expect(runTrainJob({ ...base(out), epochs: 0 }, quiet)).rejects.toThrow(
      /--epochs must be a positive integer/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('checks the output folder before loading data, and takes it back when loading fails', async () => {
    const dir = tempDir('naskit-train-');
    await expect(
      runTrainJob({ ...base(join(dir, 'out')), dataset: 'cifar10', dataDir: join(dir, 'no-data') }, quiet),
    ).rejects.toMatchObject({ code: 'data_missing' });
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exits 2 on the command line', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const out = join(tempDir('naskit-train-'), 'out');
      expect(await main(['node', 'naskit', 'train', '--lr', '-1', '--out', out])).toBe(2);
      expect(await main(['node', 'naskit', 'train', '--arch', '|nor_conv_3x3~0|', '--out', out])).toBe(2);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(
        /expected a positive number, got '-1'[\s\S]*--arch needs --space/,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('naskit train then naskit export', () => {
  it("exports the checkpoint of any space's network (its description is stored with the weights)", async () => {
    const out = join(tempDir('naskit-train-export-'), 'nb101');
    const arch = nb101.format(nb101.sample(new Rng(3)));
    const trained = await runTrainJob(
      {
        dataset: 'fashion-mnist',
        space: 'nb101',
        arch,
        channels: 4,
        cells: 1,
        trainImages: 64,
        epochs: 1,
        batchSize: 32,
        lr: 0.05,
        seed: 0,
        threads: 1,
        out,
      },
      quiet,
    );
    const exported = await exportCheckpoint(out, { out: join(out, 'again.onnx') });
    expect(exported.checkpoint).toBe(join(out, 'checkpoint.safetensors'));
    expect(exported.maxAbsDiff).toBeLessThan(1e-4);
    const { description } = readModel(exported.checkpoint);
    expect(description).toMatchObject({ space: 'nb101', arch: trained.arch, channels: 4, cells: 1 });
    expect(description.input_shape).toEqual([1, 28, 28]);
  }, 120_000);
});
