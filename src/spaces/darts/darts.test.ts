import { describe, expect, it } from 'vitest';
import { testDataDir } from '../../util/data-dir.js';
import { Rng } from '../../util/rng.js';
import { expectNaskitError, runSpaceContract } from '../../../test/helpers/space-contract.js';
import { readGzCsv } from '../../../test/helpers/read-gz-csv.js';
import { darts } from './index.js';

// DARTS (second order) from the DARTS paper's genotypes.py, written with range(2, 6) as DARTS prints it.
const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), " +
  "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=range(2, 6), " +
  "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), " +
  "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=range(2, 6))";

runSpaceContract(darts, {
  network: { classes: 3, inputShape: [3, 8, 8], channels: 4, cells: 3 },
  invalid: [
    '',
    'Genotype(normal=[])',
    DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)"),
    DARTS_V2.replace("('dil_conv_3x3', 2)", "('conv_7x1', 2)"),
    DARTS_V2.replace("('sep_conv_3x3', 1), ('skip_connect', 0)", "('sep_conv_3x3', 0), ('skip_connect', 0)"),
    DARTS_V2.replace('normal_concat=range(2, 6)', 'normal_concat=[2, 3]'),
    '[[(0, 0), (1, 0)], [(0, 0), (1, 0)]]',
    '{"normal":[["max_pool_3x3",0]],"reduce":[]}',
  ],
  enumerate: { skip: 'about 1.08e18 genotypes' },
});

describe('darts codec', () => {
  it('reads the DARTS genotype repr and writes the canonical form', () => {
    const a = darts.parse(DARTS_V2);
    const text = darts.format(a);
    expect(text).toContain(
      "normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ",
    );
    // Node 4 listed (sep_conv_3x3 from 1, skip from 0): canonical order puts input 0 first.
    expect(text).toContain(
      "('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('dil_conv_3x3', 2)]",
    );
    expect(text).toContain('normal_concat=[2, 3, 4, 5]');
    expect(darts.format(darts.parse(text.replaceAll("'", '"')))).toBe(text);
  });

  it('keys do not depend on the order of the two inputs of a node', () => {
    const a = darts.parse(DARTS_V2);
    const swapped = darts.parse(
      DARTS_V2.replace(
        "('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0)",
        "('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 0)",
      ),
    );
    expect(darts.key(swapped)).toBe(darts.key(a));
    const compact = darts.toNaslib(a);
    const reversed = compact.map((cell) => cell.map((_, k) => cell[k % 2 === 0 ? k + 1 : k - 1]!));
    expect(darts.key(darts.fromNaslib(reversed))).toBe(darts.key(a));
    expect(darts.key(darts.parse(darts.toJson(a)))).toBe(darts.key(a));
  });

  it('names cell, node and the allowed inputs or ops in errors', () => {
    const bad = expectNaskitError(
      () => darts.parse(DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)")),
      'invalid_arch',
    );
    expect(bad.message).toContain('normal cell, node 5');
    expect(bad.message).toContain('allowed inputs are 0..4');
    const op = expectNaskitError(
      () =>
        darts.parse(
          DARTS_V2.replace(
            "('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip",
            "('max_pool_3x3', 0), ('none', 1), ('skip",
          ),
        ),
      'invalid_arch',
    );
    expect(op.message).toContain("reduce cell, node 2 (edges 0 and 1): unknown op 'none'");
  });

  it('has 120 neighbors (96 op changes + 24 input changes) and mutate changes exactly one edge', () => {
    const a = darts.parse(DARTS_V2);
    expect(darts.neighbors(a).length).toBe(120);
    const rng = new Rng(5);
    for (let i = 0; i < 20; i++) {
      const m = darts.mutate(a, rng);
      const diff = darts
        .encode(m, 'onehot')
        .reduce((s, x, j) => s + Math.abs(x - darts.encode(a, 'onehot')[j]!), 0);
      // One changed op or input flips 2 slots; up to 8 when the change re-sorts the pair of that node.
      expect(diff).toBeGreaterThanOrEqual(2);
      expect(diff).toBeLessThanOrEqual(8);
    }
  });
});

const dir = testDataDir();
describe.skipIf(!dir)('darts against the shared zero-cost table', () => {
  it('NASLib arch_key and JSON arch_str agree for every NB301 row', () => {
    const rows = readGzCsv(dir!, 'zc/zc_suite_zero_samples.csv.gz').filter(
      (r) => r.search_space === 'nasbench301',
    );
    expect(rows.length).toBe(725 + 3 * 199);
    for (const row of rows) {
      const fromKey = darts.parse(row.arch_key!);
      const fromStr = darts.parse(row.arch_str!);
      expect(darts.key(fromKey)).toBe(darts.key(fromStr));
      expect(darts.key(darts.parse(darts.format(fromKey)))).toBe(darts.key(fromKey));
    }
  });
});
