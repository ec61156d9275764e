/**
 * The winning cell as a graph, drawn by Vega, for spaces whose architecture is one cell of the 4-node
 * DAG (`SearchSpace.cellOps`: NB201, TNB101 micro): the four nodes on a line (input, two inner nodes,
 * output), each edge i→j an arc labelled with its operation and coloured by it. Edges whose op is a
 * zero op (no connection) are drawn as faint dashed arcs so the cell's full shape stays visible.
 */
import type { Spec } from 'vega';
import { CELL_EDGES } from '../../../spaces/cell-dag.js';
import type { AnySpace } from '../../../spaces/space.js';

/** Colours by op kind, in legend order; the names are NB201's and TNB101's. */
const OP_COLOURS: readonly (readonly [op: string, colour: string])[] = [
  ['nor_conv_3x3', '#d62728'],
  ['conv3x3', '#d62728'],
  ['nor_conv_1x1', '#ff7f0e'],
  ['conv1x1', '#ff7f0e'],
  ['avg_pool_3x3', '#1f77b4'],
  ['skip_connect', '#2ca02c'],
  ['skip', '#2ca02c'],
  ['none', '#bbbbbb'],
  ['zero', '#bbbbbb'],
];
const ZERO_OPS = new Set(['none', 'zero']);

const NODE_X = [60, 210, 360, 510];
const BASE_Y = 145;

interface EdgeDatum {
  path: string;
  op: string;
  label: string;
  lx: number;
  ly: number;
  none: boolean;
}

/** Vega spec of the cell of an architecture string; null when the space's architectures are not such a cell. */
export function cellGraphSpec(space: AnySpace, arch: string): Spec | null {
  if (!space.cellOps) return null;
  const ops = space.cellOps(space.parse(arch));
  const colours = OP_COLOURS.filter(([op]) => space.ops.includes(op));
  const edges: EdgeDatum[] = CELL_EDGES.map(({ from, to }, e) => {
    const x1 = NODE_X[from]!;
    const x2 = NODE_X[to]!;
    const span = to - from;
    // Neighbours are straight; 0→2 arcs above, 1→3 below, 0→3 higher above, so no two arcs cross
    // and every label sits just off its own edge (a quadratic curve peaks at half its control offset).
    const bend = span === 1 ? 0 : span === 3 ? -120 : from === 0 ? -60 : 60;
    const cx = (x1 + x2) / 2;
    const path = `M${x1},${BASE_Y} Q${cx},${BASE_Y + bend * 2} ${x2},${BASE_Y}`;
    const op = ops[e]!;
    return {
      path,
      op,
      label: op,
      lx: cx,
      ly: BASE_Y + bend + (bend > 0 ? 12 : -10),
      none: ZERO_OPS.has(op),
    };
  });
  const nodes = NODE_X.map((x, i) => ({ x, y: BASE_Y, label: i === 0 ? 'in' : i === 3 ? 'out' : String(i) }));
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 570,
    height: 230,
    padding: 5,
    background: 'white',
    data: [
      { name: 'edges', values: edges },
      { name: 'nodes', values: nodes },
    ],
    scales: [
      {
        name: 'color',
        type: 'ordinal',
        domain: colours.map(([op]) => op),
        range: colours.map(([, colour]) => colour),
      },
    ],
    legends: [{ fill: 'color', title: 'operation', orient: 'right' }],
    marks: [
      {
        type: 'path',
        from: { data: 'edges' },
        encode: {
          enter: {
            path: { field: 'path' },
            stroke: { scale: 'color', field: 'op' },
            strokeWidth: { signal: 'datum.none ? 1.5 : 3.5' },
            strokeDash: { signal: 'datum.none ? [4, 4] : [1, 0]' },
            fill: { value: 'transparent' },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'edges' },
        encode: {
          enter: {
            x: { field: 'lx' },
            y: { field: 'ly' },
            text: { field: 'label' },
            align: { value: 'center' },
            baseline: { value: 'middle' },
            fontSize: { value: 11 },
            fill: { signal: "datum.none ? '#999999' : '#222222'" },
          },
        },
      },
      {
        type: 'symbol',
        from: { data: 'nodes' },
        encode: {
          enter: {
            x: { field: 'x' },
            y: { field: 'y' },
            size: { value: 900 },
            fill: { value: '#f4f4f4' },
            stroke: { value: '#333333' },
            strokeWidth: { value: 1.5 },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'nodes' },
        encode: {
          enter: {
            x: { field: 'x' },
            y: { field: 'y' },
            text: { field: 'label' },
            align: { value: 'center' },
            baseline: { value: 'middle' },
            fontWeight: { value: 'bold' },
            fontSize: { value: 12 },
          },
        },
      },
    ],
  };
}
