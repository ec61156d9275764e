/**
 * Data references in jobs: a relative path that names a file inside the data folder of whoever reads it
 * (the coordinator for its own summary, each worker for its jobs), plus the SHA-256 of the
 * coordinator's copy so a worker holding a different file refuses the job instead of answering from it.
 * A reference can never leave the folder: absolute paths, `..`, and symbolic links that point outside are
 * refused.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { NaskitError } from '../util/errors.js';
import type { DataRef } from './jobs.js';

/** The real path of `ref` inside `dataDir`; `what` names the reference in messages. */
export function resolveDataRef(dataDir: string, ref: string, what: string): string {
  const parts = ref.split('/');
  if (
    isAbsolute(ref) ||
    ref.includes('\\') ||
    /^[A-Za-z]:/.test(ref) ||
    parts.some((p) => p === '' || p === '.' || p === '..')
  ) {
    throw new NaskitError(
      'invalid_argument',
      `${what} '${ref}' must be a relative path inside the data folder (no leading /, no . or .. parts)`,
    );
  }
  const root = realpathSync(dataDir);
  const path = join(root, ...parts);
  if (!existsSync(path)) {
    throw new NaskitError(
      'data_missing',
      `${what} '${ref}' is not in the data folder ${root} (looked for ${path})`,
    );
  }
  const real = realpathSync(path);
  if (!real.startsWith(root + sep)) {
    throw new NaskitError(
      'invalid_argument',
      `${what} '${ref}' leads outside the data folder ${root} (through a symbolic link to ${real})`,
    );
  }
  if (!statSync(real).isFile()) {
    throw new NaskitError('data_missing', `${what} '${ref}' in ${root} is not a file`);
  }
  return real;
}

export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The reference to a file inside `dataDir`, with its digest, for a job. */
export function dataRefOf(dataDir: string, ref: string, what: string): { ref: DataRef; path: string } {
  const path = resolveDataRef(dataDir, ref, what);
  return { ref: { path: ref, sha256: fileSha256(path) }, path };
}

/** The worker's copy of a referenced file, checked against the coordinator's digest. */
export function openDataRef(dataDir: string, ref: DataRef, what: string): string {
  const path = resolveDataRef(dataDir, ref.path, what);
  const sha = fileSha256(path);
  if (sha !== ref.sha256) {
    throw new NaskitError(
      'data_corrupt',
      `${what} '${ref.path}' in this worker's data folder differs from the coordinator's ` +
        `(sha256 ${sha.slice(0, 12)}…, expected ${ref.sha256.slice(0, 12)}…): copy the same file to every worker`,
    );
  }
  return path;
}
