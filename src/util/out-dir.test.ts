import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../test/helpers/temp-dirs.js';
import { prepareOutDir } from './out-dir.js';

const tempDir = tempDirs();

describe('prepareOutDir', () => {
  it('creates missing folders level by level and takes back only what it made', () => {
    const base = tempDir('naskit-outdir-');
    const made = prepareOutDir(join(base, 'a', 'b'), '--out');
    expect(made.path).toBe(join(base, 'a', 'b'));
    expect(existsSync(made.path)).toBe(true);
    made.undo();
    expect(existsSync(join(base, 'a'))).toBe(false);
    expect(existsSync(base)).toBe(true);
    // An existing folder is kept; undo leaves a folder that is no longer empty.
    prepareOutDir(base, '--out').undo();
    expect(existsSync(base)).toBe(true);
    const kept = prepareOutDir(join(base, 'c'), '--out');
    writeFileSync(join(kept.path, 'x'), 'x');
    kept.undo();
    expect(existsSync(join(base, 'c', 'x'))).toBe(true);
  });

  it('says which part of the path is a file', () => {
    const file = join(tempDir('naskit-outdir-'), 'file');
    writeFileSync(file, 'x');
    expect(() => prepareOutDir(join(file, 'sub'), '--out')).toThrow(
      `--out ${join(file, 'sub')}: ${file} is a file, not a folder`,
    );
    expect(() => prepareOutDir(file, '--out')).toThrow(`--out ${file}: it is a file, not a folder`);
  });

  // Node's recursive mkdir never returns for a path under /proc.
  it.skipIf(!existsSync('/proc/self'))('fails at once for a path that cannot be created', () => {
    expect(() => prepareOutDir('/proc/naskit-x/run', '--out')).toThrow(
      /--out \/proc\/naskit-x\/run cannot be created \(ENOENT at \/proc\/naskit-x\)/,
    );
  });
});
