/**
 * The one list of ops in naskit. Every OpDef that user code can create appears here exactly once,
 * with either a gradient rule or `nonDifferentiable: true` (checked by index.test.ts).
 */
import type { OpDef } from '../op.js';
import { Abs } from './abs.js';
import { Add } from './add.js';
import { AveragePool } from './average-pool.js';
import { BatchNormalization } from './batch-normalization.js';
import { Cast } from './cast.js';
import { Clip } from './clip.js';
import { Concat } from './concat.js';
import { Conv } from './conv.js';
import { ConvTranspose } from './conv-transpose.js';
import { Div } from './div.js';
import { Equal } from './equal.js';
import { Exp } from './exp.js';
import { Expand } from './expand.js';
import { Flatten } from './flatten.js';
import { Gather } from './gather.js';
import { GatherElements } from './gather-elements.js';
import { GatherND } from './gather-nd.js';
import { Gemm } from './gemm.js';
import { GlobalAveragePool } from './global-average-pool.js';
import { Greater } from './greater.js';
import { Identity } from './identity.js';
import { Less } from './less.js';
import { Log } from './log.js';
import { LogSoftmax } from './log-softmax.js';
import { MatMul } from './mat-mul.js';
import { Max } from './max.js';
import { MaxPool } from './max-pool.js';
import { Min } from './min.js';
import { Mul } from './mul.js';
import { Neg } from './neg.js';
import { Pad } from './pad.js';
import { Pow } from './pow.js';
import { RandomUniform } from './random-uniform.js';
import { ReduceMax } from './reduce-max.js';
import { ReduceMean } from './reduce-mean.js';
import { ReduceSum } from './reduce-sum.js';
import { Relu } from './relu.js';
import { Reshape } from './reshape.js';
import { ScatterElements } from './scatter-elements.js';
import { ScatterND } from './scatter-nd.js';
import { Sigmoid } from './sigmoid.js';
import { Sign } from './sign.js';
import { Slice } from './slice.js';
import { Softmax } from './softmax.js';
import { Split } from './split.js';
import { SoftmaxCrossEntropyLoss } from './softmax-cross-entropy.js';
import { Sqrt } from './sqrt.js';
import { Sub } from './sub.js';
import { Sum } from './sum.js';
import { Tanh } from './tanh.js';
import { Transpose } from './transpose.js';
import { Where } from './where.js';

export const OPS: readonly OpDef[] = [
  // elementwise arithmetic and math
  Add,
  Sub,
  Mul,
  Div,
  Neg,
  Pow,
  Sum,
  Max,
  Min,
  Abs,
  Sign,
  Exp,
  Log,
  Sqrt,
  Tanh,
  Sigmoid,
  Relu,
  Clip,
  Identity,
  Cast,
  RandomUniform,
  // comparison and selection
  Greater,
  Less,
  Equal,
  Where,
  // reductions and normalisers
  ReduceSum,
  ReduceMean,
  ReduceMax,
  Softmax,
  LogSoftmax,
  SoftmaxCrossEntropyLoss,
  // linear algebra
  MatMul,
  Gemm,
  // shape and layout
  Reshape,
  Expand,
  Flatten,
  Transpose,
  Concat,
  Split,
  Slice,
  Pad,
  // indexing
  Gather,
  GatherElements,
  ScatterElements,
  GatherND,
  ScatterND,
  // convolution, pooling, normalisation
  Conv,
  ConvTranspose,
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  BatchNormalization,
];

/** Look an op up by its ONNX type. */
export function opByType(type: string): OpDef | undefined {
  return OPS.find((op) => op.type === type);
}
