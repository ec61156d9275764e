/**
 * Jobs across processes on BullMQ and a private redis-server on a free localhost port: the same answer
 * as in process, a failing job recorded with its error, a worker killed mid-job, Redis restarted
 * mid-run, and the worker's start and stop. Workers that get killed are real `naskit worker` child
 * processes; the others run in this process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { startChildWorker, type ChildWorker } from '../../test/helpers/child-worker.js';
import { startRedisServer, redisServerBinary, type RedisServer } from '../../test/helpers/redis-server.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';
import { evalCommand, scoreCommand } from '../cli/proxies.js';
import { searchCommand } from '../cli/search.js';
import { main } from '../cli/main.js';
import { createProxyContext } from '../proxies/context.js';
import { resolveProxies } from '../proxies/index.js';
import { scoreArchitectures } from '../proxies/run.js';
import { nb201 } from '../spaces/index.js';
import { Rng } from '../util/rng.js';
import { NaskitError } from '../util/errors.js';
import { runJobs, type FailedJob, type JobRecord } from './coordinator.js';
import { JOB_HEADER, type NaskitJob, type ProxyChunkResult } from './jobs.js';
import { proxyChunkJobs, queueScorer } from './proxies.js';
import { startWorker, type RunningWorker } from './worker.js';

const tempDir = tempDirs();
const binary = redisServerBinary();

/** NB201 cells, canonical strings, drawn from a fixed seed. */
function cells(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => nb201.format(nb201.sample(rng)));
}

/** Built-in MNIST (8,000 images) loads faster than Fashion-MNIST's 60,000. */
function chunkJob(archs: string[], proxies: string[]): NaskitJob {
  return {
    ...JOB_HEADER,
    kind: 'proxy-chunk',
    space: 'nb201',
    dataset: 'mnist',
    proxies,
    archs,
    seed: 0,
  };
}

let context: ReturnType<typeof createProxyContext> | undefined;

/** The scores the in-process path gives (wall-clock seconds left out). */
async function localScores(archs: string[], proxies: string[]) {
  context ??= createProxyContext({ space: nb201, dataset: 'mnist', seed: 0, threads: 1, workers: 1 });
  const scores = await scoreArchitectures({
    context,
    proxies: resolveProxies(proxies),
    archs: archs.map((a) => nb201.parse(a)),
  });
  return Object.fromEntries([...scores].map(([name, values]) => [name, values.map((v) => v.value)]));
}

function valuesOf(result: ProxyChunkResult) {
  return Object.fromEntries(Object.entries(result.scores).map(([n, vs]) => [n, vs.map((v) => v.value)]));
}

/** Collects records and counts how often each index was recorded. */
function sink() {
  const records = new Map<number, JobRecord>();
  const counts = new Map<number, number>();
  return {
    records,
    counts,
    record(r: JobRecord) {
      records.set(r.index, r);
      counts.set(r.index, (counts.get(r.index) ?? 0) + 1);
    },
  };
}

type Child = ChildWorker;

const children: Child[] = [];
const STALL_SECONDS = 2;
/** The worker that outlives the SIGKILL test; the Redis-restart test uses it (not "the last started":
 * two workers start at once, in either order). */
let survivor: Child | undefined;

/** `naskit worker` in a child process; resolves once it takes jobs. */
async function childWorker(url: string, ...args: string[]): Promise<Child> {
  const child = await startChildWorker(url, args);
  children.push(child);
  return child;
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!binary)(
  'jobs on BullMQ and a local redis-server (needs redis-server: apt-get install redis-server)',
  () => {
    let redis: RedisServer;
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    let local: RunningWorker | undefined;

    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(async () => {
      local?.stop();
      await local?.closed;
      for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await redis?.close();
    });

    const inProcessWorker = async (dataDir?: string) => {
      // The same stall interval as the child workers: BullMQ's stall check runs at most once per interval
      // for the whole queue, at the pace of whichever worker ran it last.
      local = await startWorker({
        redis: redis.url,
        concurrency: 1,
        threads: 1,
        stallSeconds: STALL_SECONDS,
        log,
        ...(dataDir ? { dataDir } : {}),
      });
      return local;
    };
    const stopInProcess = async () => {
      local?.stop();
      await local?.closed;
      local = undefined;
    };

    it('a search with --redis prints the same JSON as in process, and a rerun reads the finished seeds back', async () => {
      const dataDir = tempDir('naskit-dist-data-');
      const rng = new Rng(5);
      const rows = new Map<string, string>();
      while (rows.size < 120) {
        const cell = nb201.sample(rng);
        const convs = cell.edges.filter((e) => e.startsWith('nor_conv')).length;
        rows.set(
          nb201.key(cell),
          `"${nb201.key(cell)}",${70 + 2 * convs + rng.uniform(0, 1)},${71 + 2 * convs}`,
        );
      }
      writeFileSync(join(dataDir, 'mine.csv'), `arch,val_acc,test_acc\n${[...rows.values()].join('\n')}\n`);
      const flags = { dataset: 'cifar10', seeds: '3', seed: '2', param: [] as string[], json: true };
      const bundled = { ...flags, space: 'nb201', strategy: 're', budget: '40' };
      const mine = { ...flags, space: 'nb201', strategy: 'ls', budget: '25', dataDir };

      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        // The bundled tables come from the worker's default data folder, a user table from its --data-dir.
        await inProcessWorker();
        expect(await searchCommand({ ...bundled, redis: redis.url })).toBe(await searchCommand(bundled));
        await stopInProcess();
        await inProcessWorker(dataDir);
        expect(await searchCommand({ ...mine, table: 'mine.csv', redis: redis.url })).toBe(
          await searchCommand({ ...mine, table: join(dataDir, 'mine.csv') }),
        );
        await stopInProcess();
        // No worker now: the finished seeds come back from Redis, nothing is run again.
        expect(await searchCommand({ ...bundled, redis: redis.url })).toBe(await searchCommand(bundled));
        await expect(searchCommand({ ...mine, table: '../mine.csv', redis: redis.url })).rejects.toThrow(
          /relative path inside the data folder/,
        );
        await expect(
          searchCommand({
            ...bundled,
            warmStart: 'params',
            proxyCache: join(dataDir, 'c.jsonl'),
            redis: redis.url,
          }),
        ).rejects.toThrow(/--proxy-cache .* leave it out with --redis/);
      } finally {
        stderr.mockRestore();
        await stopInProcess();
      }
    });

    it('scores proxy chunks as in process; a failing job is recorded with its error and the rest go on', async () => {
      await inProcessWorker();
      const archs = cells(6, 1);
      const proxies = ['params', 'flops'];
      const bad = '|nor_conv_3x3~0|+|unknown_op~0|none~1|+|none~0|none~1|none~2|';
      const jobs: NaskitJob[] = [
        chunkJob(archs.slice(0, 3), proxies),
        chunkJob([archs[3]!, bad], proxies),
        chunkJob(archs.slice(3), proxies),
        // A table the worker does not have: retried (another worker might have it), then failed.
        {
          ...JOB_HEADER,
          kind: 'search-seed',
          space: 'nb201',
          dataset: 'cifar10',
          table: { path: 'nowhere.csv', sha256: '0'.repeat(64) },
          strategy: 'rs',
          params: {},
          budget: { queries: 5 },
          seed: 0,
        },
      ];
      const s = sink();
      const { failed } = await runJobs({
        redis: redis.url,
        jobs,
        record: s.record,
        attempts: 2,
        backoffMs: 50,
        log,
      });
      expect([...s.counts.entries()].sort()).toEqual([
        [0, 1],
        [2, 1],
      ]);
      const expected = await localScores(archs, proxies);
      const got = [0, 2].map((i) => valuesOf(s.records.get(i)!.result as ProxyChunkResult));
      for (const p of proxies) expect([...got[0]![p]!, ...got[1]![p]!]).toEqual(expected[p]);
      expect(failed.map((f: FailedJob) => [f.index, f.code, f.attempts])).toEqual([
        [1, 'invalid_arch', 1],
        [3, 'data_missing', 2],
      ]);
      expect(failed[0]!.error).toMatch(/unknown_op/);
      await stopInProcess();
    });

    it('proxies score and eval with --redis print the in-process JSON; the coordinator fills the cache once per score', async () => {
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        await inProcessWorker();
        // A repeated cell is scored once and printed twice, as in process.
        const archs = [...cells(12, 7), cells(1, 7)[0]!];
        const flags = {
          space: 'nb201',
          proxies: 'params,synflow,nwot',
          dataset: 'mnist',
          seed: '0',
          json: true,
        };
        const local = await scoreCommand(archs, { ...flags, threads: '1', workers: '1' });
        expect(await scoreCommand(archs, { ...flags, redis: redis.url })).toBe(local);
        await expect(scoreCommand(archs, { ...flags, workers: '2', redis: redis.url })).rejects.toThrow(
          /--workers sets this machine's compute/,
        );

        // Smaller chunks: every distinct cell goes out once, in the in-process order, with the same scores.
        const space = nb201;
        const parsed = archs.map((a) => space.parse(a));
        const proxies = resolveProxies(['synflow']);
        const ctx = createProxyContext({ space, dataset: 'mnist', seed: 0, threads: 1, workers: 1 });
        const { jobs, members } = proxyChunkJobs({ context: ctx, proxies, archs: parsed }, 3);
        expect(jobs.length).toBeGreaterThan(1);
        expect(members.flat().sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
        const remote = await queueScorer({ redis: redis.url, chunk: 3 })({
          context: ctx,
          proxies,
          archs: parsed,
        });
        const printed = JSON.parse(local) as { scores: { synflow: number | null }[] };
        expect(remote.get('synflow')!.map((v) => v.value)).toEqual(printed.scores.map((r) => r.synflow));

        // eval: a cache holding one proxy's scores; --redis sends only the other's and writes each once.
        const cache = join(tempDir('naskit-dist-cache-'), 'scores.jsonl');
        const evalFlags = { space: 'nb201', dataset: 'cifar10', sample: '12', seed: '0', json: true };
        await evalCommand({ ...evalFlags, proxies: 'params', cache, workers: '1' });
        const withoutTimes = (text: string) =>
          JSON.stringify(JSON.parse(text, (k, v: unknown) => (k === 'sec_per_arch' ? undefined : v)));
        const both = { ...evalFlags, proxies: 'params,flops' };
        const expected = withoutTimes(await evalCommand({ ...both, workers: '1' }));
        expect(withoutTimes(await evalCommand({ ...both, cache, redis: redis.url }))).toBe(expected);
        const lines = () => readFileSync(cache, 'utf8').trim().split('\n').slice(1);
        const rows = lines().map((l) => JSON.parse(l) as { proxy: string; key: string });
        expect(rows.filter((r) => r.proxy === 'params')).toHaveLength(12);
        expect(rows.filter((r) => r.proxy === 'flops')).toHaveLength(12);
        expect(new Set(rows.map((r) => `${r.proxy} ${r.key}`)).size).toBe(24);
        // No worker now: everything comes from the cache, nothing is written again.
        await stopInProcess();
        expect(withoutTimes(await evalCommand({ ...both, cache, redis: redis.url }))).toBe(expected);
        expect(lines()).toHaveLength(24);
      } finally {
        stderr.mockRestore();
        await stopInProcess();
      }
      // Three NB201 scorings of 12 cells on one core: slow on a busy machine.
    }, 300_000);

    it('naskit bench queue runs on tiny figures and prints its fields (no timing checked)', async () => {
      let out = '';
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        out += String(chunk);
        return true;
      });
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      let code: number;
      try {
        const args = [
          '--redis',
          redis.url,
          '--jobs',
          '3',
          '--archs',
          '4',
          '--proxies',
          'params',
          '--chunk',
          '2',
        ];
        code = await main(['node', 'naskit', 'bench', 'queue', ...args, '--json']);
      } finally {
        stdout.mockRestore();
        stderr.mockRestore();
      }
      expect(code).toBe(0);
      const printed = JSON.parse(out) as Record<string, unknown>;
      expect(printed).toMatchObject({
        jobs: 3,
        round_trip_ms: { median: expect.any(Number), p90: expect.any(Number) },
        overhead_ms: { median: expect.any(Number), p90: expect.any(Number) },
        proxies: ['params'],
        dataset: 'mnist',
        archs: 4,
        chunk: 2,
        archs_per_s: {
          in_process_1_thread: expect.any(Number),
          in_process_2_threads: expect.any(Number),
          queue_1_worker: expect.any(Number),
          queue_2_workers: expect.any(Number),
        },
      });
      // The bench's queues are gone from Redis afterwards.
      const probe = new Queue('naskit-probe', { connection: { url: redis.url } });
      try {
        const client = (await probe.client) as unknown as { keys(pattern: string): Promise<string[]> };
        expect(await client.keys('bull:naskit-bench-*')).toEqual([]);
      } finally {
        await probe.close();
      }
    });

    it('a worker killed with SIGKILL mid-job: another takes the job after the stall interval; every result once', async () => {
      const archs = cells(4, 2);
      const proxies = ['epsilon'];
      const jobs = [chunkJob(archs.slice(0, 2), proxies), chunkJob(archs.slice(2), proxies)];
      // Two workers, one job each; the first dies with its job, the second finishes its own, then the other.
      const [first, second] = await Promise.all([
        childWorker(redis.url, '--stall-seconds', String(STALL_SECONDS)),
        childWorker(redis.url, '--stall-seconds', String(STALL_SECONDS)),
      ]);
      const s = sink();
      const run = runJobs({ redis: redis.url, jobs, record: s.record, log });
      const queue = new Queue('naskit', { connection: { url: redis.url } });
      try {
        await until(async () => (await queue.getActiveCount()) === 2, 60_000);
      } finally {
        await queue.close();
      }
      survivor = second;
      first!.proc.kill('SIGKILL');
      await first!.exited;
      expect(s.records.size).toBeLessThan(2);
      const { failed } = await run;
      expect(failed).toEqual([]);
      expect([...s.counts.values()]).toEqual([1, 1]);
      const expected = await localScores(archs, proxies);
      const got = [0, 1].map((i) => valuesOf(s.records.get(i)!.result as ProxyChunkResult));
      expect([...got[0]!.epsilon!, ...got[1]!.epsilon!]).toEqual(expected.epsilon);
      expect(second!.stderr().match(/proxy-chunk \S+ done/g)).toHaveLength(2);
    });

    it('Redis stopped mid-run and restarted: coordinator and worker say so and carry on; no result lost or doubled', async () => {
      const worker = survivor!;
      // Whatever happens here, no worker of this test may stay to take the next test's jobs.
      onTestFinished(() => {
        if (worker.proc.exitCode === null) worker.proc.kill('SIGKILL');
      });
      const archs = cells(8, 3);
      const jobs = Array.from({ length: 4 }, (_, i) => chunkJob(archs.slice(2 * i, 2 * i + 2), ['epsilon']));
      const s = sink();
      logs.length = 0;
      const run = runJobs({ redis: redis.url, jobs, record: s.record, log, sweepMs: 200 });
      await until(() => s.records.size >= 1, 60_000);
      await redis.stop();
      expect(s.records.size).toBeLessThan(jobs.length);
      await new Promise((r) => setTimeout(r, 1000));
      await redis.start();
      const { failed } = await run;
      expect(failed).toEqual([]);
      expect([...s.counts.keys()].sort()).toEqual([0, 1, 2, 3]);
      expect([...s.counts.values()].every((c) => c === 1)).toBe(true);
      const expected = await localScores(archs, ['epsilon']);
      expect(
        [0, 1, 2, 3].flatMap((i) => valuesOf(s.records.get(i)!.result as ProxyChunkResult).epsilon!),
      ).toEqual(expected.epsilon);
      expect(logs.join('\n')).toMatch(/lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+/);
      expect(logs.join('\n')).toMatch(/Redis at .* is back/);
      await until(() => /is back/.test(worker.stderr()), 10_000);
      expect(worker.stderr()).toMatch(/lost the connection to Redis/);

      // SIGTERM: the worker finishes what it has and exits 0.
      worker.proc.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(worker.stderr()).toMatch(/SIGTERM: finishing the jobs in progress[\s\S]*stopped/);
    });

    it('a second SIGTERM hands the job in progress back to the queue at once', async () => {
      const archs = cells(4, 4);
      const worker = await childWorker(redis.url);
      const s = sink();
      const run = runJobs({ redis: redis.url, jobs: [chunkJob(archs, ['epsilon'])], record: s.record, log });
      const queue = new Queue('naskit', { connection: { url: redis.url } });
      try {
        await until(async () => (await queue.getActiveCount()) > 0, 60_000);
        worker.proc.kill('SIGTERM');
        await until(() => /SIGTERM: finishing/.test(worker.stderr()), 10_000);
        worker.proc.kill('SIGTERM');
        expect(await worker.exited).toBe(0);
        expect(worker.stderr()).toMatch(/handed back to the queue/);
        expect(await queue.getWaitingCount()).toBe(1);
      } finally {
        await queue.close();
      }
      await inProcessWorker();
      await run;
      expect([...s.counts.values()]).toEqual([1]);
      await stopInProcess();
    });

    it('refuses to start on an unreachable Redis, a bad URL or wrong credentials, with a clear message', async () => {
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const closed = `redis://127.0.0.1:${redis.port + 1}`;
        expect(await main(['node', 'naskit', 'worker', '--redis', closed])).toBe(1);
        expect(String(stderr.mock.calls.at(-1)![0])).toMatch(
          /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/,
        );
        expect(await main(['node', 'naskit', 'worker', '--redis', 'http://127.0.0.1'])).toBe(2);
      } finally {
        stderr.mockRestore();
      }
      const locked = await startRedisServer({ password: 's3cret-pw' });
      try {
        const wrong = locked.url.replace('s3cret-pw', 'guess-pw');
        const err = await runJobs({ redis: wrong, jobs: [], record: () => undefined }).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(NaskitError);
        expect((err as NaskitError).code).toBe('invalid_argument');
        expect((err as Error).message).toMatch(/refused the credentials/);
        expect((err as Error).message).not.toContain('guess-pw');
        // With the password in the URL, jobs go through.
        const worker = await startWorker({ redis: locked.url, concurrency: 1, threads: 1, log });
        const s = sink();
        await runJobs({ redis: locked.url, jobs: [chunkJob(cells(1, 5), ['params'])], record: s.record });
        worker.stop();
        await worker.closed;
        expect(s.records.size).toBe(1);
      } finally {
        await locked.close();
      }
    });
  },
);
