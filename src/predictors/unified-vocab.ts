/**
 * The shared operation vocabulary of the unified graph encoding. Every architecture of every space
 * becomes a DAG with one operation per node (BRP-NAS style) whose node labels come from this one list,
 * so one predictor can train on, and transfer between, NB201, TNB101 micro/macro, NB101 and DARTS.
 *
 * Mapping per space (op of the space → vocabulary entry):
 *
 * | space        | op                                   | unified                      |
 * |--------------|--------------------------------------|------------------------------|
 * | all          | cell / network input(s)              | input                        |
 * | all          | cell / network output                | output                       |
 * | all          | BRP-NAS global node (node 0)         | global                       |
 * | nb201        | nor_conv_1x1, nor_conv_3x3           | conv1x1, conv3x3             |
 * | nb201        | avg_pool_3x3                         | avg_pool_3x3                 |
 * | nb201        | skip_connect / none                  | contracted edge / removed    |
 * | tnb101-micro | conv1x1, conv3x3                     | conv1x1, conv3x3             |
 * | tnb101-micro | skip / zero                          | contracted edge / removed    |
 * | nb101        | conv1x1-bn-relu, conv3x3-bn-relu     | conv1x1, conv3x3             |
 * | nb101        | maxpool3x3                           | max_pool_3x3                 |
 * | darts        | sep_conv_3x3/5x5, dil_conv_3x3/5x5   | the same four names          |
 * | darts        | max_pool_3x3, avg_pool_3x3           | max_pool_3x3, avg_pool_3x3   |
 * | darts        | skip_connect                         | contracted edge              |
 * | tnb101-macro | block digit 1 / 2 / 3 / 4            | res_block, res_block_double, |
 * |              |                                      | res_block_down,              |
 * |              |                                      | res_block_down_double        |
 *
 * Convolutions of NB201, TNB101 micro and NB101 share nodes on purpose (all are ReLU-conv-BN or
 * conv-BN-ReLU of the same kernel), which is what lets a predictor carry knowledge across those spaces.
 * Identity edges carry no operation, so they become plain edges (the op-on-node view has no node for
 * them) and zero edges disappear; nodes that no longer lie on an input→output path are pruned.
 */
export const UNIFIED_VOCAB = [
  'global',
  'input',
  'output',
  'conv1x1',
  'conv3x3',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
  'avg_pool_3x3',
  'max_pool_3x3',
  'res_block',
  'res_block_double',
  'res_block_down',
  'res_block_down_double',
] as const;

export type UnifiedOp = (typeof UNIFIED_VOCAB)[number];

export const VOCAB_SIZE = UNIFIED_VOCAB.length;

export function vocabIndex(op: UnifiedOp): number {
  return UNIFIED_VOCAB.indexOf(op);
}

/**
 * Largest node count (global node included) any supported space produces: a DARTS normal + reduction
 * cell pair has 2 inputs, 8 + 8 operations, 2 outputs and the global node.
 */
export const UNIFIED_MAX_NODES = 21;

/** Per-space upper bounds on the node count (global node included). */
export const SPACE_MAX_NODES: Readonly<Record<string, number>> = {
  nb201: 9,
  'tnb101-micro': 9,
  nb101: 8,
  darts: 21,
  'tnb101-macro': 9,
};
