/**
 * `naskit search --strategy darts|darts-global|genas --redis` on a private localhost redis-server: each
 * seed a job, run by a worker in this process (its jobs in a thread of their own), with the same answer
 * as the in-process loop, bit for bit (both sides run one ONNX Runtime thread). Toy scale on the built-in
 * Fashion-MNIST, as the in-process search tests.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startChildWorker, type ChildWorker } from '../../test/helpers/child-worker.js';
import { redisServerBinary, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';
import { main } from '../cli/main.js';
import { createProgress } from '../experiments/progress.js';
import {
  runDartsSearch,
  resolveDartsSettings,
  type DartsSearchInput,
} from '../experiments/supernet/darts-job.js';
import { runGenas, type GenasInput } from '../experiments/supernet/genas-job.js';
import { runSupernetTraining } from '../experiments/supernet/train-job.js';
import { NaskitError } from '../util/errors.js';
import { parseJob } from './jobs.js';
import { dartsSeedJobs, queueDartsRunner, queueGenasRunner, supernetRefs } from './supernet.js';
import { startWorker, type RunningWorker } from './worker.js';
import { TINY_SUPERNET_SCALE as TINY } from '../../test/helpers/tiny-supernet-scale.js';

const tempDir = tempDirs();
const binary = redisServerBinary();
const quiet = createProgress('quiet');

type Child = ChildWorker;

/** A real `naskit worker` process with this data folder as $NASKIT_DATA. */
const childWorker = (url: string, dataDir: string, ...args: string[]) =>
  startChildWorker(url, args, { ...process.env, NASKIT_DATA: dataDir });

async function until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A run without its wall-clock seconds. */
const timeless = <T extends { seconds?: unknown }>(r: T) => ({ ...r, seconds: 0 });

describe('supernet search seeds as jobs: what is refused before anything is queued', () => {
  it('a dataset of local files, a supernet outside the data folder, genas --redis without --supernet', async () => {
    const settings = resolveDartsSettings({
      ...TINY,
      dataset: 'idx:a.gz,b.gz',
      space: 'nb201',
      strategy: 'darts',
      seeds: 1,
      out: 'unused',
    });
    expect(() => dartsSeedJobs(settings, '0123456789abcdef', [0])).toThrow(/set of files on this machine/);

    const data = tempDir('naskit-supernet-refs-');
    mkdirSync(join(data, 'supernets', 'half'), { recursive: true });
    writeFileSync(join(data, 'supernets', 'half', 'checkpoint.safetensors'), 'x');
    expect(() => supernetRefs(data, '../elsewhere')).toThrow(/relative path inside the data folder/);
    // The angle score needs the weights at initialization next to the checkpoint.
    expect(() => supernetRefs(data, 'supernets/half')).toThrow(
      /init\.safetensors.*is not in the data folder/,
    );

    const out = join(data, 'genas-out');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main([
        'node',
        'naskit',
        'search',
        '--space',
        'nb201',
        '--strategy',
        'genas',
        '--redis',
        'redis://127.0.0.1:1',
        '--out',
        out,
      ]);
      expect(code).toBe(2);
      expect(String(stderr.mock.calls.at(-1)![0])).toMatch(/train it first .*pass --supernet/);
    } finally {
      stderr.mockRestore();
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a darts-seed job is schema-checked like every job', () => {
    const settings = resolveDartsSettings({
      ...TINY,
      space: 'nb201',
      strategy: 'darts-global',
      seeds: 1,
      out: 'x',
    });
    const [job] = dartsSeedJobs(settings, '0123456789abcdef', [3]);
    expect(parseJob(job)).toEqual(job);
    expect(() => parseJob({ ...job, scale: { ...job!.scale, dataset: '../../etc' } })).toThrow(/invalid job/);
    expect(() => parseJob({ ...job, halving: { ...job!.halving, starts: 0 } })).toThrow(/invalid job/);
    expect(() => parseJob({ ...job, run: 'rm -rf /' })).toThrow(/invalid job/);
  });
});

describe.skipIf(!binary)(
  'supernet search seeds on a worker through a local redis-server (needs redis-server: apt-get install redis-server)',
  () => {
    let redis: RedisServer;
    let worker: RunningWorker | undefined;
    let data: string;
    let workDir: string;
    const log: string[] = [];

    const savedDataEnv = process.env.NASKIT_DATA;

    beforeAll(async () => {
      redis = await startRedisServer();
      data = tempDir('naskit-supernet-remote-');
      workDir = join(data, 'work');
      // The worker's data folder through $NASKIT_DATA, not --data-dir: with --data-dir, Fashion-MNIST
      // would be read from the folder's files rather than the built-in copy the in-process runs use.
      // Set before the worker starts, as its job thread copies the environment.
      process.env.NASKIT_DATA = data;
      worker = await startWorker({
        redis: redis.url,
        concurrency: 1,
        threads: 1,
        workDir,
        stallSeconds: 30,
        log: (m) => log.push(m),
      });
    });
    const children: Child[] = [];

    afterAll(async () => {
      if (savedDataEnv === undefined) delete process.env.NASKIT_DATA;
      else process.env.NASKIT_DATA = savedDataEnv;
      worker?.stop();
      await worker?.closed;
      for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await redis?.close();
    });

    it('less-local DARTS: each seed a job, the same runs as in process; the job folders are cleared', async () => {
      const input: DartsSearchInput = {
        ...TINY,
        space: 'nb201',
        strategy: 'darts-global',
        epochs: 2,
        halving: { starts: 2 },
        seeds: 2,
        out: join(data, 'darts-local'),
      };
      const local = await runDartsSearch(input, quiet);
      const remote = await runDartsSearch(
        { ...input, out: join(data, 'darts-remote') },
        quiet,
        queueDartsRunner({ redis: redis.url }),
      );
      expect(remote.runs).toEqual(local.runs);
      expect(timeless(remote)).toEqual(timeless(local));
      expect(log.filter((l) => l.startsWith('darts-seed') && l.includes(' done in '))).toHaveLength(2);
      for (const seed of [0, 1]) {
        const kept = JSON.parse(
          readFileSync(join(data, 'darts-remote', `seed-${seed}`, 'result.json'), 'utf8'),
        );
        expect(kept).toEqual(local.runs[seed]);
      }
      expect(existsSync(join(data, 'darts-remote', 'report.html'))).toBe(true);
      // The checkpoints lived in the worker's --work-dir while the seed ran; a finished job leaves none.
      expect(existsSync(workDir) ? readdirSync(workDir) : []).toEqual([]);
    }, 240_000);

    it('GeNAS: the seeds score on the supernet in the data folder; picks and the score cache match in process', async () => {
      const folder = join(data, 'supernets', 'tiny');
      await runSupernetTraining(
        { ...TINY, space: 'nb201', mode: 'single-path', epochs: 1, out: folder },
        quiet,
      );
      const base: GenasInput = {
        space: 'nb201',
        objective: 'flatness-only',
        training: {},
        calibrationImages: 64,
        validImages: 64,
        evolution: { population: 6, mutations: 3, crossovers: 3, topK: 3, generations: 2 },
        seeds: 2,
        threads: 1,
        supernet: folder,
        out: join(data, 'genas-local'),
      };
      const local = await runGenas(base, quiet);
      const refs = supernetRefs(data, 'supernets/tiny');
      const remote = await runGenas(
        { ...base, supernet: refs.folder, out: join(data, 'genas-remote') },
        quiet,
        queueGenasRunner({ redis: redis.url }, refs),
      );
      expect(remote.runs).toEqual(local.runs);
      expect(remote.cells_scored).toBe(local.cells_scored);
      const cache = (dir: string) =>
        readFileSync(join(dir, 'scores.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .map(({ seconds: _s, ...r }) => r)
          .sort((a, b) => String(a.key).localeCompare(String(b.key)));
      expect(cache(join(data, 'genas-remote'))).toEqual(cache(join(data, 'genas-local')));
      expect(readFileSync(join(data, 'genas-remote', 'report.html'), 'utf8')).toContain(
        'Loss against noise level',
      );
    }, 240_000);

    it('a worker holding other images refuses the seed, and the search says which', async () => {
      const settings = resolveDartsSettings({
        ...TINY,
        space: 'nb201',
        strategy: 'darts',
        epochs: 1,
        seeds: 1,
        out: 'x',
      });
      const err = await queueDartsRunner({ redis: redis.url })(
        { settings, fingerprint: 'ffffffffffffffff', seeds: [0] },
        () => undefined,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NaskitError);
      expect((err as Error).message).toMatch(/seed 0: .*not the search's \(ffffffffffffffff\)/);
    }, 120_000);

    it('a worker killed with SIGKILL mid-seed: the next one with the same --work-dir resumes from its checkpoint, same run', async () => {
      // Only child workers from here on.
      worker?.stop();
      await worker?.closed;
      worker = undefined;
      const input: DartsSearchInput = {
        ...TINY,
        space: 'nb201',
        strategy: 'darts',
        epochs: 12,
        seeds: 1,
        seed: 7,
        out: join(data, 'kill-local'),
      };
      const local = await runDartsSearch(input, quiet);
      const kept = join(data, 'kill-work');
      const first = await childWorker(redis.url, data, '--work-dir', kept, '--stall-seconds', '2');
      children.push(first);
      const remote = runDartsSearch(
        { ...input, out: join(data, 'kill-remote') },
        quiet,
        queueDartsRunner({ redis: redis.url }),
      );
      remote.catch(() => undefined);
      await until(() => /epoch 2\/12/.test(first.stderr()), 120_000, 'the seed to reach its second epoch');
      first.proc.kill('SIGKILL');
      await first.exited;
      const second = await childWorker(redis.url, data, '--work-dir', kept, '--stall-seconds', '2');
      children.push(second);
      const result = await remote;
      expect(result.runs).toEqual(local.runs);
      const resumed = /resumed at epoch (\d+)/.exec(second.stderr());
      expect(resumed, second.stderr()).not.toBeNull();
      expect(Number(resumed![1])).toBeGreaterThanOrEqual(2);
      expect(Number(resumed![1])).toBeLessThan(12);
      expect(readdirSync(kept)).toEqual([]);
      second.proc.kill('SIGTERM');
      await second.exited;
    }, 240_000);
  },
);
