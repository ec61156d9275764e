/**
 * The results store of a run: an append-only JSON-lines log, one record per line, each line
 * `{"sum":"<sha256 of the record text, 16 hex>","rec":<record JSON>}`, the first record a header
 * (magic, format version, run id, config hash).
 *
 * Why this format: it needs no native dependency (SQLite or LMDB bindings would have to compile or
 * download at install time); every record is written with one write() and fsync'd before the run goes
 * on, so after a crash the log holds every finished piece of work. A process killed mid-write
 * (SIGKILL, power loss) can only leave a torn *last* line — no newline, or a checksum that does not
 * match — which is detected, reported and cut off. A bad line anywhere else cannot come from a crash:
 * it means the file was edited or damaged, and the store refuses to open rather than guess.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { NaskitError } from '../../util/errors.js';

export const STORE_MAGIC = 'naskit-results';
export const STORE_VERSION = 1;
export const STORE_FILE = 'results.jsonl';

export interface StoreHeader {
  type: 'header';
  magic: typeof STORE_MAGIC;
  version: number;
  run_id: string;
  config_hash: string;
  created: string;
}

/** Any record but the header: a `type` tag plus JSON fields. */
export interface StoreRecord {
  readonly type: string;
}

const LINE = /^\{"sum":"([0-9a-f]{16})","rec":(.*)\}$/;

export function recordChecksum(recordJson: string): string {
  return createHash('sha256').update(recordJson).digest('hex').slice(0, 16);
}

export function encodeLine(record: object): string {
  const json = JSON.stringify(record);
  return `{"sum":"${recordChecksum(json)}","rec":${json}}\n`;
}

export interface OpenedLog {
  header: StoreHeader;
  records: StoreRecord[];
  /** Bytes of a torn last line that were cut off (0 when the log was clean). */
  droppedBytes: number;
}

/** Parse log bytes. Only newline-terminated lines count; a damaged last line is dropped, any other is an error. */
export function parseLog(bytes: Buffer, path: string): OpenedLog & { validLength: number } {
  const records: object[] = [];
  let at = 0;
  let lineNo = 0;
  while (at < bytes.length) {
    const nl = bytes.indexOf(0x0a, at);
    lineNo++;
    const isLast = nl < 0 || nl === bytes.length - 1;
    const text = bytes.subarray(at, nl < 0 ? bytes.length : nl).toString('utf8');
    const record = nl < 0 ? null : decodeLine(text);
    if (record === null) {
      if (isLast) break; // torn by a crash mid-append: drop it
      throw new NaskitError(
        'data_corrupt',
        `${path}: line ${lineNo} is damaged (bad JSON or checksum mismatch) and is not the last line, so it was not torn by a crash; ` +
          'the results store was edited or corrupted. Restore it from a backup or start a new run (a different --out).',
      );
    }
    records.push(record);
    at = nl + 1;
  }
  const header = records[0] as Partial<StoreHeader> | undefined;
  if (!header) {
    throw new NaskitError(
      'data_corrupt',
      `${path} holds no complete header record; it is not a naskit results store (or was cut off while being created): start a new run`,
    );
  }
  if (header.type !== 'header' || header.magic !== STORE_MAGIC) {
    throw new NaskitError(
      'data_corrupt',
      `${path} is not a naskit results store: its first record has magic ${JSON.stringify(header.magic)} (type ${JSON.stringify(header.type)}), expected '${STORE_MAGIC}'`,
    );
  }
  if (header.version !== STORE_VERSION) {
    throw new NaskitError(
      'data_corrupt',
      `${path} is format version ${header.version}; this naskit reads version ${STORE_VERSION}. Use the naskit version that wrote it.`,
    );
  }
  return {
    header: header as StoreHeader,
    records: records.slice(1) as StoreRecord[],
    droppedBytes: bytes.length - at,
    validLength: at,
  };
}

function decodeLine(text: string): object | null {
  const m = LINE.exec(text);
  if (!m || recordChecksum(m[2]!) !== m[1]) return null;
  try {
    const rec = JSON.parse(m[2]!) as unknown;
    return rec !== null && typeof rec === 'object' && !Array.isArray(rec) ? rec : null;
  } catch {
    return null;
  }
}

/** An open store: the records read at open time, and an append() that is durable when it returns. */
export class ResultsStore {
  private fd: number | null;

  private constructor(
    readonly path: string,
    readonly header: StoreHeader,
    readonly records: StoreRecord[],
    fd: number,
    readonly droppedBytes: number,
  ) {
    this.fd = fd;
  }

  /** Create a new store; fails if the file already exists. */
  static create(path: string, header: Omit<StoreHeader, 'type' | 'magic' | 'version'>): ResultsStore {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      throw new NaskitError(
        'store_conflict',
        `cannot create results store ${path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const full: StoreHeader = { type: 'header', magic: STORE_MAGIC, version: STORE_VERSION, ...header };
    const store = new ResultsStore(path, full, [], fd, 0);
    store.write(full);
    return store;
  }

  /** Open an existing store, check it belongs to this run's config, and cut off a torn last line. */
  static open(path: string, expectConfigHash: string): ResultsStore {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new NaskitError('not_found', `results store ${path} cannot be read: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const log = parseLog(bytes, path);
    if (log.header.config_hash !== expectConfigHash) {
      throw new NaskitError(
        'data_corrupt',
        `${path} was written for config ${log.header.config_hash.slice(0, 12)}… but the run directory's config.json hashes to ` +
          `${expectConfigHash.slice(0, 12)}…; the store belongs to another run or config.json was edited. Start a new run instead.`,
      );
    }
    const fd = openSync(path, 'r+');
    if (log.droppedBytes > 0) {
      ftruncateSync(fd, log.validLength);
      fsyncSync(fd);
    }
    return new ResultsStore(path, log.header, log.records, fd, log.droppedBytes);
  }

  append<T extends StoreRecord>(record: T): void {
    if (record.type === 'header')
      throw new NaskitError('invalid_argument', 'results store: only the first record may be a header');
    this.write(record);
    this.records.push(record);
  }

  of<T extends StoreRecord>(type: T['type']): T[] {
    return this.records.filter((r) => r.type === type) as unknown as T[];
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private write(record: object): void {
    if (this.fd === null) throw new NaskitError('invalid_argument', `results store ${this.path} is closed`);
    const bytes = Buffer.from(encodeLine(record), 'utf8');
    // Append at the current end (the fd is not O_APPEND when reopened after a truncation).
    let at = fstatSync(this.fd).size;
    let written = 0;
    while (written < bytes.length) {
      const n = writeSync(this.fd, bytes, written, bytes.length - written, at);
      written += n;
      at += n;
    }
    fsyncSync(this.fd);
  }
}
