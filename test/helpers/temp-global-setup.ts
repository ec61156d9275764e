/**
 * vitest global setup: one private temporary folder per test run. Every test file gets a folder of its
 * own inside it as its TMPDIR (test/helpers/temp-per-file.ts), so `os.tmpdir()` in the tests, in the
 * code they call and in the child processes they start all lands here and nothing else on the machine
 * writes into it. After the run the folder must be empty — a test file that leaves something behind
 * already failed in its own teardown; what remains here was left after a file ended (a child process
 * that outlived its test, a crashed worker) and fails the run. The folder is removed either way.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's private temporary folder (see test/helpers/temp-global-setup.ts). */
    naskitTestTmp: string;
  }
}

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'naskit-test-'));
  project.provide('naskitTestTmp', root);
  return () => {
    // A file whose tests were all skipped (e.g. no ../shared data) runs no hooks, so its own folder
    // from temp-per-file.ts stays behind, empty: that is the harness's folder, not a test's leftover.
    const left = readdirSync(root).filter(
      (name) => !(name.startsWith('file-') && isEmptyDir(join(root, name))),
    );
    rmSync(root, { recursive: true, force: true });
    if (left.length > 0) {
      // vitest reports an error thrown here but would still exit 0.
      process.exitCode = 1;
      throw new Error(
        `the test run left ${left.length} temporary entr${left.length === 1 ? 'y' : 'ies'} behind in ${root}: ` +
          `${left.join(', ')} (removed now); a test file or a process it started did not clean up`,
      );
    }
  };
}

function isEmptyDir(path: string): boolean {
  return statSync(path).isDirectory() && readdirSync(path).length === 0;
}
