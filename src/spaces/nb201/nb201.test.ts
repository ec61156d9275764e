import { describe, expect, it } from 'vitest';
import { testDataDir } from '../../util/data-dir.js';
import { expectNaskitError, runSpaceContract } from '../../../test/helpers/space-contract.js';
import { readGzCsv } from '../../../test/helpers/read-gz-csv.js';
import { nb201 } from './index.js';
import { pythonRandomUint32, pythonShuffle } from './python-shuffle.js';

runSpaceContract(nb201, {
  network: { classes: 3, inputShape: [3, 8, 8], channels: 4, cells: 1 },
  invalid: [
    '',
    'not an arch',
    '|none~0|+|none~0|none~1|',
    '|none~0|+|none~0|none~1|+|none~0|none~1|conv~2|',
    '|none~0|+|none~1|none~1|+|none~0|none~1|none~2|',
    '|none~0|+|none~0|+|none~0|none~1|none~2|',
    '(0, 1, 2, 3, 4, 5)',
    '(0, 1, 2)',
  ],
  enumerate: true,
});

describe('nb201 codec', () => {
  const cell =
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';

  it('round-trips the official string and converts to and from NASLib codes', () => {
    const a = nb201.parse(cell);
    expect(nb201.format(a)).toBe(cell);
    // NASLib edge order 1→2, 1→3, 1→4, 2→3, 2→4, 3→4: conv3x3, conv3x3, skip, conv3x3, conv3x3, conv1x1.
    expect(nb201.toNaslib(a)).toEqual([2, 2, 0, 2, 2, 3]);
    expect(nb201.format(nb201.fromNaslib('(2, 2, 0, 2, 2, 3)'))).toBe(cell);
    expect(nb201.format(nb201.parse('220223'))).toBe(cell);
  });

  it('names the edge and the allowed ops on a bad op', () => {
    const err = expectNaskitError(
      () => nb201.parse('|none~0|+|none~0|none~1|+|none~0|conv_5x5~1|none~2|'),
      'invalid_arch',
    );
    expect(err.message).toContain('edge 1→3');
    expect(err.message).toContain("unknown op 'conv_5x5'");
    expect(err.message).toContain('avg_pool_3x3');
  });

  it('rejects out-of-range official indices', () => {
    expectNaskitError(() => nb201.fromIndex(15625), 'invalid_argument');
    expectNaskitError(() => nb201.fromIndex(-1), 'invalid_argument');
    expectNaskitError(() => nb201.fromIndex(1.5), 'invalid_argument');
  });
});

describe('nb201 official index', () => {
  it('replays CPython random: seed(88) / seed(0) give the reference getrandbits(32) draws', () => {
    // Reference values printed by CPython 3: random.seed(s); [random.getrandbits(32) for _ in range(3)]
    expect(pythonRandomUint32(88, 3)).toEqual([1707201716, 4182107318, 813946014]);
    expect(pythonRandomUint32(0, 3)).toEqual([3626764237, 1654615998, 3255389356]);
    // random.seed(1); x = list(range(10)); random.shuffle(x)
    expect(pythonShuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1)).toEqual([6, 8, 9, 7, 5, 3, 0, 4, 1, 2]);
  });

  it("matches the asserts in NAS-Bench-201's generator (indices 0, 9, 123)", () => {
    expect(nb201.format(nb201.fromIndex(0))).toBe(
      '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
    );
    expect(nb201.format(nb201.fromIndex(9))).toBe(
      '|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
    );
    expect(nb201.format(nb201.fromIndex(123))).toBe(
      '|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|',
    );
  });

  it('index and fromIndex are inverse over the whole space', () => {
    for (let i = 0; i < 15625; i++) expect(nb201.index(nb201.fromIndex(i))).toBe(i);
  });
});

describe('nb201 helpers', () => {
  it('hasParameterFreePath follows skip/avg-pool edges only', () => {
    const p = (s: string) => nb201.hasParameterFreePath(nb201.parse(s));
    expect(p('|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|')).toBe(true);
    expect(p('|avg_pool_3x3~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|')).toBe(true);
    expect(p('|skip_connect~0|+|none~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|skip_connect~2|')).toBe(true);
    expect(p('|skip_connect~0|+|none~0|nor_conv_1x1~1|+|nor_conv_3x3~0|nor_conv_3x3~1|skip_connect~2|')).toBe(
      false,
    );
    expect(p('|nor_conv_3x3~0|+|skip_connect~0|skip_connect~1|+|none~0|none~1|none~2|')).toBe(false);
  });

  it('path encoding sets one slot per input→output path', () => {
    const allSkip = nb201.parse(
      '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|',
    );
    // skip = op 1: length-1 slot 1; length-2 slot 5 + 1 + 5 = 11 (two paths); length-3 slot 30 + 1 + 5 + 25 = 61.
    const v = nb201.encode(allSkip, 'path');
    expect([...v.keys()].filter((i) => v[i] === 1)).toEqual([1, 11, 61]);
    const onehot = nb201.encode(allSkip, 'onehot');
    expect(onehot.reduce((s, x) => s + x, 0)).toBe(6);
    expect(onehot[1]).toBe(1);
  });
});

const dir = testDataDir();
describe.skipIf(!dir)('nb201 against the shared benchmark tables', () => {
  it('official index and NASLib codes agree with every row of nb201_accuracies.csv.gz', () => {
    const rows = readGzCsv(dir!, 'nb201/nb201_accuracies.csv.gz');
    expect(rows.length).toBe(15625);
    for (const row of rows) {
      const arch = nb201.parse(row.arch_str!);
      expect(nb201.format(arch)).toBe(row.arch_str);
      expect(nb201.index(arch)).toBe(Number(row.index));
      expect(nb201.toNaslib(arch).join('')).toBe(row.naslib_ops);
      expect(nb201.key(nb201.fromNaslib(row.naslib_ops!))).toBe(row.arch_str);
    }
  });

  it('NASLib arch_key tuples in the zero-cost table decode to their arch_str', () => {
    const rows = readGzCsv(dir!, 'zc/zc_suite_zero_samples.csv.gz').filter(
      (r) => r.search_space === 'nasbench201',
    );
    expect(rows.length).toBeGreaterThan(2000);
    for (const row of rows) expect(nb201.format(nb201.parse(row.arch_key!))).toBe(row.arch_str);
  });
});
