import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expectNaskitError } from '../../test/helpers/space-contract.js';
import { tarBytes, type TarInput } from '../../test/helpers/tar-writer.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';
import { readTar } from './tar.js';

const tempDir = tempDirs();

const LONG = `${'deep/'.repeat(22)}name-longer-than-one-hundred-bytes.bin`;
const filled = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * seed) % 251);

const ENTRIES: TarInput[] = [
  { name: 'top', type: '5' },
  { name: 'top/empty.txt', data: '' },
  { name: 'top/a.bin', data: filled(511, 3) },
  { name: 'top/b.bin', data: filled(512, 5) },
  { name: 'top/c.bin', data: filled(1025, 7) },
  { name: LONG, data: filled(40, 11) },
  { name: 'top/link', type: '2' },
  { name: 'top/after-long.txt', data: 'short name again' },
];

function expectEntries(archive: Uint8Array): void {
  const entries = readTar(archive, 'x.tar');
  expect(entries.map((e) => [e.name, e.type])).toEqual(
    ENTRIES.map((e) => [e.name, e.type === '5' ? 'dir' : e.type === '2' ? 'other' : 'file']),
  );
  for (const [i, e] of ENTRIES.entries()) {
    if (e.type) continue;
    const want = typeof e.data === 'string' ? new TextEncoder().encode(e.data) : e.data!;
    expect(Buffer.from(entries[i]!.data).equals(want), e.name).toBe(true);
  }
}

describe('readTar', () => {
  it.each(['gnu', 'pax', 'prefix'] as const)(
    'reads files, folders and long names stored the %s way',
    (mode) => {
      expectEntries(tarBytes(ENTRIES, { longNames: mode }));
    },
  );

  it('reads base-256 sizes and an archive without its closing zero blocks', () => {
    expectEntries(tarBytes(ENTRIES, { base256Sizes: true }));
    const whole = tarBytes(ENTRIES);
    expectEntries(whole.subarray(0, whole.length - 1024));
  });

  it('rejects what is not a tar archive, damaged headers and truncated entries', () => {
    const whole = tarBytes(ENTRIES);
    expect(expectNaskitError(() => readTar(filled(2048, 13), 'x.tar'), 'data_corrupt').message).toMatch(
      /x\.tar is not a tar archive/,
    );
    expect(expectNaskitError(() => readTar(filled(100, 13), 'x.tar'), 'data_corrupt').message).toMatch(
      /not a tar archive/,
    );
    const damaged = Uint8Array.from(whole);
    damaged[1024 + 20] = 0xff; // inside the name field of top/a.bin's header (a NUL there)
    expect(expectNaskitError(() => readTar(damaged, 'x.tar'), 'data_corrupt').message).toMatch(
      /tar header at byte 1024 has a bad checksum/,
    );
    expect(
      expectNaskitError(() => readTar(whole.subarray(0, 1536 + 300), 'x.tar'), 'data_corrupt').message,
    ).toMatch(/needs 511 bytes but the archive ends after 300; it is truncated/);
    expect(
      expectNaskitError(() => readTar(whole.subarray(0, 1024 + 100), 'x.tar'), 'data_corrupt').message,
    ).toMatch(/ends inside a tar header at byte 1024/);
  });

  const tar = spawnSync('tar', ['--version'], { encoding: 'utf8' });
  const gnuTar = tar.status === 0 && tar.stdout.includes('GNU tar');
  it.skipIf(!gnuTar)(
    'reads what GNU tar writes in its gnu, pax and ustar formats (skipped: no GNU tar)',
    () => {
      const dir = tempDir('naskit-tar-');
      const files: Array<[string, Uint8Array]> = [
        ['top/a.bin', filled(700, 3)],
        [LONG, filled(40, 11)],
      ];
      for (const [name, data] of files) {
        mkdirSync(join(dir, 'in', name, '..'), { recursive: true });
        writeFileSync(join(dir, 'in', name), data);
      }
      for (const format of ['gnu', 'pax', 'ustar']) {
        const out = join(dir, `${format}.tar.gz`);
        const made = spawnSync('tar', [
          '-czf',
          out,
          `--format=${format}`,
          '-C',
          join(dir, 'in'),
          'top',
          'deep',
        ]);
        expect(made.status, made.stderr?.toString()).toBe(0);
        const got = readTar(gunzipSync(readFileSync(out)), out).filter((e) => e.type === 'file');
        expect(got.map((e) => e.name).sort(), format).toEqual(files.map(([n]) => n).sort());
        for (const [name, data] of files) {
          expect(Buffer.from(got.find((e) => e.name === name)!.data).equals(data), `${format} ${name}`).toBe(
            true,
          );
        }
      }
    },
  );
});
