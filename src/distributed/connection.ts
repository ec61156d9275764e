/**
 * The Redis behind the job queue. A URL is passed to ioredis as the user gave it
 * (`redis://[:password@]host[:port][/db]`, `rediss://` for TLS); naskit only checks its scheme and keeps
 * the password out of every message. A process first checks that Redis answers, so an unreachable or
 * misconfigured server is a clear error at start, then keeps one small connection that reports when
 * Redis goes away and when it is back (BullMQ's own connections reconnect by themselves).
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { NaskitError } from '../util/errors.js';

/** The queue every naskit worker and coordinator uses unless told otherwise. */
export const DEFAULT_QUEUE = 'naskit';

/** How long the check at start waits for Redis to answer. */
const CONNECT_TIMEOUT_MS = 5000;

/** The URL with its password replaced, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}

/** Checks the scheme and host of a --redis URL. */
export function checkRedisUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NaskitError(
      'invalid_argument',
      `--redis must be a URL like redis://host:6379 or rediss://:password@host:6380, got '${redactUrl(url)}'`,
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new NaskitError(
      'invalid_argument',
      `--redis must start with redis:// (or rediss:// for TLS), got '${redactUrl(url)}'`,
    );
  }
  if (!u.hostname) {
    throw new NaskitError('invalid_argument', `--redis names no host: '${redactUrl(url)}'`);
  }
}

/** Connection settings for BullMQ's queues and workers: commands wait through an outage instead of failing. */
export function bullConnection(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null };
}

export interface RedisWatch {
  close(): Promise<void>;
}

/**
 * Checks that Redis answers (else throws: unreachable is a runtime failure, refused credentials a bad
 * argument), then reports through `report` each time the connection is lost and when it is back.
 */
export async function watchRedis(url: string, report: (message: string) => void): Promise<RedisWatch> {
  checkRedisUrl(url);
  const shown = redactUrl(url);
  let started = false;
  let up = true;
  let closing = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    // The first connection must succeed at once; later ones are retried for as long as it takes.
    retryStrategy: (times) => (started ? Math.min(times * 200, 2000) : null),
  });
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => (lastError = err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw startError(shown, (lastError ?? err) as Error);
  }
  started = true;
  redis.on('close', () => {
    if (up && !closing) {
      up = false;
      report(
        `lost the connection to Redis at ${shown}${lastError ? ` (${lastError.message})` : ''}; retrying`,
      );
    }
  });
  redis.on('ready', () => {
    if (!up) {
      up = true;
      report(`Redis at ${shown} is back`);
    }
  });
  return {
    async close() {
      closing = true;
      redis.disconnect();
    },
  };
}

function startError(shown: string, err: Error): NaskitError {
  const text = err.message ?? String(err);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(text)) {
    return new NaskitError(
      'invalid_argument',
      `Redis at ${shown} refused the credentials (${text}): give them in the URL, redis://[user]:password@host:port`,
      { cause: err },
    );
  }
  if (/certificate|self[- ]signed|unable to verify|CERT_/i.test(text)) {
    return new NaskitError(
      'runtime_failure',
      `Redis at ${shown} presented a TLS certificate this machine does not trust (${text}): ` +
        "start naskit with NODE_EXTRA_CA_CERTS=<the server's CA file, PEM>, or give the server a certificate from a trusted CA",
      { cause: err },
    );
  }
  return new NaskitError(
    'runtime_failure',
    `cannot reach Redis at ${shown} (${text}): start redis-server there, or fix --redis (rediss:// for a TLS server)`,
    { cause: err },
  );
}
