/**
 * vitest setup file (runs before each test file): the file's own temporary folder, inside the run's
 * private one (test/helpers/temp-global-setup.ts), set as TMPDIR so that `os.tmpdir()` — in the test,
 * in the code under test and in child processes it starts — points there. After the file's own
 * afterAll hooks (vitest runs after-hooks in reverse order, so this one runs last) the folder must be
 * empty: anything left fails the file, naming what was left, and is removed.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';

const root = inject('naskitTestTmp');
const fileTmp = mkdtempSync(join(root, 'file-'));
const saved = process.env.TMPDIR;
process.env.TMPDIR = fileTmp;

afterAll(() => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  const left = readdirSync(fileTmp);
  rmSync(fileTmp, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(
      `this test file left ${left.length} temporary entr${left.length === 1 ? 'y' : 'ies'} behind: ${left.join(', ')} ` +
        '(removed now); remove what the tests create, e.g. with tempDirs() from test/helpers/temp-dirs.ts',
    );
  }
});
