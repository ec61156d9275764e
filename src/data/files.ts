/** Reading dataset files: gzip is detected from the magic bytes, not the name. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { NaskitError } from '../util/errors.js';

/** File contents (gunzipped if gzip), as a plain Uint8Array view (not a Buffer, whose slice() shares memory). */
export function readMaybeGzip(path: string): Uint8Array {
  const bytes = readBytes(path);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readBytes(path: string): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw new NaskitError('data_missing', `cannot read dataset file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (err) {
      throw new NaskitError(
        'data_corrupt',
        `${path}: gzip data is damaged or truncated (${(err as Error).message}); download the file again`,
        { cause: err },
      );
    }
  }
  return raw;
}
