/**
 * The supernet searches end to end at toy scale on the built-in Fashion-MNIST (no data folder):
 * less-local DARTS resumes to the same result, second-order DARTS runs, GeNAS searches over cached
 * scores, and on the DARTS space a searched genotype is trained from scratch and exported to ONNX.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { darts } from '../../spaces/darts/index.js';
import { nb201 } from '../../spaces/nb201/index.js';
import { createProgress } from '../progress.js';
import { runTrainJob } from '../train-job.js';
import { runDartsSearch, type DartsSearchInput } from './darts-job.js';
import { runGenas } from './genas-job.js';
import { TINY_SUPERNET_SCALE as TINY } from '../../../test/helpers/tiny-supernet-scale.js';

const work = mkdtempSync(join(tmpdir(), 'naskit-searches-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const quiet = createProgress('quiet');

describe('differentiable search', () => {
  it('less-local DARTS: halving with a hop; the same command after it finished gives the same result', async () => {
    const input: DartsSearchInput = {
      ...TINY,
      space: 'nb201',
      strategy: 'darts-global',
      epochs: 4,
      halving: { starts: 2, hops: 1 },
      seeds: 1,
      out: join(work, 'global'),
    };
    const a = await runDartsSearch(input, quiet);
    const run = a.runs[0]!;
    expect(nb201.parse(run.arch)).toBeTruthy();
    expect(run.curve).toHaveLength(run.curve.length);
    expect(run.trace.some((t) => t.startsWith('rung epoch'))).toBe(true);
    expect(run.trace.some((t) => t.startsWith('hop 1'))).toBe(true);
    // Two starts to the first rung, one survivor on to the end, one hop of the reserved epochs.
    expect(run.compute).toBeGreaterThanOrEqual(4 + 1);
    expect(run.decisiveness).toBeGreaterThan(0.2);
    expect(run.param_free).toBeGreaterThanOrEqual(0);
    const html = readFileSync(join(work, 'global', 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('softmax(α) per edge and op over epochs');
    const b = await runDartsSearch(input, quiet);
    expect(b.runs.map(({ arch, J, compute }) => ({ arch, J, compute }))).toEqual(
      a.runs.map(({ arch, J, compute }) => ({ arch, J, compute })),
    );
  });

  it('second-order DARTS and best-of-N run and report J, parameter-free fraction and α per epoch', async () => {
    const r = await runDartsSearch(
      {
        ...TINY,
        space: 'nb201',
        strategy: 'darts',
        order: 2,
        bestOf: 2,
        epochs: 2,
        seeds: 1,
        out: join(work, 'second'),
      },
      quiet,
    );
    const run = r.runs[0]!;
    expect(r.order).toBe(2);
    expect(run.compute).toBe(4);
    expect(run.trace).toHaveLength(2);
    expect(run.alpha).toHaveLength(2);
    expect(run.alpha[1]!['alpha/cell']).toHaveLength(6);
    expect(Number.isFinite(run.J)).toBe(true);
  });

  it('random restarts train every start to the end and keep the lowest J; they refuse hops', async () => {
    const input: DartsSearchInput = {
      ...TINY,
      space: 'nb201',
      strategy: 'darts-global',
      scheme: 'restarts',
      epochs: 2,
      halving: { starts: 2 },
      seeds: 1,
      out: join(work, 'restarts'),
    };
    const r = await runDartsSearch(input, quiet);
    const run = r.runs[0]!;
    expect(r.scheme).toBe('restarts');
    expect(run.compute).toBe(2 * 2);
    expect(run.trace).toHaveLength(1);
    expect(run.trace[0]).toMatch(/^rung epoch 2: start \d .*start \d /);
    expect(readFileSync(join(work, 'restarts', 'darts-global-restarts.json'), 'utf8')).toContain(
      '"restarts"',
    );
    await expect(
      runDartsSearch({ ...input, halving: { starts: 2, hops: 1 }, out: join(work, 'restarts-hops') }, quiet),
    ).rejects.toThrow(/--hops applies to --scheme halving/);
  });
});

describe('GeNAS', () => {
  it('trains a single-path supernet, searches with two objectives over one score cache', async () => {
    const base = {
      space: 'nb201' as const,
      training: { ...TINY, epochs: 2 },
      calibrationImages: 64,
      evolution: { population: 6, mutations: 3, crossovers: 3, topK: 3, generations: 2 },
      seeds: 2,
      threads: 1,
      out: join(work, 'genas'),
    };
    const flat = await runGenas({ ...base, objective: 'flatness' }, quiet);
    expect(flat.runs).toHaveLength(2);
    expect(flat.supernet_scale).toEqual({
      channels: TINY.channels,
      cells: TINY.cells,
      resolution: TINY.resolution,
      sampling: 'uniform',
      epochs: 2,
    });
    // Truth comes from the NB201 tables the package ships.
    expect(flat.runs[0]!.true!.cifar10).toBeGreaterThan(0);
    const scored = flat.cells_scored;
    expect(scored).toBeGreaterThan(6);
    const acc = await runGenas(
      { ...base, objective: 'accuracy+flatness', supernet: join(work, 'genas', 'supernet') },
      quiet,
    );
    expect(acc.cells_scored).toBeGreaterThanOrEqual(scored);
    for (const run of acc.runs) expect(nb201.parse(run.arch)).toBeTruthy();
    expect(readFileSync(join(work, 'genas', 'report.html'), 'utf8')).toContain('Loss against noise level');
    // Class means: each candidate's scores averaged over up to 4 isomorphic encodings.
    const iso = await runGenas(
      { ...base, objective: 'accuracy', isomorphs: 4, supernet: join(work, 'genas', 'supernet') },
      quiet,
    );
    expect(iso.isomorphs).toBe(4);
    expect(iso.cells_scored).toBeGreaterThan(acc.cells_scored);
    for (const run of iso.runs) expect(nb201.parse(run.arch)).toBeTruthy();
    expect(readFileSync(join(work, 'genas', 'report.html'), 'utf8')).toContain('isomorphic encodings');
    await expect(runGenas({ ...base, objective: 'vibes' }, quiet)).rejects.toThrow(
      /unknown --objective 'vibes'/,
    );
  });
});

describe('the DARTS space end to end', () => {
  it('less-local DARTS and GeNAS derive genotypes; one is trained from scratch and exported to ONNX', async () => {
    const small = { ...TINY, resolution: 14, trainImages: 128, channels: 4, cells: 3, batch: 16 };
    const d = await runDartsSearch(
      {
        ...small,
        space: 'darts',
        strategy: 'darts-global',
        epochs: 2,
        halving: { starts: 2 },
        seeds: 1,
        out: join(work, 'darts-space'),
      },
      quiet,
    );
    const genotype = d.runs[0]!.arch;
    expect(darts.parse(genotype)).toBeTruthy();
    expect(d.runs[0]!.params).toBeGreaterThan(0);
    const g = await runGenas(
      {
        space: 'darts',
        objective: 'angle+flatness',
        training: { ...small, epochs: 1 },
        calibrationImages: 16,
        validImages: 32,
        evolution: { population: 4, mutations: 2, crossovers: 2, topK: 2, generations: 2 },
        seeds: 1,
        threads: 1,
        out: join(work, 'darts-genas'),
      },
      quiet,
    );
    expect(darts.parse(g.runs[0]!.arch)).toBeTruthy();
    const trained = await runTrainJob(
      {
        space: 'darts',
        arch: genotype,
        dataset: 'fashion-mnist',
        trainImages: 128,
        channels: 4,
        cells: 3,
        epochs: 1,
        batchSize: 32,
        lr: 0.05,
        seed: 0,
        threads: 1,
        out: join(work, 'darts-train'),
      },
      quiet,
    );
    expect(trained.arch).toBe(darts.format(darts.parse(genotype)));
    expect(trained.onnx_max_abs_diff).toBeLessThan(1e-3);
    // Three DARTS-space programs compile here (mixed supernet, single-path supernet, the genotype):
    // 90 s and more when the two cores are shared with other work.
  }, 360_000);
});
