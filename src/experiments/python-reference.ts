/**
 * Runs one of the PyTorch reference scripts in `scripts/` for a side-by-side benchmark figure and
 * returns its last stdout line parsed as JSON. Benchmarks only: CI never needs PyTorch.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function runPythonReference<T>(script: string, args: readonly string[]): T | { error: string } {
  const path = fileURLToPath(new URL(`../../scripts/${script}`, import.meta.url));
  if (!existsSync(path)) return { error: `missing ${path}` };
  // pyenv-style pythons often lack torch while the system one (Debian python3-torch) has it.
  const candidates = process.env.NASKIT_PYTHON
    ? [process.env.NASKIT_PYTHON]
    : ['python3', '/usr/bin/python3'];
  let res: SpawnSyncReturns<string> | null = null;
  for (const python of candidates) {
    res = spawnSync(python, [path, ...args], { encoding: 'utf8' });
    if (res.status === 0) break;
  }
  if (!res || res.status !== 0) {
    const why = (res?.stderr || res?.error?.message || 'unknown error').trim().split('\n').slice(-1)[0];
    return { error: `PyTorch comparison did not run (tried ${candidates.join(', ')}): ${why}` };
  }
  return JSON.parse(res.stdout.trim().split('\n').slice(-1)[0]!) as T;
}

/** Median wall time of `fn` in ms after `warmup` untimed calls. */
export async function medianMs(fn: () => Promise<unknown>, repeats: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
