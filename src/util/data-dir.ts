/**
 * Where benchmark tables and image sets live: `--data-dir DIR`, else `$NASKIT_DATA`, laid out like the
 * project's shared data folder (nb201/, nb101/, tnb101/, zc/, images/).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NaskitError } from './errors.js';

export function resolveDataDir(flag?: string): string {
  const dir = flag ?? process.env.NASKIT_DATA;
  if (!dir) {
    throw new NaskitError(
      'data_missing',
      'no data directory: pass --data-dir DIR or set NASKIT_DATA to a folder laid out like shared/data ' +
        '(nb201/, nb101/, tnb101/, zc/, images/)',
    );
  }
  const abs = resolve(dir);
  if (!existsSync(abs)) {
    throw new NaskitError(
      'data_missing',
      `data directory ${abs} does not exist (from ${flag ? '--data-dir' : 'NASKIT_DATA'})`,
    );
  }
  return abs;
}

/** Path of a file inside the data directory, with an error that says which file and where it was looked for. */
export function dataFile(dataDir: string, relative: string, purpose: string): string {
  const path = join(dataDir, relative);
  if (!existsSync(path)) {
    throw new NaskitError(
      'data_missing',
      `${purpose} needs ${relative}, looked for it at ${path}; point --data-dir (or NASKIT_DATA) at a folder that has it`,
    );
  }
  return path;
}

/** The shared data folder next to a checkout, used by tests when NASKIT_DATA is unset. */
export function testDataDir(): string | null {
  const candidates = [process.env.NASKIT_DATA, resolve(process.cwd(), '../shared/data')];
  for (const c of candidates) if (c && existsSync(join(c, 'README.md'))) return resolve(c);
  return null;
}
