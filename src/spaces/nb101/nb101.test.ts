import { describe, expect, it } from 'vitest';
import { testDataDir } from '../../util/data-dir.js';
import { Rng } from '../../util/rng.js';
import { expectNaskitError, runSpaceContract } from '../../../test/helpers/space-contract.js';
import { readGzCsv } from '../../../test/helpers/read-gz-csv.js';
import { nb101 } from './index.js';

runSpaceContract(nb101, {
  network: { classes: 3, inputShape: [3, 8, 8], channels: 8, cells: 1 },
  invalid: [
    '',
    '{"matrix":[[0,1],[0,0]]}',
    '{"matrix":[[0,1],[0,0]],"ops":["input","conv3x3-bn-relu"]}',
    '{"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","conv5x5","output"]}',
    '{"matrix":[[0,0,1],[0,0,1],[0,0,0]],"ops":["input","conv3x3-bn-relu","output"]}'.replace(
      '[[0,0,1]',
      '[[0,0,0]',
    ),
    '{"matrix":[[0,1,0],[1,0,1],[0,0,0]],"ops":["input","conv3x3-bn-relu","output"]}',
    '(0, 1, 0, 0, 5, 1)',
    '(0, 1, 0)',
  ],
  enumerate: { skip: '423,624 modules are not enumerated; their count comes from the benchmark' },
});

// The example cell of the nasbench README.
const readmeCell = {
  matrix: [
    [0, 1, 1, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ops: [
    'input',
    'conv1x1-bn-relu',
    'conv3x3-bn-relu',
    'conv3x3-bn-relu',
    'conv3x3-bn-relu',
    'maxpool3x3',
    'output',
  ],
};

describe('nb101 codec and rules', () => {
  it('prunes vertices off every input→output path and formats the pruned JSON', () => {
    const a = nb101.parse(
      JSON.stringify({
        matrix: [
          [0, 1, 1, 0],
          [0, 0, 0, 1],
          [0, 0, 0, 0],
          [0, 0, 0, 0],
        ],
        ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
      }),
    );
    expect(nb101.format(a)).toBe(
      '{"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","conv3x3-bn-relu","output"]}',
    );
    expect(nb101.pruned(a).ops).toEqual(['input', 'conv3x3-bn-relu', 'output']);
  });

  it('isomorphic cells share the hash; a different op changes it', () => {
    const a = nb101.fromSpec(
      [
        [0, 1, 1, 0],
        [0, 0, 0, 1],
        [0, 0, 0, 1],
        [0, 0, 0, 0],
      ],
      ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
    );
    const swapped = nb101.fromSpec(
      [
        [0, 1, 1, 0],
        [0, 0, 0, 1],
        [0, 0, 0, 1],
        [0, 0, 0, 0],
      ],
      ['input', 'maxpool3x3', 'conv3x3-bn-relu', 'output'],
    );
    const other = nb101.fromSpec(
      [
        [0, 1, 1, 0],
        [0, 0, 0, 1],
        [0, 0, 0, 1],
        [0, 0, 0, 0],
      ],
      ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'output'],
    );
    expect(nb101.key(swapped)).toBe(nb101.key(a));
    expect(nb101.key(other)).not.toBe(nb101.key(a));
  });

  it('says exactly what is wrong', () => {
    const tooMany = {
      matrix: Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => (j > i ? 1 : 0))),
      ops: ['input', ...new Array(5).fill('conv3x3-bn-relu'), 'output'],
    };
    expect(expectNaskitError(() => nb101.parse(JSON.stringify(tooMany)), 'invalid_arch').message).toContain(
      '21 edges remain after pruning',
    );
    const badOp = { ...readmeCell, ops: readmeCell.ops.map((o, i) => (i === 3 ? 'conv5x5' : o)) };
    const msg = expectNaskitError(() => nb101.parse(JSON.stringify(badOp)), 'invalid_arch').message;
    expect(msg).toContain("vertex 3 has op 'conv5x5'");
    expect(msg).toContain('maxpool3x3');
    const disconnected = {
      matrix: [
        [0, 0],
        [0, 0],
      ],
      ops: ['input', 'output'],
    };
    expect(
      expectNaskitError(() => nb101.parse(JSON.stringify(disconnected)), 'invalid_arch').message,
    ).toContain('no path from the input');
  });

  it('converts to and from the NASLib tuple and the table form', () => {
    const a = nb101.parse(JSON.stringify(readmeCell));
    const tuple = nb101.toNaslib(a);
    expect(tuple.length).toBe(56);
    expect(nb101.key(nb101.fromNaslib(tuple))).toBe(nb101.key(a));
    expect(nb101.key(nb101.parse(`(${tuple.join(', ')})`))).toBe(nb101.key(a));
    const table = nb101.fromTable(
      readmeCell.matrix.map((r) => r.join('')).join('|'),
      readmeCell.ops.join(','),
    );
    expect(nb101.key(table)).toBe(nb101.key(a));
  });

  it('moves pad small cells to 7 vertices so mutate can grow them', () => {
    const small = nb101.parse('{"matrix":[[0,1],[0,0]],"ops":["input","output"]}');
    // As in NASLib, a neighbor changes one op or one edge on an input→output path: removing the only edge
    // disconnects the cell and one added edge cannot put an isolated vertex on a path, so there is none.
    expect(nb101.neighbors(small)).toEqual([]);
    const rng = new Rng(3);
    const sizes = new Set<number>();
    for (let i = 0; i < 30; i++) sizes.add(nb101.pruned(nb101.mutate(small, rng)).matrix.length);
    expect(Math.max(...sizes)).toBeGreaterThan(3);
    const three = nb101.parse('{"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","maxpool3x3","output"]}');
    const nbrs = nb101.neighbors(three).map((n) => nb101.format(n));
    expect(nbrs).toContain('{"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","conv3x3-bn-relu","output"]}');
    expect(nbrs).toContain('{"matrix":[[0,1,1],[0,0,1],[0,0,0]],"ops":["input","maxpool3x3","output"]}');
    expect(nbrs.length).toBe(3);
  });

  it('encodes the pruned spec: adjacency one-hot and paths', () => {
    const a = nb101.parse('{"matrix":[[0,1,1],[0,0,1],[0,0,0]],"ops":["input","maxpool3x3","output"]}');
    const adj = nb101.encode(a, 'adjacency');
    // Output padded to vertex 6: edges 0→1 (entry 0), 0→6 (entry 5), 1→6 (entry 10); vertex 1 is maxpool.
    expect([...adj.keys()].filter((i) => adj[i] === 1)).toEqual([0, 5, 10, 21]);
    const path = nb101.encode(a, 'path');
    // Paths: input→output (empty, slot 0) and input→maxpool→output (slot 3^0 * (2 + 1) = 3).
    expect([...path.keys()].filter((i) => path[i] === 1)).toEqual([0, 3]);
  });
});

const dir = testDataDir();
describe.skipIf(!dir)('nb101 against the shared benchmark tables', () => {
  it('module hash equals module_hash for every NB101 row with a cell', () => {
    const rows = readGzCsv(dir!, 'nb101/nb101_sample20k.csv.gz').filter((r) => r.adjacency);
    expect(rows.length).toBe(10256);
    let withKey = 0;
    for (const row of rows) {
      const arch = nb101.fromTable(row.adjacency!, row.ops!);
      expect(nb101.key(arch)).toBe(row.module_hash);
      if (row.naslib_arch_key) {
        expect(nb101.key(nb101.parse(row.naslib_arch_key))).toBe(row.module_hash);
        withKey++;
      }
    }
    expect(withKey).toBeGreaterThan(10000);
  });

  it('NASLib arch_key and JSON arch_str of the zero-cost table give nb101_module_hash', () => {
    const rows = readGzCsv(dir!, 'zc/zc_suite_zero_samples.csv.gz').filter(
      (r) => r.search_space === 'nasbench101',
    );
    expect(rows.length).toBe(500);
    for (const row of rows) {
      expect(nb101.key(nb101.parse(row.arch_key!))).toBe(row.nb101_module_hash);
      expect(nb101.key(nb101.parse(row.arch_str!))).toBe(row.nb101_module_hash);
    }
  });
});
