/**
 * One writer per run directory: an exclusive lock file (created with O_EXCL) holding the owner's pid
 * and host. A second process finds it and stops with a clear message instead of interleaving records.
 * A lock left by a process that no longer exists (killed, crashed) is taken over, with a message.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { NaskitError } from '../../util/errors.js';

export const LOCK_FILE = 'run.lock';

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

export interface RunLock {
  readonly path: string;
  release(): void;
}

/**
 * Take the lock at `path`, or throw store_conflict naming the process that holds it (`inUse` words
 * the refusal; by default for a run directory).
 */
export function acquireLock(
  path: string,
  log: (message: string) => void,
  inUse: (holder: LockInfo) => string = (holder) =>
    `the run directory is in use by process ${holder.pid} on ${holder.host} (since ${holder.started}; lock file ${path}). ` +
    'Wait for it to finish, or if that process is gone for good, delete the lock file.',
): RunLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
      writeSync(fd, `${JSON.stringify(info)}\n`);
      closeSync(fd);
      let held = true;
      return {
        path,
        release() {
          if (held) rmSync(path, { force: true });
          held = false;
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new NaskitError(
          'store_conflict',
          `cannot create lock file ${path}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    const text = readText(path);
    const holder = parseLock(text);
    if (holder && (holder.host !== hostname() || processAlive(holder.pid))) {
      throw new NaskitError('store_conflict', inUse(holder));
    }
    log(
      holder
        ? `taking over the stale lock ${path} left by process ${holder.pid} (no longer running)`
        : `taking over the unreadable lock ${path} (left by a process that died while writing it)`,
    );
    // Move the stale lock aside (atomic) and check that what moved is the lock judged stale: another
    // process may have replaced it in between, and its fresh lock must not be deleted.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // someone else moved it first; try to create ours
    }
    if (readText(aside) !== text) {
      renameSync(aside, path);
      break;
    }
    rmSync(aside, { force: true });
  }
  throw new NaskitError(
    'store_conflict',
    `another process took the lock ${path} while a stale lock was being replaced; try again`,
  );
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function parseLock(text: string | null): LockInfo | null {
  if (text === null) return null;
  try {
    const info = JSON.parse(text) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.host === 'string') {
      return { pid: info.pid, host: info.host, started: String(info.started ?? 'unknown') };
    }
  } catch {
    // Missing or half-written: treated as stale.
  }
  return null;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
