import { describe, expect, it } from 'vitest';
import { darts, nb101, nb201, tnbMacro, tnbMicro } from '../spaces/index.js';
import { Rng } from '../util/rng.js';
import { encodeGraphs, flattenGraphs } from './encoding.js';
import { graphHash, unifiedGraph, type UnifiedGraph } from './unified-graph.js';
import { SPACE_MAX_NODES, UNIFIED_MAX_NODES, UNIFIED_VOCAB, VOCAB_SIZE } from './unified-vocab.js';

const names = (g: UnifiedGraph) => g.ops.map((i) => UNIFIED_VOCAB[i]);
const sortedEdges = (g: UnifiedGraph) => g.edges.map(([a, b]) => `${a}>${b}`).sort();

describe('unified graph encoding', () => {
  it('turns an NB201 cell into op nodes, contracting skips and dropping zero edges', () => {
    const g = unifiedGraph(
      nb201,
      nb201.parse('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|'),
    );
    expect(names(g)).toEqual(['global', 'input', 'conv3x3', 'avg_pool_3x3', 'conv1x1', 'output']);
    // node 2 of the cell is conv3x3's output passed through a skip, so conv1x1 reads conv3x3 directly
    expect(sortedEdges(g)).toEqual(['1>2', '1>3', '2>4', '3>5', '4>5']);
  });

  it('prunes operations off every input→output path and keeps empty cells valid', () => {
    const dead = unifiedGraph(
      nb201,
      nb201.parse('|nor_conv_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|'),
    );
    expect(names(dead)).toEqual(['global', 'input', 'conv1x1', 'output']);
    const empty = unifiedGraph(nb201, nb201.parse('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'));
    expect(names(empty)).toEqual(['global', 'input', 'output']);
    expect(empty.edges).toEqual([]);
  });

  it('maps NB201 and TNB101-micro convolutions onto the same nodes', () => {
    const a = unifiedGraph(
      nb201,
      nb201.parse('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|none~1|nor_conv_1x1~2|'),
    );
    const b = unifiedGraph(tnbMicro, tnbMicro.parse('64-41414-3_01_202'));
    expect(b).toEqual(a);
    expect(graphHash(b)).toBe(graphHash(a));
  });

  it('hashes isomorphic cells equally and different ones differently', () => {
    const h = (s: string) => graphHash(unifiedGraph(nb201, nb201.parse(s)));
    const x = h('|nor_conv_3x3~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|');
    const swapped = h(
      '|avg_pool_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|',
    );
    const other = h(
      '|nor_conv_3x3~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|',
    );
    expect(swapped).toBe(x);
    expect(other).not.toBe(x);
  });

  it('keeps NB101 cells vertex for vertex', () => {
    const arch = nb101.parse(
      '{"matrix":[[0,1,1,1,0,0],[0,0,0,1,0,0],[0,0,0,0,1,0],[0,0,0,0,1,1],[0,0,0,0,0,1],[0,0,0,0,0,0]],' +
        '"ops":["input","conv3x3-bn-relu","conv1x1-bn-relu","maxpool3x3","conv3x3-bn-relu","output"]}',
    );
    const g = unifiedGraph(nb101, arch);
    expect(names(g)).toEqual(['global', 'input', 'conv3x3', 'conv1x1', 'max_pool_3x3', 'conv3x3', 'output']);
    expect(sortedEdges(g)).toEqual(['1>2', '1>3', '1>4', '2>4', '3>5', '4>5', '4>6', '5>6'].sort());
  });

  it('wires a DARTS reduction cell after the normal cell', () => {
    const allSkip = `Genotype(normal=[${"('skip_connect', 0), ('skip_connect', 1), ".repeat(4).slice(0, -2)}], normal_concat=[2, 3, 4, 5], reduce=[${"('skip_connect', 0), ('skip_connect', 1), ".repeat(4).slice(0, -2)}], reduce_concat=[2, 3, 4, 5])`;
    const g = unifiedGraph(darts, darts.parse(allSkip));
    expect(names(g)).toEqual(['global', 'input', 'input', 'output', 'output']);
    // normal output reads both inputs; the reduction cell reads c_{k-1} (input 2) and the normal output
    expect(sortedEdges(g)).toEqual(['1>3', '2>3', '2>4', '3>4']);
  });

  it('stays within the per-space node bounds on random architectures of every space', () => {
    const rng = new Rng(11);
    for (const space of [nb201, tnbMicro, nb101, darts, tnbMacro]) {
      for (let i = 0; i < 200; i++) {
        const g = unifiedGraph(space, space.sample(rng));
        expect(g.ops.length).toBeLessThanOrEqual(SPACE_MAX_NODES[space.name]!);
        expect(g.ops[0]).toBe(0);
        for (const [a, b] of g.edges) {
          expect(a).toBeGreaterThan(0);
          expect(b).toBeLessThan(g.ops.length);
        }
      }
    }
    expect(Math.max(...Object.values(SPACE_MAX_NODES))).toBe(UNIFIED_MAX_NODES);
  });

  it('encodes TNB101 macro skeletons as a chain of residual blocks', () => {
    const g = unifiedGraph(tnbMacro, tnbMacro.parse('64-1423-basic'));
    expect(names(g)).toEqual([
      'global',
      'input',
      'res_block',
      'res_block_down_double',
      'res_block_double',
      'res_block_down',
      'output',
    ]);
    expect(g.edges.length).toBe(5);
  });

  it('packs graphs as one-hot features and adjacency with self-loops and the global row', () => {
    const g = unifiedGraph(
      nb201,
      nb201.parse('|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|'),
    );
    // conv3x3 on 0→1 is dead (node 2 gets nothing), so the cell is input → output with no path
    expect(names(g)).toEqual(['global', 'input', 'output']);
    const set = encodeGraphs([g], 4);
    const f = set.fields.get('features')!.data;
    const a = set.fields.get('adjacency')!.data;
    expect(f.length).toBe(4 * VOCAB_SIZE);
    expect(f[0]).toBe(1); // node 0 is 'global'
    expect(f[VOCAB_SIZE + 1]).toBe(1); // node 1 is 'input'
    expect([...a]).toEqual([1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(flattenGraphs([g]).fields.get('vector')!.shape).toEqual([
      UNIFIED_MAX_NODES * (VOCAB_SIZE + UNIFIED_MAX_NODES),
    ]);
    expect(() => encodeGraphs([g], 2)).toThrow(/3 nodes but the encoding pads to 2/);
  });

  it('rejects spaces it has no converter for', () => {
    expect(() => unifiedGraph('toy', {})).toThrow(/no converter for space 'toy'; supported: nb201/);
  });
});
