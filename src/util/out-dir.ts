/**
 * Output folders of the CLI verbs, created before any slow work (loading data, training) so that a bad
 * path fails at once with a clear message. Folders are made one level at a time: Node's recursive
 * mkdir loops forever under some virtual file systems (`mkdirSync('/proc/x', {recursive: true})` never
 * returns), and a level-by-level walk also knows which folders it made and can take them back.
 */
import { accessSync, constants, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NaskitError } from './errors.js';

export interface PreparedDir {
  /** Absolute path of the folder. */
  path: string;
  /** Remove the folders this call created, if they are still empty (for a run that fails before writing). */
  undo(): void;
}

/** Make sure `dir` is a writable folder, creating it and its missing parents; `what` names it in errors. */
export function prepareOutDir(dir: string, what: string): PreparedDir {
  const path = resolve(dir);
  const missing: string[] = [];
  let at = path;
  for (;;) {
    const kind = entryKind(at);
    if (kind === 'dir') break;
    if (kind === 'other') {
      throw new NaskitError(
        'invalid_argument',
        `${what} ${path}: ${at === path ? 'it' : at} is a file, not a folder; choose another path`,
      );
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  const created: string[] = [];
  const undo = (): void => {
    for (const d of [...created].reverse()) {
      try {
        rmdirSync(d);
      } catch {
        return; // not empty (or gone): leave it and its parents
      }
    }
  };
  for (const d of missing) {
    try {
      mkdirSync(d);
      created.push(d);
    } catch (err) {
      undo();
      throw new NaskitError(
        'invalid_argument',
        `${what} ${path} cannot be created (${(err as NodeJS.ErrnoException).code ?? (err as Error).message} at ${d}); choose a folder you can write to`,
        { cause: err },
      );
    }
  }
  try {
    accessSync(path, constants.W_OK);
  } catch (err) {
    undo();
    throw new NaskitError(
      'invalid_argument',
      `${what} ${path} is not writable (${(err as NodeJS.ErrnoException).code}); choose a folder you can write to`,
      { cause: err },
    );
  }
  return { path, undo };
}

function entryKind(path: string): 'dir' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file; the walk up finds it and says so.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw new NaskitError('invalid_argument', `cannot look at ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
