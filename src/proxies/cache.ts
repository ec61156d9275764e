/**
 * A resumable score cache: an append-only JSONL file. The first line records what the scores depend on
 * (space, dataset, seed); every further line is one score:
 *   {"proxy":"epsilon","key":"|nor_conv_3x3~0|+…","value":0.69,"seconds":0.03}
 *   {"proxy":"epsilon","key":"…","value":null,"failure":"epsilon is NaN: …","seconds":0.03}
 * Lines are written in batches and fsync'd, so an interrupted run loses at most the last batch; a torn
 * last line is ignored when the file is read back, and the run continues where it stopped.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { NaskitError } from '../util/errors.js';
import type { ProxyValue } from './proxy.js';

export interface CacheIdentity {
  space: string;
  dataset: string;
  seed: number;
}

interface Header extends CacheIdentity {
  naskit_proxy_cache: 1;
}

const FLUSH_LINES = 64;
const FLUSH_MS = 2000;

export class ScoreCache {
  private readonly values = new Map<string, ProxyValue>();
  private pending: string[] = [];
  private lastFlush = Date.now();
  private fd: number | null = null;

  private constructor(
    readonly path: string,
    readonly identity: CacheIdentity,
  ) {}

  /** Open (creating if needed) the cache at `path`; its header must match `identity`. */
  static open(path: string, identity: CacheIdentity): ScoreCache {
    const cache = new ScoreCache(path, identity);
    const fresh = !existsSync(path) || readFileSync(path).length === 0;
    if (!fresh) cache.load();
    cache.fd = openSync(path, 'a');
    if (fresh) {
      const header: Header = { naskit_proxy_cache: 1, ...identity };
      writeSync(cache.fd, `${JSON.stringify(header)}\n`);
      fsyncSync(cache.fd);
    }
    return cache;
  }

  private load(): void {
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    // The last element is '' after a final newline, or a line cut off mid-write: drop it either way.
    const complete = lines.slice(0, -1);
    const header = parseLine(complete[0] ?? '', this.path, 1) as Partial<Header>;
    if (header.naskit_proxy_cache !== 1) {
      throw new NaskitError(
        'data_corrupt',
        `${this.path}:1 is not a naskit proxy cache header; pass a new --cache file or delete this one`,
      );
    }
    for (const field of ['space', 'dataset', 'seed'] as const) {
      if (header[field] !== this.identity[field]) {
        throw new NaskitError(
          'store_conflict',
          `${this.path} holds scores for ${field} ${JSON.stringify(header[field])}, this run uses ` +
            `${JSON.stringify(this.identity[field])}; use another --cache file`,
        );
      }
    }
    complete.slice(1).forEach((line, i) => {
      if (line.trim() === '') return;
      const row = parseLine(line, this.path, i + 2) as {
        proxy?: unknown;
        key?: unknown;
        value?: unknown;
        failure?: unknown;
        seconds?: unknown;
      };
      if (typeof row.proxy !== 'string' || typeof row.key !== 'string' || typeof row.seconds !== 'number') {
        throw new NaskitError('data_corrupt', `${this.path}:${i + 2}: expected {proxy, key, value, seconds}`);
      }
      const value: ProxyValue =
        typeof row.value === 'number'
          ? { value: row.value, seconds: row.seconds }
          : {
              value: null,
              failure: typeof row.failure === 'string' ? row.failure : 'failed',
              seconds: row.seconds,
            };
      this.values.set(cacheKey(row.proxy, row.key), value);
    });
    if (!text.endsWith('\n')) {
      // Cut the torn line off so new lines do not get glued to it.
      const bytes = readFileSync(this.path);
      truncateSync(this.path, bytes.lastIndexOf(0x0a) + 1);
    }
  }

  get size(): number {
    return this.values.size;
  }

  get(proxy: string, key: string): ProxyValue | undefined {
    return this.values.get(cacheKey(proxy, key));
  }

  put(proxy: string, key: string, value: ProxyValue): void {
    this.values.set(cacheKey(proxy, key), value);
    const row =
      value.value === null
        ? { proxy, key, value: null, failure: value.failure, seconds: value.seconds }
        : { proxy, key, value: value.value, seconds: value.seconds };
    this.pending.push(JSON.stringify(row));
    if (this.pending.length >= FLUSH_LINES || Date.now() - this.lastFlush >= FLUSH_MS) this.flush();
  }

  flush(): void {
    if (this.fd === null || this.pending.length === 0) return;
    writeSync(this.fd, `${this.pending.join('\n')}\n`);
    fsyncSync(this.fd);
    this.pending = [];
    this.lastFlush = Date.now();
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function cacheKey(proxy: string, key: string): string {
  return `${proxy}\u0000${key}`;
}

function parseLine(line: string, path: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new NaskitError('data_corrupt', `${path}:${lineNo} is not valid JSON; the cache file is damaged`);
  }
}
