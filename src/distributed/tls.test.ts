/**
 * Redis over TLS with a password (`rediss://:password@host:port`): a private redis-server that speaks
 * TLS only, with a self-signed certificate that the worker and the command trust through
 * NODE_EXTRA_CA_CERTS (read by Node at start, so both run as child processes). Without that trust the
 * command refuses with what to do.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startChildWorker } from '../../test/helpers/child-worker.js';
import { opensslBinary, redisServerBinary, startRedisServer } from '../../test/helpers/redis-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ready = redisServerBinary() !== null && opensslBinary() !== null;

/** `naskit ARGS` in a child process with this environment. */
function naskit(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(
    process.execPath,
    ['--import', './test/helpers/ts-register.mjs', 'test/helpers/worker-cli.ts', ...args],
    { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 },
  );
}

describe.skipIf(!ready)('Redis over TLS with a password (needs redis-server and openssl)', () => {
  it('a search goes through rediss:// with the same JSON as in process; an untrusted certificate is refused', async () => {
    const server = await startRedisServer({ password: 'tls-pw', tls: true });
    const trusted = { ...process.env, NODE_EXTRA_CA_CERTS: server.caFile! };
    const worker = await startChildWorker(server.url, [], trusted);
    try {
      expect(server.url).toMatch(/^rediss:\/\/:tls-pw@127\.0\.0\.1:\d+$/);
      const search = ['search', '--space', 'nb201', '--dataset', 'cifar10', '--strategy', 're'];
      const flags = [...search, '--budget', '30', '--seeds', '2', '--json'];
      const local = naskit(flags, process.env);
      expect(local.status, local.stderr).toBe(0);
      const remote = naskit([...flags, '--redis', server.url], trusted);
      expect(remote.status, remote.stderr).toBe(0);
      expect(remote.stdout).toBe(local.stdout);
      // The worker's stderr is read by this process's event loop, which spawnSync held up.
      const end = Date.now() + 10_000;
      while (!/search-seed \S+ done in/.test(worker.stderr()) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(worker.stderr()).toMatch(/search-seed \S+ done in/);
      expect(worker.stderr()).not.toContain('tls-pw');

      const { NODE_EXTRA_CA_CERTS: _ca, ...untrusted } = trusted;
      const refused = naskit([...flags, '--seed', '5', '--redis', server.url], untrusted);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/TLS certificate this machine does not trust.*NODE_EXTRA_CA_CERTS/);
      expect(refused.stderr).not.toContain('tls-pw');
    } finally {
      worker.proc.kill('SIGTERM');
      await worker.exited;
      await server.close();
    }
  }, 180_000);
});
