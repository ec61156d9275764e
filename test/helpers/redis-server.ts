/**
 * A private `redis-server` for a test file: a child process on a free localhost port, without
 * persistence, in a temporary folder of its own. `stop()` then `start()` restarts it on the same port
 * (empty, as a server without persistence comes back). Tests that need it skip when Debian's
 * redis-server is not installed (`redisServerBinary()` is null).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function redisServerBinary(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
}

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:PORT (with the password when one was set). */
  url: string;
  start(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether openssl is there to make a TLS server's certificate. */
export function opensslBinary(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
}

/**
 * `tls`: the server speaks TLS only, with a self-signed certificate for 127.0.0.1 written to
 * `<dir>/ca.pem` (clients trust it through NODE_EXTRA_CA_CERTS); the URL is then rediss://.
 */
export async function startRedisServer(
  options: { password?: string; tls?: boolean } = {},
): Promise<RedisServer & { caFile?: string }> {
  const binary = redisServerBinary();
  if (binary === null) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'naskit-redis-'));
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--dir',
    dir,
    ...(options.password ? ['--requirepass', options.password] : []),
  ];
  let caFile: string | undefined;
  if (options.tls) {
    caFile = join(dir, 'ca.pem');
    const key = join(dir, 'key.pem');
    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', caFile, '-days', '2'].concat([
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]),
      { encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`openssl could not make a certificate:\n${made.stderr}`);
    // TLS only: the plain port is switched off.
    args[args.indexOf('--port')] = '--tls-port';
    args.push('--port', '0', '--tls-cert-file', caFile, '--tls-key-file', key, '--tls-auth-clients', 'no');
  }
  const scheme = options.tls ? 'rediss' : 'redis';
  const server: RedisServer & { caFile?: string } = {
    port,
    url: `${scheme}://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`,
    ...(caFile ? { caFile } : {}),
    async start() {
      const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
        const onData = (d: Buffer) => {
          output += d.toString();
          if (output.includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve();
          }
        };
        proc.stdout!.on('data', onData);
        proc.stderr!.on('data', onData);
        proc.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`redis-server exited with ${code}:\n${output}`));
        });
      });
      // Keep reading so a full pipe never blocks the server.
      proc.stdout!.resume();
      proc.stderr!.resume();
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
