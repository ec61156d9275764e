import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { NaskitError } from '../util/errors.js';
import { Program } from '../runtime/session.js';
import { Graph } from './graph.js';
import { grad } from './autodiff.js';
import { defineOp } from './op.js';
import { OPSET, serialize } from './onnx.js';
import { add } from './ops/add.js';
import { inferUnary } from './ops/elementwise.js';
import { matMul } from './ops/mat-mul.js';
import { mul } from './ops/mul.js';
import { reduceSum } from './ops/reduce-sum.js';
import { relu } from './ops/relu.js';
import { softmaxCrossEntropy } from './ops/softmax-cross-entropy.js';

const { onnx } = onnxProto;

function buildMlpLoss() {
  const g = new Graph('snapshot');
  const x = g.input('x', [4, 3]);
  const labels = g.input('labels', [4], 'int64');
  const w = g.param('w', [3, 2]);
  const b = g.param('b', [2]);
  const loss = softmaxCrossEntropy(relu(add(matMul(x, w), b)), labels);
  const grads = grad(loss, [w, b]);
  return { g, loss, grads };
}

/** Catch a NaskitError from a sync or async call. */
async function caught(fn: () => unknown): Promise<NaskitError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(NaskitError);
    return err as NaskitError;
  }
  throw new Error('expected a NaskitError');
}

describe('ONNX serialization of a differentiated graph (snapshot)', () => {
  const { g, loss, grads } = buildMlpLoss();
  const bytes = serialize(g, { outputs: [loss, ...grads] }).bytes;
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  // protobufjs types every repeated field as optional; decoded messages always have them.
  const graphNodes = graph.node ?? [];
  const nodes = graphNodes.map((n) => `${n.name}: ${n.opType}`);

  it('declares opset 17 of the default domain and IR version 8', () => {
    expect(OPSET).toBe(17);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(Number(model.irVersion)).toBe(8);
  });

  it('has the forward nodes, then the backward nodes with deterministic names', () => {
    expect(nodes).toEqual([
      'MatMul: MatMul',
      'Add: Add',
      'Relu: Relu',
      'SoftmaxCrossEntropyLoss: SoftmaxCrossEntropyLoss',
      // fused loss gradient: softmax * g/B, then -g/B added at the label column
      'SoftmaxCrossEntropyLoss/grad/Exp: Exp',
      'SoftmaxCrossEntropyLoss/grad/Mul: Mul',
      'SoftmaxCrossEntropyLoss/grad/Reshape: Reshape',
      'SoftmaxCrossEntropyLoss/grad/Neg: Neg',
      'SoftmaxCrossEntropyLoss/grad/Expand: Expand',
      'SoftmaxCrossEntropyLoss/grad/Mul_1: Mul',
      'SoftmaxCrossEntropyLoss/grad/ScatterElements: ScatterElements',
      'Relu/grad/Greater: Greater',
      'Relu/grad/Where: Where',
      // bias gradient: the engine un-broadcasts [4, 2] to [2]
      'Add/grad/ReduceSum: ReduceSum',
      'Add/grad/Reshape: Reshape',
      // weight gradient x^T dY (no gradient is built for x, which nobody asked for)
      'MatMul/grad/Transpose: Transpose',
      'MatMul/grad/MatMul: MatMul',
    ]);
  });

  it('wires inputs, parameters and outputs by name', () => {
    expect((graph.input ?? []).map((v) => v.name)).toEqual(['x', 'labels', 'w', 'b']);
    expect((graph.output ?? []).map((v) => v.name)).toEqual([
      'SoftmaxCrossEntropyLoss:0',
      'MatMul/grad/MatMul',
      'Add/grad/Reshape',
    ]);
    const scatter = graphNodes.find((n) => n.opType === 'ScatterElements')!;
    expect(scatter.input).toEqual([
      'SoftmaxCrossEntropyLoss/grad/Mul_1',
      'SoftmaxCrossEntropyLoss/grad/Reshape',
      'SoftmaxCrossEntropyLoss/grad/Expand',
    ]);
    expect((scatter.attribute ?? []).map((a) => a.name).sort()).toEqual(['axis', 'reduction']);
  });

  it('is topologically ordered: every node input is defined before use', () => {
    const defined = new Set<string>([
      ...(graph.input ?? []).map((v) => v.name!),
      ...(graph.initializer ?? []).map((t) => t.name!),
    ]);
    for (const n of graphNodes) {
      for (const i of n.input ?? []) expect(defined.has(i), `${n.name} reads ${i}`).toBe(true);
      for (const o of n.output ?? []) defined.add(o);
    }
  });

  it('serializes identically when built twice', () => {
    const again = buildMlpLoss();
    const bytes2 = serialize(again.g, { outputs: [again.loss, ...again.grads] }).bytes;
    expect(Buffer.from(bytes2).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('errors name the tensor or op and the shapes', () => {
  it('a missing feed', async () => {
    const g = new Graph('feeds');
    const x = g.input('x', [2, 3]);
    const w = g.param('w', [3, 4]);
    const p = await Program.compile(g, [matMul(x, w)], { threads: 1 });
    try {
      const err = await caught(() => p.run({ x: new Float32Array(6) }));
      expect(err.code).toBe('missing_feed');
      expect(err.message).toMatch(/missing feed 'w' \(float32\[3, 4\]\)/);
      expect(err.message).toMatch(/the model needs: x, w/);
    } finally {
      await p.release();
    }
  });

  it('a feed of the wrong size', async () => {
    const g = new Graph('feeds');
    const x = g.input('x', [2, 3]);
    const p = await Program.compile(g, [mul(x, 2)], { threads: 1 });
    try {
      const err = await caught(() => p.run({ x: new Float32Array(5) }));
      expect(err.code).toBe('shape_mismatch');
      expect(err.message).toMatch(/feed 'x' has 5 values but the model expects float32\[2, 3\] \(6 values\)/);
    } finally {
      await p.release();
    }
  });

  it('an op without a gradient rule', async () => {
    const Floor = defineOp({ type: 'Floor', infer: inferUnary });
    const g = new Graph('novjp');
    const x = g.input('x', [2, 3]);
    const y = g.apply1(Floor, [mul(x, 2)], {}, 'floor_it');
    const err = await caught(() => grad(reduceSum(y), [x]));
    expect(err.code).toBe('no_vjp');
    expect(err.message).toMatch(/no gradient rule for op Floor \(node 'floor_it'\)/);
    expect(err.message).toMatch(/through Mul\[2, 3\]:float32/);
  });

  it('a shape mismatch at build time names the node and both shapes', async () => {
    const g = new Graph('shapes');
    const err = await caught(() => matMul(g.input('a', [2, 3]), g.input('b', [2, 3])));
    expect(err.code).toBe('shape_mismatch');
    expect(err.message).toMatch(/MatMul 'MatMul': \[2, 3\] x \[2, 3\]/);
  });
});

describe('output names', () => {
  it('a tensor listed twice (a shared zero gradient) compiles and runs under distinct names', async () => {
    const g = new Graph('shared-zero');
    const x = g.input('x', [2]);
    const used = g.param('used', [2]);
    const unusedA = g.param('unusedA', [2]);
    const unusedB = g.param('unusedB', [2]);
    const loss = reduceSum(mul(x, used), [0]);
    const grads = grad(loss, [used, unusedA, unusedB], { allowUnused: true });
    const program = await Program.compile(g, [loss, ...grads], { threads: 1 });
    try {
      expect(new Set(program.model.outputNames).size).toBe(4);
      const out = await program.run({
        x: Float32Array.from([1, 2]),
        used: Float32Array.from([3, 4]),
        unusedA: new Float32Array(2),
        unusedB: new Float32Array(2),
      });
      const [, gUsed, gA, gB] = program.model.outputNames.map((n) => Array.from(out[n] as Float32Array));
      expect([gUsed, gA, gB]).toEqual([
        [1, 2],
        [0, 0],
        [0, 0],
      ]);
    } finally {
      await program.release();
    }
  });

  it('refuses the same explicit name twice', async () => {
    const g = new Graph('twice');
    const x = g.input('x', [2]);
    const err = await caught(() => serialize(g, { outputs: [relu(x), x], outputNames: ['y', 'y'] }));
    expect(err.message).toMatch(/output name 'y' is given twice \(outputs 0 and 1\)/);
  });
});
