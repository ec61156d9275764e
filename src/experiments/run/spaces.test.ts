/**
 * `naskit run` on a space other than the default NB201: NAS-Bench-101 cells (the cheapest second
 * space to train), end to end on a tiny synthetic IDX set — sampling, epsilon and params scores,
 * short training of the top 2, final training, test, export and report — in a few seconds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { subset } from '../../data/dataset.js';
import { writeIdxDataset } from '../../data/idx.js';
import { syntheticDataset } from '../../data/synthetic.js';
import { nb101 } from '../../spaces/index.js';
import { Rng } from '../../util/rng.js';
import { parseRunConfig } from './config.js';
import { readModel } from './model-file.js';
import { startRun } from './runner.js';
import type { ScoredRecord } from './search-phase.js';
import { parseLog } from './store.js';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

/** 320 train / 80 test greyscale 12×12 images of 4 classes, as IDX files; returns the dataset spec. */
function tinyIdxSet(dir: string): string {
  const all = syntheticDataset(
    { n: 400, classes: 4, channels: 1, height: 12, width: 12, noise: 70 },
    new Rng(11),
  );
  const files = ['train-x.gz', 'train-y.gz', 'test-x.gz', 'test-y.gz'].map((f) => join(dir, f));
  const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
  writeIdxDataset(subset(all, range(0, 320)), files[0]!, files[1]!);
  writeIdxDataset(subset(all, range(320, 80)), files[2]!, files[3]!);
  return `idx:${files.join(',')}`;
}

describe('naskit run --space nb101', () => {
  it('finds, trains, tests, exports and reports an NB101 cell', { timeout: 60_000 }, async () => {
    const work = tempDir('naskit-run-nb101-');
    const config = parseRunConfig(
      {
        dataset: tinyIdxSet(work),
        space: 'nb101',
        seed: 2,
        threads: 1,
        network: { channels: 4, cells: 1 },
        search: { samples: 4, top_k: 2 },
        short_train: { images: 64, val_images: 32, batch_size: 32, epochs: 1 },
        final: { epochs: 1, batch_size: 32 },
      },
      'test',
    );
    expect(config.search.proxies).toEqual(['epsilon', 'params']);
    const dir = join(work, 'run');
    const summary = await startRun(config, dir, {
      progress: { start() {}, update() {}, stop() {}, log() {} },
      log: () => {},
    });

    expect(summary.space).toBe('nb101');
    expect(summary.samples_scored).toBe(4);
    expect(new Set(summary.candidates.map((c) => nb101.key(nb101.parse(c.arch)))).size).toBe(2);
    expect(summary.candidates.map((c) => c.arch)).toContain(summary.arch);
    // Epsilon scored NB101 cells through the space's own hooks (a cell it cannot score gets null).
    const store = join(dir, 'results.jsonl');
    const scored = parseLog(readFileSync(store), store).records.filter(
      (r): r is ScoredRecord => r.type === 'scored',
    );
    expect(scored).toHaveLength(4);
    expect(scored.some((r) => Number.isFinite(r.scores.epsilon))).toBe(true);
    expect(scored.every((r) => (r.scores.params ?? 0) > 0)).toBe(true);
    expect(summary.test_accuracy).toBeGreaterThanOrEqual(0);
    expect(summary.test_images).toBe(80);

    // The checkpoint describes an NB101 network, and the ONNX export runs in a plain ORT session.
    expect(readModel(join(dir, 'model.safetensors')).description).toMatchObject({
      space: 'nb101',
      arch: summary.arch,
      channels: 4,
      cells: 1,
    });
    expect(summary.onnx_max_abs_diff).toBeLessThan(1e-3);
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    try {
      const input = new Float32Array(3 * 144).fill(0.5);
      const out = await session.run({ input: new ort.Tensor('float32', input, [3, 1, 12, 12]) });
      expect(out.logits!.dims).toEqual([3, 4]);
      expect(Array.from(out.logits!.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await session.release();
    }
    // The report is written; NB101 cells are no 4-node cell, so it has no cell drawing.
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('nb101: channels 4, cells 1');
    expect(existsSync(join(dir, 'report-cell.svg'))).toBe(false);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });
});
