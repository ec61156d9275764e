/**
 * `naskit run --redis` on a private localhost redis-server: the same answer as in process, a
 * coordinator killed mid-run and resumed, and a worker killed mid short-training. The run is tiny
 * (built-in MNIST, 6 sampled cells, 3 candidates on 128 images, 2 final epochs on 256 images) with a
 * large budget, so no deadline check shrinks anything and every session makes the same choices.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisServerBinary, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';
import { main } from '../cli/main.js';
import { decodeSafetensors } from '../runtime/checkpoint.js';
import { NaskitError } from '../util/errors.js';
import { parseRunConfig, type RunConfigInput } from '../experiments/run/config.js';
import { resumeRun, startRun, type RunIo } from '../experiments/run/runner.js';
import { parseLog, type StoreRecord } from '../experiments/run/store.js';
import type { RunSummary } from '../experiments/run/summary.js';
import { runJobs } from './coordinator.js';
import { JOB_HEADER, jobId } from './jobs.js';
import { queueRunRemote } from './run.js';
import { startWorker, type RunningWorker } from './worker.js';

const ROOT = resolve(import.meta.dirname, '../..');
const tempDir = tempDirs();
const binary = redisServerBinary();
const STALL_SECONDS = 2;

const config: RunConfigInput = {
  dataset: 'mnist',
  seed: 5,
  threads: 1,
  budget_minutes: 600,
  network: { channels: 4, cells: 1 },
  search: { samples: 6, top_k: 3 },
  short_train: { images: 128, val_images: 100, batch_size: 32, epochs: 1, lr: 0.05 },
  final: { epochs: 2, images: 256, batch_size: 32, lr: 0.05, baselines: false },
};

type Rec = StoreRecord & { [k: string]: unknown };

function records(dir: string): Rec[] {
  const path = join(dir, 'results.jsonl');
  if (!existsSync(path)) return [];
  try {
    return parseLog(readFileSync(path), path).records as Rec[];
  } catch {
    return []; // the header is not written yet
  }
}

/** What must agree between two runs of the same configuration: every result, times left out. */
function results(dir: string) {
  const recs = records(dir);
  const of = (type: string) => recs.filter((r) => r.type === type);
  return {
    scored: of('scored')
      .map((r) => [r.arch, r.index, r.scores])
      .sort((a, b) => Number(a[1]) - Number(b[1])),
    candidates: of('candidate')
      .map((r) => [r.arch, r.proxy_rank, r.val_accuracy, r.val_loss, r.params, r.curve])
      .sort((a, b) => Number(a[1]) - Number(b[1])),
    final: of('final_epoch').map((r) => [r.arch, r.completed, r.loss, r.accuracy, r.lr, r.curve]),
    test: of('final_eval').map((r) => [r.arch, r.test_accuracy, r.test_loss, r.test_images]),
  };
}

function weights(dir: string): Map<string, number[]> {
  const { tensors } = decodeSafetensors(readFileSync(join(dir, 'model.safetensors')), 'model');
  return new Map([...tensors].map(([name, t]) => [name, Array.from(t.data as Float32Array)]));
}

const quietIo = (remote?: RunIo['remote']): RunIo => ({
  progress: { start() {}, update() {}, stop() {}, log() {} },
  log: () => undefined,
  ...(remote ? { remote } : {}),
});

/** Job ids a worker log says it finished, e.g. 'run-short-1a2b… done in 1.2 s'. */
function finishedJobs(log: readonly string[]): string[] {
  return log.flatMap((line) => /^\S+ (\S+) done in/.exec(line)?.[1] ?? []);
}

interface Child {
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function child(script: string, args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', './test/helpers/ts-register.mjs', script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((done) => proc.on('close', (code) => done(code)));
  return { proc, stderr: () => text, exited };
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('naskit run --redis refuses what workers cannot run, before making a run directory', () => {
  it('a dataset of local files, and --remote-final without --redis', async () => {
    const out = join(tempDir('naskit-run-refused-'), 'run');
    const remote = queueRunRemote({ redis: 'redis://127.0.0.1:1' });
    const files = ['a.gz', 'b.gz'].map((f) => join(out, f)).join(',');
    const err = await startRun(
      parseRunConfig({ ...config, dataset: `idx:${files}` }, 'test'),
      out,
      quietIo(remote),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NaskitError);
    expect((err as NaskitError).code).toBe('invalid_argument');
    expect((err as Error).message).toMatch(/set of files on this machine.*use a named set/);
    expect(existsSync(out)).toBe(false);

    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'naskit', 'run', '--remote-final', '--out', out])).toBe(2);
      expect(String(stderr.mock.calls.at(-1)![0])).toMatch(/--remote-final .* give --redis URL too/);
    } finally {
      stderr.mockRestore();
    }
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(!binary)(
  'naskit run on workers through a local redis-server (needs redis-server: apt-get install redis-server)',
  () => {
    let redis: RedisServer;
    let work: string;
    let configPath: string;
    let local: { dir: string; summary: RunSummary };
    const children: Child[] = [];
    const workers: RunningWorker[] = [];

    beforeAll(async () => {
      redis = await startRedisServer();
      work = tempDir('naskit-run-remote-');
      configPath = join(work, 'tiny.json');
      writeFileSync(configPath, JSON.stringify(config));
    });
    afterAll(async () => {
      await stopWorkers();
      for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await redis?.close();
    });

    /**
     * A worker in this process (its job runs in a thread of its own), logging to `log`; the only one.
     * Its stall interval is long unless a test needs stalls detected: the coordinator shares this
     * process, and on a loaded machine its busy stretches could delay the lock renewal past a short
     * interval, so a job would be taken again and run twice (BullMQ delivers at least once).
     */
    const inProcessWorker = async (log: string[], stallSeconds = 30) => {
      await stopWorkers();
      const worker = await startWorker({
        redis: redis.url,
        concurrency: 1,
        threads: 1,
        stallSeconds,
        log: (m) => log.push(m),
      });
      workers.push(worker);
      return worker;
    };
    const stopWorkers = async () => {
      for (const w of workers) w.stop();
      await Promise.all(workers.splice(0).map((w) => w.closed));
    };
    /** Each test starts from an empty Redis, so no result of an earlier test is reused. */
    const flush = async () => {
      const client = new Redis(redis.url);
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    };

    it('picks the same cell and reaches the same final accuracy as in process, bit for bit', async () => {
      const dir = join(work, 'in-process');
      local = { dir, summary: await startRun(parseRunConfig(config, 'test'), dir, quietIo()) };

      const log: string[] = [];
      await inProcessWorker(log);
      const remoteDir = join(work, 'remote');
      const remote = queueRunRemote({ redis: redis.url, remoteFinal: true });
      const summary = await startRun(parseRunConfig(config, 'test'), remoteDir, quietIo(remote));
      await stopWorkers();

      expect(summary.arch).toBe(local.summary.arch);
      expect(summary.test_accuracy).toBe(local.summary.test_accuracy);
      expect(results(remoteDir)).toEqual(results(dir));
      // The model written from the worker's weights is the in-process model.
      expect(weights(remoteDir)).toEqual(weights(dir));
      expect(summary.onnx_max_abs_diff).toBeLessThan(1e-4);
      // Everything ran on the worker: proxy chunks, three short trainings, the final training.
      const kinds = finishedJobs(log).map((id) => id.replace(/-[0-9a-f]+$/, ''));
      expect(kinds.filter((k) => k === 'run-short')).toHaveLength(3);
      expect(kinds.filter((k) => k === 'run-final')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'proxy-chunk').length).toBeGreaterThan(0);
    });

    it('a coordinator killed mid-run and resumed: every result once, no finished job redone', async () => {
      await flush();
      const log: string[] = [];
      await inProcessWorker(log);
      const dir = join(work, 'killed-coordinator');
      const run = child('test/helpers/run-cli.ts', [
        'run',
        configPath,
        '--out',
        dir,
        '--redis',
        redis.url,
        '--quiet',
      ]);
      children.push(run);
      // Killed once the first candidate is in the store: the worker is then on the next one.
      await until(
        () => records(dir).some((r) => r.type === 'candidate') || run.proc.exitCode !== null,
        90_000,
        'the first candidate',
      );
      run.proc.kill('SIGKILL');
      await run.exited;
      const before = records(dir);
      expect(before.filter((r) => r.type === 'candidate').length).toBeLessThan(3);
      expect(before.some((r) => r.type === 'final_eval')).toBe(false);

      const summary = await resumeRun(dir, {}, quietIo(queueRunRemote({ redis: redis.url })));
      await stopWorkers();

      expect(summary.arch).toBe(local.summary.arch);
      expect(summary.test_accuracy).toBe(local.summary.test_accuracy);
      expect(results(dir)).toEqual(results(local.dir));
      // Each job ran once on the worker, across both coordinator sessions.
      const done = finishedJobs(log);
      expect(new Set(done).size).toBe(done.length);
      expect(done.filter((id) => id.startsWith('run-short-'))).toHaveLength(3);
      expect(done.some((id) => id.startsWith('run-final-'))).toBe(false);
    });

    it('jobs no longer wanted (a deadline lowered the candidates) are not waited for; a queued one is withdrawn', async () => {
      await flush();
      // One fast job, then two slower ones: the worker is busy with the second when the first comes back.
      const cells = [
        '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
        '|nor_conv_1x1~0|+|nor_conv_3x3~0|skip_connect~1|+|nor_conv_3x3~0|none~1|nor_conv_1x1~2|',
        '|avg_pool_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|',
      ];
      const chunk = (archs: string[], proxies: string[]) => ({
        ...JOB_HEADER,
        kind: 'proxy-chunk' as const,
        space: 'nb201',
        dataset: 'mnist',
        proxies,
        archs,
        seed: 0,
      });
      const jobs = [
        chunk(cells.slice(0, 1), ['params']),
        chunk(cells, ['epsilon']),
        chunk(cells, ['synflow']),
      ];
      const recorded: number[] = [];
      const log: string[] = [];
      await inProcessWorker(log);
      const outcome = await runJobs({
        redis: redis.url,
        jobs,
        record: ({ index }) => void recorded.push(index),
        wanted: (index) => index === 0,
      });
      expect(recorded).toEqual([0]);
      expect(outcome).toMatchObject({ completed: 1, failed: [], dropped: 2 });
      const queue = new Queue('naskit', { connection: { url: redis.url } });
      try {
        // The third was still queued: it is gone. The second, in progress, finishes on the worker.
        expect(await queue.getJobState(jobId(jobs[2]!))).toBe('unknown');
        expect(await queue.getJobState(jobId(jobs[1]!))).not.toBe('unknown');
      } finally {
        await queue.close();
      }
      await stopWorkers();
      expect(finishedJobs(log)).toHaveLength(2);
    });

    it('a worker killed with SIGKILL mid short training: another takes the job after the stall interval', async () => {
      await flush();
      await stopWorkers();
      const doomed = child('test/helpers/worker-cli.ts', [
        'worker',
        '--redis',
        redis.url,
        '--threads',
        '1',
        '--stall-seconds',
        String(STALL_SECONDS),
      ]);
      children.push(doomed);
      await until(() => doomed.stderr().includes('taking jobs'), 60_000, 'the child worker');
      const dir = join(work, 'killed-worker');
      const running = startRun(
        parseRunConfig(config, 'test'),
        dir,
        quietIo(queueRunRemote({ redis: redis.url })),
      );
      running.catch(() => undefined);
      const queue = new Queue('naskit', { connection: { url: redis.url } });
      let taken: string | undefined;
      try {
        await until(
          async () => {
            const active = await queue.getActive();
            taken = active.find((j) => j.name === 'run-short')?.id;
            return taken !== undefined || doomed.proc.exitCode !== null;
          },
          90_000,
          'a short training on the child worker',
        );
      } finally {
        await queue.close();
      }
      expect(taken).toBeDefined();
      doomed.proc.kill('SIGKILL');
      await doomed.exited;

      const log: string[] = [];
      await inProcessWorker(log, STALL_SECONDS);
      const summary = await running;
      await stopWorkers();

      expect(summary.arch).toBe(local.summary.arch);
      expect(summary.test_accuracy).toBe(local.summary.test_accuracy);
      expect(results(dir)).toEqual(results(local.dir));
      // The job the dead worker held was finished by the other one.
      expect(finishedJobs(log)).toContain(taken!.slice(0, 24));
    });
  },
);
