import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from './lock.js';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

function lockPath(): string {
  return join(tempDir('naskit-lock-'), 'run.lock');
}

describe('run lock', () => {
  it('holds the pid, refuses a second holder and is free again after release', () => {
    const path = lockPath();
    const lock = acquireLock(path, () => {});
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => acquireLock(path, () => {})).toThrow(new RegExp(`in use by process ${process.pid}`));
    lock.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path, () => {}).release();
  });

  it('refuses a lock held by another live process', async () => {
    const path = lockPath();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(path, JSON.stringify({ pid: child.pid, host: hostname(), started: 'now' }));
      expect(() => acquireLock(path, () => {})).toThrow(
        new RegExp(`in use by process ${child.pid}.*delete the lock file`),
      );
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a stale lock from a dead process, with a message', () => {
    const path = lockPath();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    writeFileSync(path, JSON.stringify({ pid: dead, host: hostname(), started: 'earlier' }));
    const messages: string[] = [];
    const lock = acquireLock(path, (m) => messages.push(m));
    expect(messages.join('\n')).toMatch(
      new RegExp(`taking over the stale lock .* process ${dead} \\(no longer running\\)`),
    );
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a half-written lock file', () => {
    const path = lockPath();
    writeFileSync(path, '{"pid":');
    const messages: string[] = [];
    acquireLock(path, (m) => messages.push(m)).release();
    expect(messages.join('\n')).toMatch(/unreadable lock/);
  });
});
