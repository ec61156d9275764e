/** Zeros built in the graph as a broadcast scalar, not as a full-size initializer in the model. */
import { type DType, type Graph, type Tensor, makeData } from '../graph.js';
import { expand } from './expand.js';

export function zeros(graph: Graph, shape: readonly number[], dtype: DType): Tensor {
  return expand(graph.constant(makeData(dtype, [0]), [], 'zero'), shape);
}

export function zerosLike(x: Tensor): Tensor {
  return zeros(x.graph, x.shape, x.dtype);
}
