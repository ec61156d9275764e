/**
 * `naskit supernet train|eval` end to end: a real child process killed with SIGKILL mid-training
 * resumes to bit-identical weights; bad input is refused before anything is written; a short real
 * CIFAR-10 run (when the shared data folder is present) lowers its training loss.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../runtime/checkpoint.js';
import { testDataDir } from '../../util/data-dir.js';
import { NaskitError } from '../../util/errors.js';
import { createProgress } from '../progress.js';
import { darts } from '../../spaces/darts/index.js';
import { nb201CellFunction } from '../../spaces/nb201/isomorphism.js';
import { nb201, type Nb201Arch } from '../../spaces/nb201/index.js';
import { scoreWithSupernet } from './eval-job.js';
import { checkIsomorphs, describeIsomorphs, isomorphSample, parseIsomorphs } from './scoring.js';
import { checkpointPath } from './train-job.js';
import { readEpochs, runSupernetTraining } from './train-job.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'naskit-supernet-job-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const quiet = createProgress('quiet');

const TINY = [
  'train',
  '--space',
  'nb201',
  '--mode',
  'single-path',
  '--dataset',
  'fashion-mnist',
  '--train-images',
  '192',
];
TINY.push(
  '--channels',
  '4',
  '--cells',
  '1',
  '--epochs',
  '4',
  '--batch',
  '32',
  '--seed',
  '5',
  '--threads',
  '1',
);

function cli(args: string[]): {
  child: ReturnType<typeof spawn>;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(
    process.execPath,
    [
      '--import',
      './test/helpers/ts-register.mjs',
      'test/helpers/supernet-cli.ts',
      'supernet',
      ...args,
      '--quiet',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((ok) =>
    child.on('close', (code) => ok({ code, stderr })),
  );
  return { child, done };
}

function epochsDone(dir: string): number {
  const path = join(dir, 'epochs.jsonl');
  return existsSync(path) ? readEpochs(path).length : 0;
}

describe('naskit supernet train', () => {
  it('resumes after SIGKILL with bit-identical weights and records', async () => {
    const whole = join(work, 'whole');
    const first = cli([...TINY, '--out', whole]);
    const firstResult = await first.done;
    expect(firstResult.code, firstResult.stderr).toBe(0);

    const killed = join(work, 'killed');
    const run = cli([...TINY, '--out', killed]);
    let finished = false;
    void run.done.then(() => (finished = true));
    while (!finished && epochsDone(killed) < 2) await new Promise((r) => setTimeout(r, 5));
    expect(finished).toBe(false);
    run.child.kill('SIGKILL');
    await run.done;
    expect(epochsDone(killed)).toBeLessThan(4);

    const again = cli([...TINY, '--out', killed]);
    const result = await again.done;
    expect(result.code, result.stderr).toBe(0);
    const a = loadCheckpoint(join(whole, 'checkpoint.safetensors'));
    const b = loadCheckpoint(join(killed, 'checkpoint.safetensors'));
    expect(b.params.names()).toEqual(a.params.names());
    for (const n of a.params.names())
      expect(Buffer.from(b.params.get(n).buffer).equals(Buffer.from(a.params.get(n).buffer)), n).toBe(true);
    expect(readEpochs(join(killed, 'epochs.jsonl')).map((r) => r.train_loss)).toEqual(
      readEpochs(join(whole, 'epochs.jsonl')).map((r) => r.train_loss),
    );
    const summary = JSON.parse(readFileSync(join(killed, 'summary.json'), 'utf8')) as {
      resumed_from_epoch: number;
    };
    expect(summary.resumed_from_epoch).toBeGreaterThanOrEqual(2);

    // The trained supernet scores cells without retraining, deterministically for a seed.
    const score = () =>
      scoreWithSupernet(
        {
          supernet: whole,
          archs: [
            '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|',
            '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
          ],
          calibrationImages: 64,
          threads: 1,
        },
        quiet,
      );
    const scored = await score();
    expect(scored.epoch).toBe(4);
    expect(scored.scores).toHaveLength(2);
    expect(scored.valid_images).toBe(96);
    expect(scored.scores[0]!.loss).not.toBe(scored.scores[1]!.loss);
    const strip = (r: { scores: { seconds: number }[] }) => r.scores.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(await score())).toEqual(strip(scored));
  });

  it('--isomorphs: isomorphic cells get one score, the mean over the drawn encodings of their class', async () => {
    const whole = join(work, 'whole');
    // Both compute input + conv3x3(input), with the conv on another edge (other weights).
    const a = '|skip_connect~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|none~2|';
    const b = '|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|skip_connect~1|none~2|';
    const classes = nb201.isomorphClasses();
    const size = classes.of(nb201.parse(a)).length;
    expect(size).toBeGreaterThan(3);
    const base = { supernet: whole, calibrationImages: 64, threads: 1 };
    const averaged = await scoreWithSupernet({ ...base, archs: [a, b], isomorphs: 3 }, quiet);
    expect(averaged.isomorphs).toBe(3);
    // Two requested cells of one class: three encodings scored, once each.
    expect(averaged.cells_scored).toBe(3);
    expect(averaged.seconds_per_cell).toBeGreaterThan(0);
    const [ra, rb] = averaged.scores;
    expect(ra!.isomorphs!.class_size).toBe(size);
    expect(ra!.isomorphs!.averaged).toHaveLength(3);
    expect(rb!.isomorphs).toEqual(ra!.isomorphs);
    expect(rb!.accuracy).toBe(ra!.accuracy);
    expect(rb!.flatness).toBe(ra!.flatness);
    const fn = nb201CellFunction(nb201.parse(a));
    for (const m of ra!.isomorphs!.averaged) expect(nb201CellFunction(nb201.parse(m))).toBe(fn);
    // Each encoding scored alone (same settings, so the same numbers), then averaged by hand.
    const alone = await scoreWithSupernet({ ...base, archs: ra!.isomorphs!.averaged }, quiet);
    const mean = (f: (r: { loss: number; accuracy: number; angle: number }) => number) =>
      alone.scores.reduce((s, r) => s + f(r), 0) / alone.scores.length;
    expect(ra!.loss).toBeCloseTo(
      mean((r) => r.loss),
      12,
    );
    expect(ra!.accuracy).toBeCloseTo(
      mean((r) => r.accuracy),
      12,
    );
    expect(ra!.angle).toBeCloseTo(
      mean((r) => r.angle),
      12,
    );
    expect(new Set(alone.scores.map((r) => r.loss)).size).toBeGreaterThan(1);
    expect(ra!.arch).toBe(a);
    expect(rb!.arch).toBe(b);

    // 'all': the whole class (nodes 1 and 2 swapped: two encodings).
    const c = '|nor_conv_3x3~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|';
    const d = '|avg_pool_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
    const whole2 = await scoreWithSupernet({ ...base, archs: [c], isomorphs: 'all' }, quiet);
    expect(whole2.scores[0]!.isomorphs!.class_size).toBe(2);
    expect(new Set(whole2.scores[0]!.isomorphs!.averaged)).toEqual(new Set([c, d]));
    expect(parseIsomorphs('all')).toBe('all');
    expect(describeIsomorphs(1, 3)).toBe('');
    expect(describeIsomorphs(8)).toBe('; scores averaged over up to 8 isomorphic encodings');
    expect(describeIsomorphs(8, 3, ' per candidate')).toBe(
      '; scores averaged over up to 8 isomorphic encodings (draw seed 3) per candidate',
    );
    expect(describeIsomorphs('all', 3)).toBe('; scores averaged over all isomorphic encodings');
    expect(parseIsomorphs('8')).toBe(8);
    expect(() => parseIsomorphs('0')).toThrow(/positive integer or 'all'/);
    expect(() => parseIsomorphs('4x')).toThrow(/positive integer or 'all'/);
    expect(() => checkIsomorphs(darts, 2)).toThrow(/darts space has no isomorphism classes/);
    expect(() => checkIsomorphs(darts, 'all')).toThrow(/darts space has no isomorphism classes/);
    expect(() => checkIsomorphs(nb201, 0)).toThrow(/positive integer/);
    expect(() => checkIsomorphs(darts, 1)).not.toThrow();

    // --isomorph-seed: another draw of three encodings from the same class, scored the same way.
    const draws = [0, 1, 2, 3].map((seed) =>
      isomorphSample(nb201, classes, nb201.parse(a), 3, seed).members.map((m) =>
        nb201.format(m as Nb201Arch),
      ),
    );
    expect(draws[0]!).toEqual(ra!.isomorphs!.averaged);
    const other = draws.findIndex((d) => d.join() !== draws[0]!.join());
    expect(other).toBeGreaterThan(0);
    const redrawn = await scoreWithSupernet(
      { ...base, archs: [a], isomorphs: 3, isomorphSeed: other },
      quiet,
    );
    expect(redrawn.isomorph_seed).toBe(other);
    expect(redrawn.scores[0]!.isomorphs!.averaged).toEqual(draws[other]!);
    const members = await scoreWithSupernet(
      { ...base, archs: redrawn.scores[0]!.isomorphs!.averaged },
      quiet,
    );
    expect(redrawn.scores[0]!.loss).toBeCloseTo(
      members.scores.reduce((sum, r) => sum + r.loss, 0) / members.scores.length,
      12,
    );
    // Refused before the output folder is made.
    const refused = join(work, 'refused-seed');
    await expect(
      scoreWithSupernet({ ...base, archs: [a], isomorphs: 3, isomorphSeed: -1, out: refused }, quiet),
    ).rejects.toThrow(/--isomorph-seed must be a non-negative integer, got -1/);
    expect(existsSync(refused)).toBe(false);
  });

  it('refuses a score folder a live process is scoring into, and takes over the lock of a killed one', async () => {
    const whole = join(work, 'whole');
    const out = join(work, 'locked-scores');
    mkdirSync(out);
    const lock = join(out, 'scores.jsonl.lock');
    const input = {
      supernet: whole,
      archs: ['|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|'],
      calibrationImages: 64,
      threads: 1,
      out,
    };
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(lock, JSON.stringify({ pid: other.pid, host: hostname(), started: 'now' }));
      await expect(scoreWithSupernet(input, quiet)).rejects.toThrow(
        new RegExp(
          `naskit process ${other.pid} is scoring into it; wait for it to finish or give another --out`,
        ),
      );
      expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(other.pid);
      expect(existsSync(join(out, 'scores.jsonl'))).toBe(false);
    } finally {
      other.kill('SIGKILL');
    }
    await once(other, 'exit');
    const scored = await scoreWithSupernet(input, quiet);
    expect(scored.scores).toHaveLength(1);
    expect(existsSync(lock)).toBe(false);
    expect(readFileSync(join(out, 'scores.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('refuses bad input before writing: unknown space or mode, other settings, too few images, a file as --out', async () => {
    const expectCode = async (
      input: Parameters<typeof runSupernetTraining>[0],
      pattern: RegExp,
    ): Promise<void> => {
      let err: unknown;
      try {
        await runSupernetTraining(input, quiet);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NaskitError);
      expect((err as Error).message).toMatch(pattern);
    };
    const base = {
      space: 'nb201' as const,
      mode: 'single-path' as const,
      dataset: 'fashion-mnist',
      trainImages: 192,
      channels: 4,
      cells: 1,
      epochs: 1,
      batch: 32,
      threads: 1,
    };
    await expectCode({ ...base, space: 'nb999' as never, out: join(work, 'x') }, /space/);
    await expectCode({ ...base, mode: 'sideways' as never, out: join(work, 'x') }, /mode/);
    await expectCode({ ...base, trainImages: 40, out: join(work, 'x') }, /fewer than one batch of 32/);
    await expectCode({ ...base, sampling: 'often' as never, out: join(work, 'x') }, /sampling/);
    await expectCode(
      { ...base, mode: 'mixed', sampling: 'fair', out: join(work, 'x') },
      /fair path sampling needs single-path mode on nb201/,
    );
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    await expectCode({ ...base, out: join(file) }, /exists and is not a folder/);

    const whole = join(work, 'whole');
    const before = statSync(join(whole, 'checkpoint.safetensors')).mtimeMs;
    const bytes = readFileSync(join(whole, 'checkpoint.safetensors'));
    await expectCode(
      { ...base, epochs: 4, seed: 5, channels: 8, out: whole },
      /different supernet training \(config\.channels: 4 vs 8\)/,
    );
    await expectCode(
      { ...base, epochs: 4, seed: 5, channels: 4, sampling: 'fair', out: whole },
      /different supernet training \(job\.sampling: undefined vs "fair"\)/,
    );
    expect(statSync(join(whole, 'checkpoint.safetensors')).mtimeMs).toBe(before);
    expect(readFileSync(join(whole, 'checkpoint.safetensors')).equals(bytes)).toBe(true);
    // uniform is the default: saying it names the same training, which is complete
    const same = await runSupernetTraining(
      { ...base, epochs: 4, seed: 5, sampling: 'uniform', out: whole },
      quiet,
    );
    expect(same.resumed_from_epoch).toBe(4);
    expect(same.sampling).toBe('uniform');

    await expect(
      scoreWithSupernet(
        { supernet: join(work, 'nothing'), archs: ['|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'] },
        quiet,
      ),
    ).rejects.toThrow(/does not exist/);
    await expect(
      scoreWithSupernet({ supernet: whole, archs: ['|bogus~0|'], threads: 1 }, quiet),
    ).rejects.toThrow(/nb201/);
  });

  const dataDir = testDataDir();
  it.skipIf(!dataDir)(
    'a short real run: NB201 mixed, C=8, N=1, 16×16 CIFAR-10, 2 epochs on 2,000 images lowers the training loss',
    async () => {
      const summary = await runSupernetTraining(
        {
          space: 'nb201',
          mode: 'mixed',
          dataset: 'cifar10',
          dataDir: dataDir!,
          trainImages: 2000,
          resolution: 16,
          channels: 8,
          cells: 1,
          epochs: 2,
          out: join(work, 'cifar'),
        },
        quiet,
      );
      const records = readEpochs(join(work, 'cifar', 'epochs.jsonl'));
      expect(summary.train_images).toBe(1000);
      expect(summary.resolution).toBe(16);
      expect(records).toHaveLength(2);
      expect(records[1]!.train_loss).toBeLessThan(records[0]!.train_loss);
      expect(records[1]!.derived).toMatch(/^\|.+\|$/);
    },
  );
  if (!dataDir)
    it.skip('a short real CIFAR-10 run: skipped, no shared data folder (set NASKIT_DATA)', () => {});
});

describe('--supernet paths', () => {
  it('name the checkpoint by its absolute path, so a score cache matches however it was typed', () => {
    const dir = join(work, 'paths', 'net');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'checkpoint.safetensors'), '');
    const relativeDir = relative(process.cwd(), dir);
    expect(checkpointPath(relativeDir)).toBe(join(dir, 'checkpoint.safetensors'));
    expect(checkpointPath(join(relativeDir, 'checkpoint.safetensors'))).toBe(
      join(dir, 'checkpoint.safetensors'),
    );
    expect(() => checkpointPath(join(work, 'paths', 'missing'))).toThrow(/does not exist/);
  });
});
