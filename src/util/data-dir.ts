/**
 * Where benchmark tables and image sets live: `--data-dir DIR`, else `$NASKIT_DATA`, laid out like the
 * project's shared data folder (nb201/, nb101/, tnb101/, zc/, images/), else the tables shipped in the
 * package's own `data/` folder (no images: CIFAR-10 then needs one of the first two). A table missing
 * from a given folder falls back to the shipped copy (see dataFile).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NaskitError } from './errors.js';

/** The package's `data/` folder (benchmark tables with their sources; see data/README.md). */
export function bundledDataDir(): string {
  // src/util and dist/util are both two levels below the package root.
  return fileURLToPath(new URL('../../data', import.meta.url));
}

export function resolveDataDir(flag?: string): string {
  const bundled = bundledDataDir();
  const dir = flag ?? process.env.NASKIT_DATA ?? (existsSync(bundled) ? bundled : undefined);
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
  if (!statSync(abs).isDirectory()) {
    throw new NaskitError(
      'data_missing',
      `data directory ${abs} (from ${flag ? '--data-dir' : 'NASKIT_DATA'}) is a file, not a folder; point it at a folder laid out like shared/data`,
    );
  }
  return abs;
}

/**
 * Path of a file inside the data directory, with an error that says which file and where it was looked
 * for. A benchmark table the folder lacks is taken from the tables shipped in the package's data/, so
 * a folder holding only images (e.g. after `naskit data import cifar10`) keeps every table working.
 */
export function dataFile(dataDir: string, relative: string, purpose: string): string {
  const path = join(dataDir, relative);
  if (existsSync(path)) return path;
  const shipped = join(bundledDataDir(), relative);
  if (existsSync(shipped)) return shipped;
  throw new NaskitError(
    'data_missing',
    `${purpose} needs ${relative}, looked for it at ${path}; point --data-dir (or NASKIT_DATA) at a folder that has it`,
  );
}

/** The shared data folder next to a checkout, used by tests when NASKIT_DATA is unset. */
export function testDataDir(): string | null {
  const candidates = [process.env.NASKIT_DATA, resolve(process.cwd(), '../shared/data')];
  for (const c of candidates) if (c && existsSync(join(c, 'README.md'))) return resolve(c);
  return null;
}
