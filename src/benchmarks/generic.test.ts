import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { nb201 } from '../spaces/index.js';
import { NaskitError } from '../util/errors.js';
import { loadGenericTable } from './generic.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const dir = tempDir('naskit-generic-');
let fileCount = 0;
function table(text: string, gz = false): string {
  const path = join(dir, `t${fileCount++}.csv${gz ? '.gz' : ''}`);
  writeFileSync(path, gz ? gzipSync(text) : text);
  return path;
}

const A = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';
const B = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';

async function failure(path: string): Promise<NaskitError> {
  const err = await loadGenericTable(path, nb201).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NaskitError);
  return err as NaskitError;
}

describe('generic benchmark tables', () => {
  it('loads arch + metrics, canonicalizes the arch strings and answers queries', async () => {
    // Row 2 uses the NASLib op tuple for B; the table keys it by the canonical NB201 string.
    const path = table(
      `arch,val_acc,test_acc,train_time_s,latency_ms\n"${A}",81.9,85.86,100,3.5\n220420,90.39,93.66,250,\n`,
      true,
    );
    const bench = await loadGenericTable(path, nb201, { dataset: 'mine' });
    expect(bench.id).toBe('nb201/mine');
    expect(bench.size).toBe(2);
    expect(bench.query(nb201.parse(B), 'test_acc')).toBeCloseTo(93.66);
    expect(bench.queryKey(A, 'val_acc')).toBeCloseTo(81.9);
    expect(Number.isNaN(bench.queryKey(B, 'latency_ms'))).toBe(true);
    expect(bench.cost.kind).toBe('measured');
    expect(bench.costOfRow(bench.rowOf(B))).toBe(250);
    expect(bench.archStringAt(bench.rowOf(B))).toBe(B);
    expect(() => bench.queryKey(A, 'flops')).toThrow(
      /no metric 'flops'; valid metrics: val_acc, test_acc, train_time_s, latency_ms/,
    );
  });

  it('without test_acc, test = val and the table says so', async () => {
    const bench = await loadGenericTable(table(`arch,val_acc\n"${A}",70\n`), nb201);
    expect(bench.queryKey(A, 'test_acc')).toBe(70);
    expect(bench.notes.join(' ')).toMatch(/test = val/);
    expect(bench.cost.kind).toBe('none');
  });

  it('rejects two spellings of the same architecture, naming both lines', async () => {
    const err = await failure(table(`arch,val_acc\n"${A}",1\n"${B}",2\n433000,3\n`));
    expect(err.code).toBe('data_corrupt');
    expect(err.message).toMatch(/:4: .*same architecture .* as line 2/);
  });

  it('rejects an unparseable arch with its line number and the space error', async () => {
    const err = await failure(table(`arch,val_acc\n"${A}",1\n|bogus~0|,2\n`));
    expect(err.message).toMatch(/:3: column arch holds '\|bogus~0\|', which the nb201 space cannot parse/);
  });

  it('rejects missing columns, listing what the header has', async () => {
    const err = await failure(table(`architecture,accuracy\n"${A}",1\n`));
    expect(err.message).toMatch(/no columns arch, val_acc \(line 1 has: architecture, accuracy\)/);
  });

  it('rejects non-numeric cells, empty validation values and ragged rows with line numbers', async () => {
    expect((await failure(table(`arch,val_acc,flops\n"${A}",1,2\n"${B}",3,lots\n`))).message).toMatch(
      /:3: column flops holds 'lots', which is not a number/,
    );
    expect((await failure(table(`arch,val_acc\n"${A}",\n`))).message).toMatch(/:2: val_acc is empty/);
    expect((await failure(table(`arch,val_acc\n"${A}",1\n"${B}",2,3\n`))).message).toMatch(/:3: .*record/i);
    expect((await failure(table(`arch,val_acc\n`))).message).toMatch(/no rows/);
    expect((await failure(table(`arch,val_acc,val_acc\n"${A}",1,1\n`))).message).toMatch(
      /duplicate column name 'val_acc'/,
    );
  });

  it('a missing file is a data error naming the path', async () => {
    const err = await failure(join(dir, 'nope.csv'));
    expect(err.message).toMatch(/nope\.csv/);
  });
});
