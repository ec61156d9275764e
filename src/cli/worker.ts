/**
 * `naskit worker --redis URL`: take jobs (search seeds, supernet search seeds, proxy chunks, a run's short and final trainings)
 * from a Redis queue and run them until stopped. The first SIGINT/SIGTERM stops taking jobs and lets the
 * ones in progress finish; a second hands them back to the queue at once; a third ends the process the
 * default way.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startWorker } from '../distributed/worker.js';
import { resolveDataDir } from '../util/data-dir.js';
import { parsePositiveInt, parsePositiveNumber } from './parse.js';

interface WorkerFlags {
  redis: string;
  concurrency: number;
  threads?: number;
  dataDir?: string;
  workDir?: string;
  stallSeconds: number;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description(
      "take naskit jobs (search seeds, supernet search seeds, proxy chunks, a run's short and final trainings) from a Redis queue and run them until stopped",
    )
    .requiredOption('--redis <url>', 'redis://[:password@]host:port[/db], or rediss:// for TLS')
    .option('--concurrency <n>', 'jobs run at once', parsePositiveInt, 1)
    .option(
      '--threads <n>',
      `ONNX Runtime threads per program (default: the ${availableParallelism()} cores divided by --concurrency)`,
      parsePositiveInt,
    )
    .option(
      '--data-dir <dir>',
      'the only folder jobs read data from (default $NASKIT_DATA, else the tables shipped with naskit)',
    )
    .option(
      '--work-dir <dir>',
      'keep the checkpoints of long jobs (supernet search seeds) here, so one retried on this machine resumes (default: a temporary folder per attempt)',
    )
    .option(
      '--stall-seconds <s>',
      'a job whose worker stops answering for this long goes to another worker (set the same on every worker)',
      parsePositiveNumber,
      30,
    )
    .action(async (flags: WorkerFlags) => {
      await workerCommand(flags);
    });
}

export async function workerCommand(flags: WorkerFlags): Promise<void> {
  const log = (m: string) => process.stderr.write(`naskit worker: ${m}\n`);
  // A named data folder must exist before the first job needs it.
  if (flags.dataDir !== undefined) resolveDataDir(flags.dataDir);
  const worker = await startWorker({
    redis: flags.redis,
    concurrency: flags.concurrency,
    threads: flags.threads ?? Math.max(1, Math.floor(availableParallelism() / flags.concurrency)),
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    ...(flags.workDir !== undefined ? { workDir: resolve(flags.workDir) } : {}),
    logProgress: true,
    stallSeconds: flags.stallSeconds,
    log,
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      log(`${signal}: finishing the jobs in progress (send it again to hand them back to the queue now)`);
      worker.stop();
    } else {
      log(`${signal}: handing the jobs in progress back to the queue`);
      // A third signal is not caught: it ends the process even if Redis is away.
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      worker.release();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await worker.closed;
    log('stopped');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
