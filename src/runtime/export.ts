/**
 * Export a trained network as a self-contained inference ONNX model: the eval graph (batch-norm on
 * running statistics) with every parameter baked in as an initializer and a symbolic batch dimension,
 * so any ONNX runtime can load it with no naskit code.
 */
import { serialize } from '../graph/onnx.js';
import type { NetworkSpec } from '../graph/network.js';
import { NaskitError } from '../util/errors.js';
import { buildEvalGraph, type ParamSource } from './train-program.js';

export interface ExportResult {
  bytes: Uint8Array;
  inputName: string;
  outputName: string;
  nodeCount: number;
}

export function exportOnnx(net: NetworkSpec, params: ParamSource, docString = ''): ExportResult {
  // Shapes are static inside naskit; the exported model declares the batch symbolic, and the
  // builders avoid baking the batch size into constants, so a placeholder batch of 1 suffices.
  const { graph, logits } = buildEvalGraph(net, 1);
  const initializers = new Map<string, Float32Array>();
  for (const p of graph.params) {
    let value: Float32Array;
    try {
      value = params.get(p.name);
    } catch (err) {
      throw new NaskitError('not_found', `export of ${net.name}: no value for parameter ${p.name}`, {
        cause: err,
      });
    }
    if (value.length !== p.size) {
      throw new NaskitError(
        'shape_mismatch',
        `export of ${net.name}: parameter ${p.name} has ${value.length} values, the network needs ${p.size}`,
      );
    }
    initializers.set(p.name, value);
  }
  const model = serialize(graph, {
    outputs: [logits],
    outputNames: ['logits'],
    initializers,
    dynamicBatch: true,
    docString: docString || `naskit export of ${net.name}`,
  });
  return { bytes: model.bytes, inputName: 'input', outputName: 'logits', nodeCount: model.nodeCount };
}

/** Write atomically: a crash mid-write never leaves a truncated model under the final name. */
