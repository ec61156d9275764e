/**
 * `naskit worker` in a child process (through worker-cli.ts, one ORT thread), for tests that kill a
 * worker for real. Resolves once the worker says it takes jobs; `stderr()` is everything it wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ChildWorker {
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

export async function startChildWorker(
  url: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildWorker> {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      './test/helpers/ts-register.mjs',
      'test/helpers/worker-cli.ts',
      'worker',
      '--redis',
      url,
      '--threads',
      '1',
      ...args,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env },
  );
  let text = '';
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((done) => proc.on('close', (code) => done(code)));
  const end = Date.now() + 60_000;
  while (!text.includes('taking jobs') && proc.exitCode === null && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!text.includes('taking jobs')) {
    proc.kill('SIGKILL');
    await exited;
    throw new Error(`worker did not start:\n${text}`);
  }
  return { proc, stderr: () => text, exited };
}
