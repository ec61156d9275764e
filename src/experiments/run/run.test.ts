/**
 * `naskit run` end to end on a tiny synthetic IDX dataset (12×12 greyscale, 4 classes) with a tiny
 * configuration: a real run (sampling, proxy scoring, short training, final training, test, export,
 * report) in seconds. The resume test kills a real child process with SIGKILL twice (during short
 * training, then during final training) and checks the resumed run ends exactly like an
 * uninterrupted one.
 */
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { subset } from '../../data/dataset.js';
import { writeIdxDataset } from '../../data/idx.js';
import { syntheticDataset } from '../../data/synthetic.js';
import { exportCheckpoint } from '../../cli/export.js';
import { regenerateReport } from '../../cli/report.js';
import { saveCheckpoint } from '../../runtime/checkpoint.js';
import { Rng } from '../../util/rng.js';
import { parseRunConfig, type RunConfigInput } from './config.js';
import { readModel } from './model-file.js';
import { resumeRun, startRun, type RunIo } from './runner.js';
import { parseLog } from './store.js';
import type { RunSummary } from './summary.js';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const ROOT = resolve(import.meta.dirname, '../../..');
const quietIo = (log: string[] = []): RunIo => ({
  progress: { start() {}, update() {}, stop() {}, log() {} },
  log: (m) => log.push(m),
});

let work: string;
let configPath: string;
let config: RunConfigInput;

beforeAll(() => {
  work = tempDir('naskit-run-');
  const all = syntheticDataset(
    { n: 600, classes: 4, channels: 1, height: 12, width: 12, noise: 70 },
    new Rng(11),
  );
  const files = ['train-images.gz', 'train-labels.gz', 'test-images.gz', 'test-labels.gz'].map((f) =>
    join(work, f),
  );
  writeIdxDataset(
    subset(
      all,
      Array.from({ length: 480 }, (_, i) => i),
    ),
    files[0]!,
    files[1]!,
  );
  writeIdxDataset(
    subset(
      all,
      Array.from({ length: 120 }, (_, i) => 480 + i),
    ),
    files[2]!,
    files[3]!,
  );
  config = {
    dataset: `idx:${files.join(',')}`,
    seed: 3,
    threads: 1,
    network: { channels: 4, cells: 1 },
    search: { proxies: ['epsilon', 'params'], samples: 12, top_k: 3 },
    short_train: { images: 192, val_images: 64, batch_size: 32, epochs: 2, lr: 0.05 },
    final: { epochs: 12, batch_size: 32, lr: 0.05 },
  };
  configPath = join(work, 'tiny.json');
  writeFileSync(configPath, JSON.stringify(config));
});

async function onnxLogits(path: string, input: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path);
  try {
    const out = await session.run({ input: new ort.Tensor('float32', input, shape) });
    return out.logits!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function readRecords(dir: string): { type: string; [k: string]: unknown }[] {
  const path = join(dir, 'results.jsonl');
  return parseLog(readFileSync(path), path).records as { type: string; [k: string]: unknown }[];
}

/** Start the run CLI in a child process and SIGKILL it once `when` holds for the store's records. */
async function killWhen(
  args: string[],
  dir: string,
  when: (records: { type: string }[]) => boolean,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', './test/helpers/ts-register.mjs', 'test/helpers/run-cli.ts', 'run', ...args, '--quiet'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  let killed = false;
  let finished = false;
  void exited.then(() => (finished = true));
  while (!finished) {
    const path = join(dir, 'results.jsonl');
    // The child may have created the file but not yet written its header: not ready, look again.
    let records: { type: string }[] | null;
    try {
      records = existsSync(path) ? parseLog(readFileSync(path), path).records : null;
    } catch {
      records = null;
    }
    if (records && when(records)) {
      child.kill(signal);
      killed = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const code = await exited;
  if (!killed) throw new Error(`the child run ended before it could be killed:\n${stderr}`);
  return { code, stderr };
}

describe('naskit run', () => {
  let summary: RunSummary;
  let dirA: string;

  it('finds, trains, tests, exports and reports an architecture', async () => {
    dirA = join(work, 'uninterrupted');
    const log: string[] = [];
    summary = await startRun(parseRunConfig(config, 'test'), dirA, quietIo(log));
    expect(log).toContain(`run directory: ${dirA}`);
    expect(summary.arch).toMatch(/^\|.+\|$/);
    expect(summary.test_accuracy).toBeGreaterThan(50); // 4 classes: chance is 25%
    expect(summary.samples_scored).toBe(12);
    expect(summary.candidates).toHaveLength(3);
    expect(summary.final.history.map((e) => e.completed)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect(summary.onnx_max_abs_diff).toBeLessThan(1e-4);
    const onDisk = JSON.parse(readFileSync(join(dirA, 'summary.json'), 'utf8')) as RunSummary;
    expect(onDisk).toMatchObject({
      test_accuracy: summary.test_accuracy,
      arch: summary.arch,
      onnx: 'model.onnx',
    });
    expect(onDisk.elapsed_s).toBeGreaterThan(0);
    for (const f of [
      'config.json',
      'results.jsonl',
      'model.onnx',
      'model.safetensors',
      'report.html',
      'report.md',
    ]) {
      expect(existsSync(join(dirA, f)), f).toBe(true);
    }
    expect(existsSync(join(dirA, 'run.lock'))).toBe(false);
    // The winner is the best by validation accuracy among the short-trained candidates.
    expect(summary.val_accuracy).toBe(Math.max(...summary.candidates.map((c) => c.val_accuracy)));
    // Well inside its budget the run shrinks nothing: the plan's sizes are the ones used.
    expect(summary.deadline.shrunk).toEqual([]);
    expect(summary.deadline.sizes).toMatchObject({ top_k: 3, final_epochs: 12, baselines: 2 });
    const checks = readRecords(dirA).filter((r) => r.type === 'deadline');
    expect(checks.map((r) => r.point)).toEqual([
      'after-proxy',
      'candidate-1',
      'candidate-2',
      'candidate-3',
      'before-final',
      ...Array.from({ length: 12 }, (_, i) => `final-epoch-${i + 1}`),
      'baseline-1',
      'baseline-2',
    ]);
    // Two baselines trained exactly like the winner: the heaviest cell and a seeded random one.
    expect(summary.baselines.map((b) => b.name)).toEqual(['heaviest', 'random']);
    expect(summary.baselines[0]!.arch).toBe(
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
    );
    expect(summary.baselines[1]!.arch).not.toBe(summary.arch);
    for (const b of summary.baselines) {
      expect(b.winner_gain).toBeCloseTo(summary.test_accuracy - b.test_accuracy, 1);
      const epochs = readRecords(dirA).filter((r) => r.type === 'final_epoch' && r.arch === b.arch);
      expect(b.same_as_winner || epochs.length === 12).toBe(true);
    }
  });

  it('writes a self-contained HTML report and a Markdown report, and regenerates them', async () => {
    const html = readFileSync(join(dirA, 'report.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect((html.match(/<svg/g) ?? []).length).toBe(6);
    expect(html).toContain(summary.arch);
    expect(html).toMatch(/Spearman ρ = (-?\d\.\d{3}|n\/a) \(n = 3\)/);
    const md = readFileSync(join(dirA, 'report.md'), 'utf8');
    expect(md).toContain('![Winning cell](report-cell.svg)');
    expect(md).toContain(`**Test accuracy:** ${summary.test_accuracy.toFixed(2)}%`);
    // Every row of the candidate table has one cell per header column.
    const table = md
      .split('## Top candidates')[1]!
      .split('\n## ')[0]!
      .split('\n')
      .filter((l) => l.startsWith('| '));
    const cells = (line: string): number => line.replace(/\\\|/g, '').split('|').length;
    expect(table.length).toBe(2 + summary.candidates.length);
    for (const row of table) expect(cells(row)).toBe(cells(table[0]!));
    expect(existsSync(join(dirA, 'report-cell.svg'))).toBe(true);
    writeFileSync(join(dirA, 'report.html'), 'stale');
    expect(await regenerateReport(dirA)).toBe(join(dirA, 'report.html'));
    expect(readFileSync(join(dirA, 'report.html'), 'utf8')).toBe(html);
  });

  it('says a finished run is finished and does nothing; stopped after its export, it does not export again', async () => {
    const before = readFileSync(join(dirA, 'results.jsonl'));
    const log: string[] = [];
    const again = await resumeRun(dirA, {}, quietIo(log));
    expect(log.join('\n')).toMatch(/is already finished \(test accuracy .*\); nothing to do/);
    expect(again).toEqual(JSON.parse(readFileSync(join(dirA, 'summary.json'), 'utf8')));
    expect(readFileSync(join(dirA, 'results.jsonl'))).toEqual(before);

    // A session stopped between the export and summary.json: the summary is written, the export is not redone.
    const copy = join(work, 'finished-copy');
    cpSync(dirA, copy, { recursive: true });
    rmSync(join(copy, 'summary.json'));
    const onnx = statSync(join(copy, 'model.onnx')).mtimeMs;
    const finished = await resumeRun(copy, {}, quietIo());
    expect(finished.arch).toBe(summary.arch);
    expect(finished.test_accuracy).toBe(summary.test_accuracy);
    expect(existsSync(join(copy, 'summary.json'))).toBe(true);
    expect(readRecords(copy).filter((r) => r.type === 'exported')).toHaveLength(1);
    expect(statSync(join(copy, 'model.onnx')).mtimeMs).toBe(onnx);
  });

  it('rebuilds a missing or empty results store from config.json only when the folder holds no results', async () => {
    for (const state of ['missing', 'empty'] as const) {
      const dir = join(work, `store-${state}`);
      cpSync(dirA, dir, { recursive: true });
      if (state === 'missing') rmSync(join(dir, 'results.jsonl'));
      else writeFileSync(join(dir, 'results.jsonl'), '');
      await expect(resumeRun(dir, {}, quietIo())).rejects.toMatchObject({
        code: 'store_conflict',
        message: expect.stringMatching(
          new RegExp(
            `results\\.jsonl is ${state}, but .* holds results of earlier sessions \\(.*model\\.onnx`,
          ),
        ),
      });
    }
    // Only config.json (a run stopped right after it was created): the store is rebuilt and the run
    // ends as the uninterrupted one did.
    const fresh = join(work, 'store-rebuilt');
    mkdirSync(join(fresh, 'checkpoints'), { recursive: true });
    cpSync(join(dirA, 'config.json'), join(fresh, 'config.json'));
    writeFileSync(join(fresh, 'results.jsonl'), '');
    const log: string[] = [];
    const rebuilt = await resumeRun(fresh, {}, quietIo(log));
    expect(log.join('\n')).toMatch(
      /results store empty: no work was recorded yet; rebuilding it from config\.json/,
    );
    expect(rebuilt.arch).toBe(summary.arch);
    expect(rebuilt.test_accuracy).toBe(summary.test_accuracy);
  });

  it('resumes after SIGKILL (twice) with the same architecture, test accuracy and ONNX outputs', async () => {
    const dirB = join(work, 'interrupted');
    await killWhen([configPath, '--out', dirB], dirB, (rs) => rs.some((r) => r.type === 'candidate'));
    const afterFirst = readRecords(dirB);
    expect(afterFirst.filter((r) => r.type === 'candidate').length).toBeLessThan(3);
    expect(existsSync(join(dirB, 'run.lock'))).toBe(true); // left behind by the killed process

    await killWhen(['--resume', dirB], dirB, (rs) => rs.some((r) => r.type === 'final_epoch'));
    const afterSecond = readRecords(dirB);
    expect(afterSecond.some((r) => r.type === 'final_eval')).toBe(false);
    // A kill can tear the last record; simulate the worst case on top.
    appendFileSync(join(dirB, 'results.jsonl'), '{"sum":"0123456789abcdef","rec":{"type":"final_ep');

    const log: string[] = [];
    const resumed = await resumeRun(dirB, {}, quietIo(log));
    expect(log.join('\n')).toMatch(/taking over the stale lock/);
    expect(log.join('\n')).toMatch(/dropped a torn last record/);
    expect(resumed.arch).toBe(summary.arch);
    expect(resumed.test_accuracy).toBe(summary.test_accuracy);
    expect(resumed.test_loss).toBe(summary.test_loss);
    expect(resumed.candidates).toEqual(
      summary.candidates.map((c) => ({ ...c, seconds: expect.any(Number) })),
    );
    expect(resumed.sessions).toBe(3);

    const records = readRecords(dirB);
    const count = (type: string, key: string): number[] => {
      const values = records.filter((r) => r.type === type).map((r) => String(r[key]));
      return [values.length, new Set(values).size];
    };
    expect(count('scored', 'arch')).toEqual([12, 12]);
    expect(count('candidate', 'arch')).toEqual([3, 3]);
    const winnerEpochs = records.filter((r) => r.type === 'final_epoch' && r.arch === summary.arch);
    expect(winnerEpochs.map((r) => r.completed)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(resumed.baselines).toEqual(summary.baselines);

    const { description } = readModel(join(dirA, 'model.safetensors'));
    const shape = [5, ...description.input_shape];
    const rng = new Rng(99);
    const input = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
    expect(await onnxLogits(join(dirB, 'model.onnx'), input, shape)).toEqual(
      await onnxLogits(join(dirA, 'model.onnx'), input, shape),
    );
  });

  it('stops cleanly on SIGTERM: the lock is freed and the message says how to continue', async () => {
    const dir = join(work, 'terminated');
    const { code, stderr } = await killWhen(
      [configPath, '--out', dir],
      dir,
      (rs) => rs.some((r) => r.type === 'scored'),
      'SIGTERM',
    );
    expect(code).toBe(130);
    expect(stderr).toContain(`SIGTERM: stopped; continue with 'naskit run --resume ${dir}'`);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
  });

  it('refuses to start over an existing run, and to resume a busy, corrupted or foreign one', async () => {
    await expect(startRun(parseRunConfig(config, 'test'), dirA, quietIo())).rejects.toThrow(
      /already holds a run; continue it with 'naskit run --resume/,
    );

    const busy = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(
        join(dirA, 'run.lock'),
        JSON.stringify({ pid: busy.pid, host: hostname(), started: 'now' }),
      );
      await expect(resumeRun(dirA, {}, quietIo())).rejects.toMatchObject({
        code: 'store_conflict',
        message: expect.stringMatching(`in use by process ${busy.pid}`),
      });
    } finally {
      busy.kill('SIGKILL');
    }
    writeFileSync(join(dirA, 'run.lock'), '');

    const storePath = join(dirA, 'results.jsonl');
    const original = readFileSync(storePath, 'utf8');
    writeFileSync(storePath, original.replace(/"val_accuracy":(\d)/, '"val_accuracy":9$1'));
    await expect(resumeRun(dirA, {}, quietIo())).rejects.toMatchObject({
      code: 'data_corrupt',
      message: expect.stringMatching(/line \d+ is damaged/),
    });
    writeFileSync(storePath, original);

    const configFile = join(dirA, 'config.json');
    const resolvedText = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, resolvedText.replace('"seed": 3', '"seed": 4'));
    await expect(resumeRun(dirA, {}, quietIo())).rejects.toThrow(
      /belongs to another run or config\.json was edited/,
    );
    writeFileSync(configFile, resolvedText);

    await expect(resumeRun(work, {}, quietIo())).rejects.toThrow(/is not a naskit run directory/);

    // Same sizes, different content: the data fingerprint tells (a finished run loads no data, so
    // this needs one that still has work to do: here, writing its summary).
    const unfinished = join(work, 'unfinished');
    cpSync(dirA, unfinished, { recursive: true });
    rmSync(join(unfinished, 'summary.json'));
    const images = join(work, 'test-images.gz');
    const saved = readFileSync(images);
    const other = syntheticDataset({ n: 120, classes: 4, channels: 1, height: 12, width: 12 }, new Rng(12));
    writeIdxDataset(other, images, join(work, 'other-labels.gz'));
    try {
      await expect(resumeRun(unfinished, {}, quietIo())).rejects.toThrow(
        /content hash [0-9a-f]{16}.*point --data-dir at the data the run started with/,
      );
    } finally {
      writeFileSync(images, saved);
    }
  });

  it('on a machine far slower than its cost model shrinks in the stated order, records it, resumes by replaying', async () => {
    // The run's clock runs 20× fast against a 30 s budget: whatever the load of the machine the test
    // runs on, the first check finds even the smallest sizes late, so every size goes to its floor in
    // the stated order there and nothing is left to decide later. (How much a given pace shrinks, and
    // that a fitting plan keeps its budget, is checked without a clock in deadline.test.ts.)
    const budgetS = 30;
    const slow = { ...config, budget_minutes: budgetS / 60, cost: { fixed_s: 4 } } as RunConfigInput;
    type Check = {
      point: string;
      shrunk: string[];
      factor: number;
      sizes: {
        top_k: number;
        final_epochs: number;
        final_images: number;
        short_images: number;
        baselines: number;
      };
      progress: { candidates: number };
    };
    const checksOf = (dir: string): Check[] =>
      readRecords(dir).filter((r) => r.type === 'deadline') as unknown as Check[];

    const dir = join(work, 'slow');
    const io = { ...quietIo(), timeScale: 20 };
    const run = await startRun(parseRunConfig(slow, 'test'), dir, io);
    const checks = checksOf(dir);
    expect(checks[0]!.point).toBe('after-proxy');
    expect(checks[0]!.factor).toBeGreaterThan(2);
    expect(checks[0]!.shrunk.map((x) => x.replace(/ \d.*/, ''))).toEqual([
      'short-trained candidates',
      'final epochs',
      'final training images',
      'short-training images',
      'baselines',
    ]);
    expect(checks[0]!.sizes).toEqual({
      top_k: 2,
      final_epochs: 1,
      final_images: 32,
      short_images: 32,
      baselines: 0,
    });
    for (const c of checks.slice(1)) expect(c.shrunk, c.point).toEqual([]);
    expect(run.deadline.shrunk.length).toBe(5);
    expect(run.candidates.length).toBe(2);
    expect(run.final.history.length).toBe(1);
    expect(run.baselines).toEqual([]);

    // Interrupted right after the decision before the final training, the resumed run replays the
    // recorded decisions (none is taken twice) and trains what they say.
    const dirB = join(work, 'slow-resumed');
    let stop = true;
    const stopping: RunIo = {
      ...io,
      progress: {
        ...io.progress,
        start(label: string) {
          if (stop && label.startsWith('final training')) throw new Error('interrupted');
        },
      },
    };
    await expect(startRun(parseRunConfig(slow, 'test'), dirB, stopping)).rejects.toThrow('interrupted');
    const before = checksOf(dirB);
    expect(before.at(-1)!.point).toBe('before-final');
    stop = false;
    const resumed = await resumeRun(dirB, {}, stopping);
    const after = checksOf(dirB);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(new Set(after.map((c) => c.point)).size).toBe(after.length);
    expect(resumed.candidates.length).toBe(before.at(-1)!.sizes.top_k);
    expect(resumed.final.history.length).toBe(resumed.deadline.sizes.final_epochs);
    expect(resumed.final.history.length).toBeLessThanOrEqual(before.at(-1)!.sizes.final_epochs);
  });

  it('exports a run directory and a naskit-train style checkpoint to ONNX', async () => {
    const out = join(work, 'exported.onnx');
    const result = await exportCheckpoint(dirA, { out });
    expect(result.onnx).toBe(out);
    expect(result.maxAbsDiff).toBeLessThan(1e-4);
    const { params, description } = readModel(join(dirA, 'model.safetensors'));
    const shape = [2, ...description.input_shape];
    const input = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5);
    expect(await onnxLogits(out, input, shape)).toEqual(
      await onnxLogits(join(dirA, 'model.onnx'), input, shape),
    );

    // A checkpoint as `naskit train` writes it: only model, arch and dataset are recorded.
    const trainStyle = join(work, 'train-style.safetensors');
    saveCheckpoint(trainStyle, {
      params,
      metadata: { model: 'nb201', arch: description.arch, dataset: 'my-images', seed: '0' },
    });
    await expect(exportCheckpoint(trainStyle, {})).rejects.toThrow(
      /input shape of dataset "my-images" is unknown; pass --input-shape/,
    );
    const fromTrain = await exportCheckpoint(trainStyle, { inputShape: description.input_shape });
    expect(await onnxLogits(fromTrain.onnx, input, shape)).toEqual(await onnxLogits(out, input, shape));
  });
});
