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
  | { kind: 'node'; node: Node; index: number };

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

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Tensor[] = [];
  readonly params: Tensor[] = [];
  readonly constants: Tensor[] = [];
  /** Per-parameter metadata (initializer, trainable, weight decay), keyed by full parameter name. */
  readonly paramOptions = new Map<string, ParamOptions>();
  private readonly names = new Set<string>();
  /** Nodes and small constants by content, so equal subexpressions are built once (see `apply`). */
  private readonly nodesByKey = new Map<string, Node>();
  private readonly constantsByKey = new Map<string, Tensor>();
  private counter = 0;
  private scopes: string[] = [];

  constructor(readonly name = 'naskit') {}

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
    const scoped = this.scopes.length > 0 ? `${this.scopes.join('/')}/${base}` : base;
    if (!this.names.has(scoped)) {
      this.names.add(scoped);
      return scoped;
    }
    let name = `${scoped}_${++this.counter}`;
    while (this.names.has(name)) name = `${scoped}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  private claim(name: string, what: string): void {
    if (this.names.has(name)) {
      throw new NaskitError(
        'invalid_argument',
        `graph '${this.name}': ${what} name '${name}' is already used`,
      );
    }
    this.names.add(name);
  }

  input(name: string, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, `input '${name}'`);
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
    this.claim(full, 'param');
    const t = new Tensor(this, full, [...shape], dtype, { kind: 'param' });
    this.params.push(t);
    this.paramOptions.set(full, options);
    return t;
  }

  constant(data: TensorData, shape: readonly number[], name = 'const'): Tensor {
    checkShape(shape, `constant '${name}'`);
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
    for (const t of inputs) {
      if (t && t.graph !== this) {
        throw new NaskitError('invalid_argument', `${op.type}: input ${t.name} belongs to another graph`);
      }
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
      this.names.add(outName);
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
