/**
 * A reader for tar archives held in memory (POSIX ustar, GNU and pax): enough to take files out of a
 * dataset's official archive without a dependency. Each entry is a 512-byte header (name, octal size,
 * checksum, type) followed by its data padded to 512 bytes; the archive ends with zero blocks. GNU
 * long names ('L') and pax headers ('x': path, size) change the entry that follows; global pax
 * headers ('g') and GNU long link names ('K') are skipped.
 */
import { NaskitError } from '../util/errors.js';

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive, without a trailing slash. */
  name: string;
  /** 'file' for regular files; links, devices and the like are 'other'. */
  type: 'file' | 'dir' | 'other';
  /** The entry's bytes (a view into the archive, not a copy). */
  data: Uint8Array;
}

const text = new TextDecoder();

function field(header: Uint8Array, from: number, length: number): string {
  const bytes = header.subarray(from, from + length);
  const end = bytes.indexOf(0);
  return text.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** A numeric header field: octal digits, or GNU's base-256 form (high bit of the first byte set). */
function number(header: Uint8Array, from: number, length: number): number | null {
  if (header[from]! & 0x80) {
    let value = header[from]! & 0x7f;
    for (let i = from + 1; i < from + length; i++) value = value * 256 + header[i]!;
    return value;
  }
  const digits = field(header, from, length).trim();
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : digits === '' ? 0 : null;
}

/** Tar writers disagree on signed or unsigned bytes in the checksum; either sum is accepted. */
function checksumMatches(header: Uint8Array): boolean {
  const stored = number(header, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b >= 128 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** The key=value records of a pax header; each record is "<length> <key>=<value>\n". */
function paxRecords(data: Uint8Array, where: string): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = space < 0 ? NaN : Number(text.decode(data.subarray(at, space)));
    if (!Number.isInteger(length) || length <= space - at || at + length > data.length) {
      throw new NaskitError('data_corrupt', `${where}: malformed pax header record at byte ${at}`);
    }
    const record = text.decode(data.subarray(space + 1, at + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

/** The entries of a tar archive, in order; `source` names the archive in errors. */
export function readTar(archive: Uint8Array, source: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  let pax = new Map<string, string>();
  let at = 0;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return entries; // end of archive
    const where = `${source}: tar header at byte ${at}`;
    if (!checksumMatches(header)) {
      throw new NaskitError(
        'data_corrupt',
        at === 0
          ? `${source} is not a tar archive (no valid tar header at its start)`
          : `${where} has a bad checksum: the archive is damaged`,
      );
    }
    const paxSize = pax.get('size');
    const size = paxSize !== undefined ? Number(paxSize) : number(header, 124, 12);
    if (size === null || !Number.isSafeInteger(size) || size < 0) {
      throw new NaskitError('data_corrupt', `${where} has an unreadable size field`);
    }
    const start = at + BLOCK;
    if (start + size > archive.length) {
      throw new NaskitError(
        'data_corrupt',
        `${where}: the entry needs ${size} bytes but the archive ends after ${archive.length - start}; it is truncated`,
      );
    }
    const data = archive.subarray(start, start + size);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    const flag = String.fromCharCode(header[156]!);
    if (flag === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (flag === 'x') {
      pax = paxRecords(data, where);
      continue;
    }
    if (flag === 'g' || flag === 'K') continue;
    // Only POSIX ustar has a name prefix; GNU tar keeps other fields at that offset.
    const posix = field(header, 257, 6) === 'ustar' && header[262] === 0;
    const prefix = posix ? field(header, 345, 155) : '';
    const name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/` : '') + field(header, 0, 100);
    const type = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'dir' : 'other';
    entries.push({ name: name.replace(/\/+$/, ''), type, data });
    longName = undefined;
    pax = new Map();
  }
  // GNU and BSD tar end with zero blocks; an archive that simply stops after a whole entry is accepted.
  if (at < archive.length) {
    throw new NaskitError(
      'data_corrupt',
      at === 0
        ? `${source} is not a tar archive (shorter than one tar header)`
        : `${source}: the archive ends inside a tar header at byte ${at}; it is truncated`,
    );
  }
  return entries;
}
