import { describe, expect, it } from 'vitest';
import { testDataDir } from '../../util/data-dir.js';
import { expectNaskitError, runSpaceContract } from '../../../test/helpers/space-contract.js';
import { readGzCsv } from '../../../test/helpers/read-gz-csv.js';
import { tnbMicro } from './index.js';

runSpaceContract(tnbMicro, {
  network: { classes: 3, inputShape: [3, 32, 32], channels: 4, cells: 1 },
  invalid: [
    '',
    '64-41414-0_00_00',
    '64-41414-0_00_004',
    '64-1234-basic',
    '64-4141-0_00_000',
    '(0, 1, 2, 3, 4, 0)',
    '(0, 1)',
  ],
  enumerate: true,
});

describe('tnb101-micro codec', () => {
  it('maps digits to edges node by node and round-trips the NASLib tuple', () => {
    const a = tnbMicro.parse('64-41414-3_12_021');
    expect(a.edges).toEqual(['conv3x3', 'skip', 'conv1x1', 'zero', 'conv1x1', 'skip']);
    expect(tnbMicro.toNaslib(a)).toEqual([3, 1, 2, 0, 2, 1]);
    expect(tnbMicro.format(tnbMicro.parse('(3, 1, 2, 0, 2, 1)'))).toBe('64-41414-3_12_021');
    expect(tnbMicro.format(tnbMicro.parse('312021'))).toBe('64-41414-3_12_021');
  });

  it('names the edge and the allowed digits', () => {
    const err = expectNaskitError(() => tnbMicro.parse('64-41414-3_12_024'), 'invalid_arch');
    expect(err.message).toContain('edge 2→3: op digit 4');
    expect(err.message).toContain('3=conv3x3');
    expect(expectNaskitError(() => tnbMicro.parse('64-1234-basic'), 'invalid_arch').message).toContain(
      'tnb101-macro',
    );
  });
});

const dir = testDataDir();
describe.skipIf(!dir)('tnb101-micro against the shared benchmark tables', () => {
  it('every row of tnb101_micro_val_zc.csv.gz parses, formats back, matches its NASLib digits, and enumerate covers them', () => {
    const rows = readGzCsv(dir!, 'tnb101/tnb101_micro_val_zc.csv.gz');
    expect(rows.length).toBe(4096);
    const enumerated = [...tnbMicro.enumerate()].map((a) => tnbMicro.key(a));
    rows.forEach((row, i) => {
      const a = tnbMicro.parse(row.arch_str!);
      expect(tnbMicro.format(a)).toBe(row.arch_str);
      expect(tnbMicro.toNaslib(a).join('')).toBe(row.naslib_ops);
      expect(enumerated[i]).toBe(row.arch_str);
    });
  });

  it('NASLib arch_key tuples of the zero-cost table decode to their arch_str', () => {
    const rows = readGzCsv(dir!, 'zc/zc_suite_zero_samples.csv.gz').filter(
      (r) => r.search_space === 'transbench101_micro',
    );
    expect(rows.length).toBe(7 * 711 + 3 * 192);
    for (const row of rows) expect(tnbMicro.format(tnbMicro.parse(row.arch_key!))).toBe(row.arch_str);
  });
});
