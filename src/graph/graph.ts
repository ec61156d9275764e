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
  param(name: string, shape: readonly number[], options: ParamOptions = {}, dtype: DType = 'float32'): Tensor {
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
    const t = new Tensor(this, this.uniqueName(name), [...shape], dtypeOfData(data), {
      kind: 'constant',
      data,
    });
    this.constants.push(t);
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

  /** Create a node of `op`, inferring its outputs. Builders call this; users call the builders. */
  apply(op: OpDef, inputs: readonly (Tensor | null)[], attrs: Attrs = {}, nameHint?: string): Tensor[] {
    for (const t of inputs) {
      if (t && t.graph !== this) {
        throw new NaskitError('invalid_argument', `${op.type}: input ${t.name} belongs to another graph`);
      }
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
    const node: Node = { id: this.nodes.length, name, op, inputs: [...inputs], outputs, attrs };
    specs.forEach((spec, index) => {
      const outName = specs.length === 1 ? name : `${name}:${index}`;
      this.names.add(outName);
      outputs.push(new Tensor(this, outName, [...spec.shape], spec.dtype, { kind: 'node', node, index }));
    });
    this.nodes.push(node);
    return outputs;
  }

  apply1(op: OpDef, inputs: readonly (Tensor | null)[], attrs: Attrs = {}, nameHint?: string): Tensor {
    return this.apply(op, inputs, attrs, nameHint)[0]!;
  }
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
