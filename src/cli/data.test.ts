import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CliOutput, runNaskit } from '../../test/helpers/cli-output.js';
import { cifar10Archive } from '../../test/helpers/tar-writer.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const run = (...args: string[]): Promise<CliOutput> => runNaskit(args);

describe('naskit data', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('has help for the verb and for import', async () => {
    const verb = await run('data', '--help');
    expect(verb.code).toBe(0);
    expect(verb.out).toMatch(/import \[options\] <set> <archive>/);
    const load = await run('data', 'import', '--help');
    expect(load.code).toBe(0);
    expect(load.out).toMatch(/cifar-10-binary\.tar\.gz/);
    expect(load.out).toMatch(/--data-dir <dir>/);
  });

  it('imports, says so when run again, and exits by the documented codes on bad input', async () => {
    const dir = tempDir('naskit-cli-data-');
    const archive = join(dir, 'cifar-10-binary.tar.gz');
    writeFileSync(archive, cifar10Archive().bytes);
    const dataDir = join(dir, 'data');

    const first = await run('data', 'import', 'cifar10', archive, '--data-dir', dataDir, '--json');
    expect(first.code, first.err).toBe(0);
    const json = JSON.parse(first.out) as { files: Array<{ path: string; images: number; status: string }> };
    expect(json.files.map((f) => [f.path, f.images, f.status])).toEqual([
      [join(dataDir, 'images', 'cifar10_train_first10k.bin.gz'), 7, 'written'],
      [join(dataDir, 'images', 'cifar10_test_first1k.bin.gz'), 5, 'written'],
    ]);

    vi.stubEnv('NASKIT_DATA', dataDir);
    const again = await run('data', 'import', 'cifar10', archive);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/already holds these CIFAR-10 files, identical; nothing written/);

    writeFileSync(archive, cifar10Archive(undefined, 2).bytes);
    const conflict = await run('data', 'import', 'cifar10', archive);
    expect([conflict.code, conflict.err]).toEqual([5, expect.stringMatching(/pass --force/)]);
    const forced = await run('data', 'import', 'cifar10', archive, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/^replaced .*cifar10_train_first10k\.bin\.gz \(7 images, [\d,]+ bytes\)$/m);

    writeFileSync(archive, 'not an archive');
    expect((await run('data', 'import', 'cifar10', archive)).code).toBe(4);
    expect((await run('data', 'import', 'cifar10', join(dir, 'missing.tar.gz'))).code).toBe(3);
    expect((await run('data', 'import', 'cifar100', archive)).code).toBe(2);
    vi.stubEnv('NASKIT_DATA', '');
    const noDir = await run('data', 'import', 'cifar10', archive);
    expect([noDir.code, noDir.err]).toEqual([2, expect.stringMatching(/pass --data-dir DIR/)]);
  });
});
