/**
 * Symbolic graphs. A `Graph` owns typed tensors with fully static shapes and the nodes that produce
 * them. Nodes are appended in creation order, which is always a topological order: autodiff walks it
 * backwards and serialization walks it forwards.
 */
import { NaskitError, formatShape } from '../util/errors.js';
import type { OpDef } from './op.js';
import type { InitSpec, ParamOptions } from './init-spec.js';

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string };

export type Attrs = Readonly<Record<string, AttrValue>>;

export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  floats: (value: readonly number[]): AttrValue => ({ kind: 'floats', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
};

export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

/** Where a tensor's value comes from when the graph is run. */
export type TensorSource =
  | { kind: 'input' } // fed at run time (data, labels)
  | { kind: 'param' } // fed from a parameter store, or baked in as an initializer on export
  | { kind: 'constant'; data: TensorData } // always an initializer
  | { kind: 'node'; node: Node; index: number }
  // A branch graph's stand-in for a tensor of an enclosing graph (ONNX outer-scope reference by name).
  // Captured constants keep their 'constant' source so shape/axes operands stay readable.
  | { kind: 'outer'; origin: Tensor };

export interface TensorSpec {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export class Tensor implements TensorSpec {
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly source: TensorSource,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get producer(): Node | null {
    return this.source.kind === 'node' ? this.source.node : null;
  }

  toString(): string {
    return `${this.name}${formatShape(this.shape)}:${this.dtype}`;
  }
}

export interface Node {
  readonly id: number;
  readonly name: string;
  /**
   * Names under which this node was requested again and merged (see `Graph.apply`), e.g. the ReLU
   * of one tensor on several edges. Code that counts modules (nwot's one code per ReLU) reads them.
   */
  readonly aliases: string[];
  readonly op: OpDef;
  readonly inputs: readonly (Tensor | null)[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Attrs;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Names shared by a root graph and its branch graphs: an ONNX model names each value once. */
class NameRegistry {
  readonly used = new Set<string>();
  counter = 0;
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Tensor[] = [];
  readonly params: Tensor[] = [];
  readonly constants: Tensor[] = [];
  /** Per-parameter metadata (initializer, trainable, weight decay), keyed by full parameter name. */
  readonly paramOptions = new Map<string, ParamOptions>();
  private readonly registry: NameRegistry;
  /** Nodes and small constants by content, so equal subexpressions are built once (see `apply`). */
  private readonly nodesByKey = new Map<string, Node>();
  private readonly constantsByKey = new Map<string, Tensor>();
  private readonly paramsByName = new Map<string, Tensor>();
  /** Branch graphs only: enclosing-graph tensor → its local stand-in, and back. */
  private readonly captures = new Map<Tensor, Tensor>();
  private readonly origins = new Map<Tensor, Tensor>();
  private scopes: string[] = [];

  /**
   * `parent` makes this a branch graph (a sub-graph of a control-flow node, see `control.ts`): it
   * shares the parent's names and current scope, reads the parent's tensors through `capture`, and
   * hoists its parameters and constants to the root graph.
   */
  constructor(
    readonly name = 'naskit',
    readonly parent: Graph | null = null,
  ) {
    this.registry = parent ? parent.registry : new NameRegistry();
    if (parent) this.scopes = [...parent.scopes];
  }

  get root(): Graph {
    return this.parent ? this.parent.root : this;
  }

  /** A branch graph under this one, for one branch of a control-flow node. */
  branch(name: string): Graph {
    return new Graph(`${this.name}/${name}`, this);
  }

  /**
   * This graph's stand-in for `t`, a tensor of this graph or of an enclosing one (captured level by
   * level, so every enclosing branch graph knows what it reads from outside).
   */
  capture(t: Tensor): Tensor {
    if (t.graph === this) return t;
    if (!this.parent) {
      throw new NaskitError(
        'invalid_argument',
        `graph '${this.name}': tensor ${t.name} belongs to another graph ('${t.graph.name}'), not to this one or a graph enclosing it`,
      );
    }
    const outer = this.parent.capture(t);
    let local = this.captures.get(outer);
    if (!local) {
      const source: TensorSource =
        outer.source.kind === 'constant' ? outer.source : { kind: 'outer', origin: outer };
      local = new Tensor(this, outer.name, outer.shape, outer.dtype, source);
      this.captures.set(outer, local);
      this.origins.set(local, outer);
    }
    return local;
  }

  /** The local stand-in of a parent-graph tensor, if this branch graph captured it. */
  capturedOf(outer: Tensor): Tensor | undefined {
    return this.captures.get(outer);
  }

  /** The parent-graph tensor a captured stand-in reads, if `t` is one. */
  originOf(t: Tensor): Tensor | undefined {
    return this.origins.get(t);
  }

  /** A parameter of this (root) graph by full name. */
  findParam(name: string): Tensor | undefined {
    return this.paramsByName.get(name);
  }

  /**
   * Give `node` more inputs and outputs after it was built: a control-flow node exports, when it is
   * differentiated, the intermediates its backward pass reads. Output names are `base` (unscoped),
   * made unique.
   */
  extendNode(node: Node, inputs: readonly Tensor[], outputs: readonly TensorSpec[], base: string): Tensor[] {
    const nodeInputs = node.inputs as (Tensor | null)[];
    for (const t of inputs) if (!nodeInputs.includes(t)) nodeInputs.push(t);
    return outputs.map((spec) => {
      const t = new Tensor(this, this.freshName(base), [...spec.shape], spec.dtype, {
        kind: 'node',
        node,
        index: node.outputs.length,
      });
      (node.outputs as Tensor[]).push(t);
      return t;
    });
  }

  /** Prefix node and tensor names created inside `fn` (e.g. `cell3/edge1`), for readable graphs. */
  scope<T>(prefix: string, fn: () => T): T {
    this.scopes.push(prefix);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** A fresh, unique name under the current scope. */
  uniqueName(base: string): string {
    return this.freshName(this.scopes.length > 0 ? `${this.scopes.join('/')}/${base}` : base);
  }

  /** `scoped` itself if unused, else `scoped_<n>`; claimed in the names shared with branch graphs. */
  private freshName(scoped: string): string {
    const names = this.registry;
    if (!names.used.has(scoped)) {
      names.used.add(scoped);
      return scoped;
    }
    let name = `${scoped}_${++names.counter}`;
    while (names.used.has(name)) name = `${scoped}_${++names.counter}`;
    names.used.add(name);
    return name;
  }

  private claim(name: string, what: string): void {
    if (this.registry.used.has(name)) {
      throw new NaskitError(
        'invalid_argument',
        `graph '${this.name}': ${what} name '${name}' is already used`,
      );
    }
    this.registry.used.add(name);
  }

  input(name: string, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, `input '${name}'`);
    if (this.parent) {
      throw new NaskitError(
        'invalid_argument',
        `graph '${this.name}' is a branch graph: declare input '${name}' on the root graph and capture it`,
      );
    }
    this.claim(name, 'input');
    const t = new Tensor(this, name, [...shape], dtype, { kind: 'input' });
    this.inputs.push(t);
    return t;
  }

  /** A parameter; its value lives in a parameter store under exactly this (scoped) name. */
  param(
    name: string,
    shape: readonly number[],
    options: ParamOptions = {},
    dtype: DType = 'float32',
  ): Tensor {
    checkShape(shape, `param '${name}'`);
    const full = this.scopes.length > 0 ? `${this.scopes.join('/')}/${name}` : name;
    if (this.parent) return this.capture(this.root.hoistParam(full, shape, options, dtype));
    return this.declareParam(full, shape, options, dtype);
  }

  private declareParam(full: string, shape: readonly number[], options: ParamOptions, dtype: DType): Tensor {
    this.claim(full, 'param');
    const t = new Tensor(this, full, [...shape], dtype, { kind: 'param' });
    this.params.push(t);
    this.paramsByName.set(full, t);
    this.paramOptions.set(full, options);
    return t;
  }

  /**
   * A parameter declared inside a branch graph lives at the root. Several builds (the branches of one
   * switch, a forward and a backward) may declare it: they get the same tensor.
   */
  private hoistParam(full: string, shape: readonly number[], options: ParamOptions, dtype: DType): Tensor {
    const known = this.paramsByName.get(full);
    if (!known) return this.declareParam(full, shape, options, dtype);
    if (
      known.dtype !== dtype ||
      known.shape.length !== shape.length ||
      known.shape.some((d, i) => d !== shape[i])
    ) {
      throw new NaskitError(
        'shape_mismatch',
        `param '${full}' is declared as ${dtype}${formatShape(shape)} but already exists as ${known}`,
      );
    }
    return known;
  }

  constant(data: TensorData, shape: readonly number[], name = 'const'): Tensor {
    checkShape(shape, `constant '${name}'`);
    if (this.parent) return this.capture(this.root.constant(data, shape, name));
    if (data.length !== sizeOf(shape)) {
      throw new NaskitError(
        'shape_mismatch',
        `constant '${name}': ${data.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} needed)`,
      );
    }
    const key = data.length <= SHARED_CONSTANT_MAX ? constantKey(data, shape) : null;
    const known = key === null ? undefined : this.constantsByKey.get(key);
    if (known) return known;
    const t = new Tensor(this, this.uniqueName(name), [...shape], dtypeOfData(data), {
      kind: 'constant',
      data,
    });
    this.constants.push(t);
    if (key !== null) this.constantsByKey.set(key, t);
    return t;
  }

  /** Parameters updated by gradients (excludes state such as BN running statistics). */
  trainableParams(): Tensor[] {
    return this.params.filter((p) => this.paramOptions.get(p.name)?.trainable !== false);
  }

  initOf(name: string): InitSpec | undefined {
    return this.paramOptions.get(name)?.init;
  }

  scalar(value: number, dtype: DType = 'float32'): Tensor {
    return this.constant(makeData(dtype, [value]), [], 'scalar');
  }

  /** int64 1-D constant, the form ONNX wants for shapes, axes, starts/ends. */
  int64s(values: readonly number[], name = 'ints'): Tensor {
    return this.constant(
      BigInt64Array.from(values, (v) => BigInt(v)),
      [values.length],
      name,
    );
  }

  /**
   * Create a node of `op`, inferring its outputs. Builders call this; users call the builders.
   * A node equal to an existing one (same op, inputs and attributes; not a random op) is not built
   * again: its outputs are returned. Builders and gradient rules can then recompute freely (the
   * ReLU of one input on every edge of a mixed op, the same reshape in several VJPs) and the ONNX
   * model stays small — ORT's own common-subexpression pass is superlinear on large training graphs.
   */
  apply(op: OpDef, inputs: readonly (Tensor | null)[], attrs: Attrs = {}, nameHint?: string): Tensor[] {
    if (inputs.some((t) => t && t.graph !== this)) {
      // A branch graph reads enclosing tensors through stand-ins; elsewhere this is an error.
      inputs = inputs.map((t) => {
        if (!t || t.graph === this) return t;
        if (!this.parent) {
          throw new NaskitError('invalid_argument', `${op.type}: input ${t.name} belongs to another graph`);
        }
        return this.capture(t);
      });
    }
    const key = op.impure ? null : nodeKey(op, inputs, attrs);
    const existing = key === null ? undefined : this.nodesByKey.get(key);
    if (existing) {
      existing.aliases.push(this.uniqueName(nameHint ?? op.type));
      return [...existing.outputs];
    }
    const name = this.uniqueName(nameHint ?? op.type);
    let specs: TensorSpec[];
    try {
      specs = op.infer(inputs, attrs);
    } catch (err) {
      if (err instanceof NaskitError) {
        throw new NaskitError(err.code, `${op.type} '${name}': ${err.message}`, { cause: err });
      }
      throw err;
    }
    const outputs: Tensor[] = [];
    const node: Node = { id: this.nodes.length, name, aliases: [], op, inputs: [...inputs], outputs, attrs };
    specs.forEach((spec, index) => {
      const outName = specs.length === 1 ? name : `${name}:${index}`;
      this.registry.used.add(outName);
      outputs.push(new Tensor(this, outName, [...spec.shape], spec.dtype, { kind: 'node', node, index }));
    });
    this.nodes.push(node);
    if (key !== null) this.nodesByKey.set(key, node);
    return outputs;
  }

  apply1(op: OpDef, inputs: readonly (Tensor | null)[], attrs: Attrs = {}, nameHint?: string): Tensor {
    return this.apply(op, inputs, attrs, nameHint)[0]!;
  }
}

/** Constants up to this many elements are shared by value (shapes, axes, scalars). */
const SHARED_CONSTANT_MAX = 256;

function constantKey(data: TensorData, shape: readonly number[]): string {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  return `${dtypeOfData(data)}|${shape.join(',')}|${bytes}`;
}

function nodeKey(op: OpDef, inputs: readonly (Tensor | null)[], attrs: Attrs): string {
  const attrText = Object.keys(attrs)
    .sort()
    .map((name) => {
      const a = attrs[name]!;
      const v = a.value;
      return `${name}=${a.kind}:${typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? v.map(numberText).join(',') : numberText(v as number)}`;
    })
    .join(';');
  // Keyed by the definition, not the ONNX type: two definitions of one type can differ (MaxPool with
  // and without its Indices output).
  return `${opId(op)}:${op.type}(${inputs.map((t) => (t ? t.name : '-')).join(',')}){${attrText}}`;
}

const opIds = new WeakMap<OpDef, number>();
let nextOpId = 1;
function opId(op: OpDef): number {
  let id = opIds.get(op);
  if (id === undefined) {
    id = nextOpId++;
    opIds.set(op, id);
  }
  return id;
}

/** Exact text of a number (String() would merge -0 with 0). */
function numberText(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function checkShape(shape: readonly number[], what: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new NaskitError(
        'shape_mismatch',
        `${what}: shape ${formatShape(shape)} has a non-integer or negative dim`,
      );
    }
  }
}

export function dtypeOfData(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

export function makeData(dtype: DType, values: readonly number[]): TensorData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(v));
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
  }
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}
