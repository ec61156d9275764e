/**
 * Serialization of a graph (or the part of it that some outputs need) to an ONNX ModelProto, using
 * the maintained `onnx-proto` protobuf definitions.
 */
import onnxProto from 'onnx-proto';
import { NaskitError } from '../util/errors.js';
import type { AttrValue, DType, Graph, Node, Tensor, TensorData } from './graph.js';
import { type BranchView, type IfTree, type SwitchOp, isSwitchOp, viewNodes } from './control.js';

const { onnx } = onnxProto;

export const OPSET = 17;
const IR_VERSION = 8;

const ONNX_DTYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

export interface SerializeOptions {
  /** Tensors the model returns, in order. */
  outputs: readonly Tensor[];
  /** Parameters to bake in as initializers (export); all other needed params become model inputs. */
  initializers?: ReadonlyMap<string, TensorData>;
  /** Rename outputs in the model (e.g. 'logits'); defaults to the tensors' own names. */
  outputNames?: readonly string[];
  docString?: string;
  /**
   * Declare dim 0 of every model input and output as the symbolic 'batch' (for exported models).
   * Only valid when no op in the graph bakes the batch size into a constant (use Flatten, or Reshape
   * with 0 to copy a dim).
   */
  dynamicBatch?: boolean;
}

export interface SerializedModel {
  bytes: Uint8Array;
  /** Names of the model's inputs, in order: data inputs first, then parameters. */
  inputNames: string[];
  paramNames: string[];
  outputNames: string[];
  nodeCount: number;
}

/** Nodes needed to compute `outputs`, in topological order. */
export function neededNodes(graph: Graph, outputs: readonly Tensor[]): Node[] {
  const need = new Set<Node>();
  for (const t of outputs) if (t.producer) need.add(t.producer);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (!need.has(node)) continue;
    for (const t of node.inputs) if (t?.producer) need.add(t.producer);
  }
  return graph.nodes.filter((n) => need.has(n));
}

/**
 * Output names: the given ones (which must be distinct), else each tensor's own name — with ':out' for
 * a graph input, parameter or constant (the Identity that exposes it needs a name of its own), and an
 * ':i' suffix for a tensor listed again (e.g. one shared zero gradient for several unused parameters).
 */
function uniqueOutputNames(outputs: readonly Tensor[], given?: readonly string[]): string[] {
  const seen = new Set<string>();
  return outputs.map((t, i) => {
    const explicit = given?.[i];
    let name = explicit ?? (t.source.kind === 'node' ? t.name : `${t.name}:out`);
    if (seen.has(name)) {
      if (explicit !== undefined) {
        throw new NaskitError(
          'invalid_argument',
          `output name '${name}' is given twice (outputs ${given!.indexOf(name)} and ${i}); output names must be distinct`,
        );
      }
      name = `${t.name}:${i}`;
    }
    seen.add(name);
    return name;
  });
}

export function serialize(graph: Graph, options: SerializeOptions): SerializedModel {
  const nodes = neededNodes(graph, options.outputs);
  const used = new Set<Tensor>();
  for (const n of nodes) for (const t of n.inputs) if (t) used.add(t);
  for (const t of options.outputs) used.add(t);

  const initializers = options.initializers ?? new Map<string, TensorData>();
  const inputs = graph.inputs.filter((t) => used.has(t));
  const params = graph.params.filter((t) => used.has(t) && !initializers.has(t.name));
  const baked = graph.params.filter((t) => used.has(t) && initializers.has(t.name));
  const constants = graph.constants.filter((t) => used.has(t));

  const outputNames = uniqueOutputNames(options.outputs, options.outputNames);
  const renames = new Map<Tensor, string>();
  const graphOutputs: ReturnType<typeof valueInfo>[] = [];
  const extraNodes: InstanceType<typeof onnx.NodeProto>[] = [];
  options.outputs.forEach((t, i) => {
    const name = outputNames[i]!;
    // An output that is also an input, or listed twice, or renamed, needs an Identity to exist.
    if (name !== t.name || t.source.kind !== 'node' || renames.has(t)) {
      extraNodes.push(
        onnx.NodeProto.create({ opType: 'Identity', input: [t.name], output: [name], name: `out/${name}` }),
      );
    }
    renames.set(t, name);
    graphOutputs.push(valueInfo(name, t, options.dynamicBatch));
  });

  const counter = { nodes: 0 };
  const nodeProtos = nodes.map((n) => nodeProto(n, (t) => t.name, counter));

  const graphProto = onnx.GraphProto.create({
    name: graph.name,
    node: [...nodeProtos, ...extraNodes],
    input: [
      ...inputs.map((t) => valueInfo(t.name, t, options.dynamicBatch)),
      ...params.map((t) => valueInfo(t.name, t)),
    ],
    output: graphOutputs,
    initializer: [
      ...constants.map((t) => tensorProto(t.name, t, (t.source as { data: TensorData }).data)),
      ...baked.map((t) => tensorProto(t.name, t, initializers.get(t.name)!)),
    ],
  });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'naskit',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: graphProto,
    docString: options.docString ?? '',
  });
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    inputNames: [...inputs, ...params].map((t) => t.name),
    paramNames: params.map((t) => t.name),
    outputNames,
    nodeCount: counter.nodes + extraNodes.length,
  };
}

type NameOf = (t: Tensor) => string;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type GraphProto = InstanceType<typeof onnx.GraphProto>;

/** One graph node as ONNX; `nameOf` gives the name its inputs have where the node is emitted. */
function nodeProto(n: Node, nameOf: NameOf, counter: { nodes: number }): NodeProto {
  counter.nodes++;
  if (isSwitchOp(n.op)) return switchProto(n, n.op, nameOf, counter);
  return onnx.NodeProto.create({
    name: n.name,
    opType: n.op.type,
    domain: n.op.domain ?? '',
    input: n.inputs.map((t) => (t ? nameOf(t) : '')),
    output: n.outputs.map((t) => t.name),
    attribute: Object.entries(n.attrs).map(([name, value]) => attribute(name, value)),
  });
}

/**
 * A switch as nested `If` nodes. Every sub-graph reads enclosing values by name (ONNX outer scope);
 * sub-graph-local names (inner If outputs, output Identities) are derived from the switch's own name.
 */
function switchProto(n: Node, op: SwitchOp, nameOf: NameOf, counter: { nodes: number }): NodeProto {
  const tree = op.ifTree();
  if (tree.kind !== 'if') throw new NaskitError('invalid_argument', `switch '${n.name}' has one branch`);
  return ifProto(
    tree,
    n.name,
    n.outputs.map((t) => t.name),
    n.outputs,
    nameOf,
    counter,
  );
}

function ifProto(
  tree: Extract<IfTree, { kind: 'if' }>,
  label: string,
  outputNames: readonly string[],
  outputs: readonly Tensor[],
  nameOf: NameOf,
  counter: { nodes: number },
): NodeProto {
  const branch = (name: string, sub: IfTree) =>
    onnx.AttributeProto.create({
      name,
      type: onnx.AttributeProto.AttributeType.GRAPH,
      g: branchGraph(sub, `${label}/${name === 'then_branch' ? 'then' : 'else'}`, outputs, nameOf, counter),
    });
  return onnx.NodeProto.create({
    name: label,
    opType: 'If',
    input: [nameOf(tree.cond)],
    output: [...outputNames],
    attribute: [branch('then_branch', tree.then), branch('else_branch', tree.else)],
  });
}

function branchGraph(
  tree: IfTree,
  label: string,
  outputs: readonly Tensor[],
  nameOf: NameOf,
  counter: { nodes: number },
): GraphProto {
  if (tree.kind === 'branch') return viewGraph(tree.view, label, nameOf, counter);
  // A further split: this sub-graph is one If whose outputs it returns (shapes may differ by branch).
  const names = outputs.map((_, j) => `${label}#${j}`);
  return onnx.GraphProto.create({
    name: label,
    node: [ifProto(tree, `${label}/if`, names, outputs, nameOf, counter)],
    output: names.map((name, j) => typeOnlyValueInfo(name, outputs[j]!.dtype)),
  });
}

function viewGraph(
  view: BranchView,
  label: string,
  outerNameOf: NameOf,
  counter: { nodes: number },
): GraphProto {
  const nameOf: NameOf = (t) => {
    const outer = view.external.get(t) ?? view.graph.originOf(t);
    return outer ? outerNameOf(outer) : t.name;
  };
  const node = viewNodes(view).map((n) => nodeProto(n, nameOf, counter));
  const seen = new Set<string>();
  const outputNames = view.outputs.map((t, j) => {
    // A value from outside, or returned twice, is passed through an Identity of its own.
    const local = t.source.kind === 'node' && !view.external.has(t) && !seen.has(t.name);
    const name = local ? t.name : `${label}#${j}`;
    if (!local) {
      counter.nodes++;
      node.push(onnx.NodeProto.create({ opType: 'Identity', input: [nameOf(t)], output: [name], name }));
    }
    seen.add(name);
    return name;
  });
  return onnx.GraphProto.create({
    name: label,
    node,
    output: outputNames.map((name, j) => valueInfo(name, view.outputs[j]!)),
  });
}

function typeOnlyValueInfo(name: string, dtype: DType) {
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: ONNX_DTYPE[dtype] } } });
}

function valueInfo(name: string, t: Tensor, dynamicBatch = false) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: ONNX_DTYPE[t.dtype],
        shape: {
          dim: t.shape.map((d, i) => (dynamicBatch && i === 0 ? { dimParam: 'batch' } : { dimValue: d })),
        },
      },
    },
  });
}

function tensorProto(name: string, t: Tensor, data: TensorData) {
  if (data.length !== t.size) {
    throw new NaskitError(
      'shape_mismatch',
      `initializer '${name}' has ${data.length} values, shape needs ${t.size}`,
    );
  }
  return onnx.TensorProto.create({
    name,
    dims: [...t.shape],
    dataType: ONNX_DTYPE[t.dtype],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

function attribute(name: string, value: AttrValue) {
  const T = onnx.AttributeProto.AttributeType;
  switch (value.kind) {
    case 'int':
      return onnx.AttributeProto.create({ name, type: T.INT, i: value.value });
    case 'ints':
      return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...value.value] });
    case 'float':
      return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.value });
    case 'floats':
      return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...value.value] });
    case 'string':
      return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value.value) });
  }
}
