/**
 * Checkpoints in the safetensors format, so the weights open directly in Python
 * (`safetensors.numpy.load_file`) and other tools: an 8-byte little-endian header length, a JSON
 * header mapping each tensor name to {dtype, shape, data_offsets} plus a `__metadata__` string map,
 * then the raw little-endian tensor bytes, packed back to back.
 *
 * A naskit checkpoint stores each parameter under its own name, optimizer state under
 * `optimizer/<slot>/<param>`, and in `__metadata__`: `naskit.format`, the parameter kinds
 * (`naskit.buffers`, `naskit.no_decay`), the optimizer's kind/hyperparameters/step counts
 * (`naskit.optimizer`) and the caller's JSON (`naskit.user`). Saves are atomic: the file is written
 * to a temporary name in the same folder, flushed, then renamed over the target, so an interrupted
 * save leaves any previous checkpoint intact.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { NaskitError, formatShape } from '../util/errors.js';
import type { Optimizer, OptimizerState } from './optim.js';
import { ParamStore } from './params.js';

export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'I64' | 'U8';
export type SafetensorsData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface SafetensorsTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: SafetensorsData;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, I32: 4, I64: 8, U8: 1 };
const MAX_HEADER = 100 * 1024 * 1024;
const FORMAT = 'naskit-checkpoint/1';
const OPTIM_PREFIX = 'optimizer/';

function dtypeOf(data: SafetensorsData): SafetensorsDtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof BigInt64Array) return 'I64';
  return 'U8';
}

function requireLittleEndian(): void {
  if (endianness() !== 'LE') {
    throw new NaskitError(
      'runtime_failure',
      'safetensors I/O needs a little-endian machine; this one is big-endian',
    );
  }
}

/** Serialize tensors (in the map's order) and string metadata to safetensors bytes. */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Buffer {
  requireLittleEndian();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__')
      throw new NaskitError('invalid_argument', "safetensors: '__metadata__' is reserved");
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== numel || dtypeOf(t.data) !== t.dtype) {
      throw new NaskitError(
        'shape_mismatch',
        `safetensors: tensor '${name}' is ${t.dtype}${formatShape(t.shape)} (${numel} values) but holds ` +
          `${t.data.length} ${dtypeOf(t.data)} values`,
      );
    }
    const size = numel * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8; // spaces keep the data 8-byte aligned
  if (padded !== json.length) json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const out = Buffer.allocUnsafe(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let at = 8 + json.length;
  for (const t of tensors.values()) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Parse and validate safetensors bytes; `source` (a file path) is named in every error. */
export function decodeSafetensors(
  bytes: Uint8Array,
  source: string,
): { tensors: Map<string, SafetensorsTensor>; metadata: Record<string, string> } {
  requireLittleEndian();
  const corrupt = (offset: number, problem: string): NaskitError =>
    new NaskitError('data_corrupt', `${source}: not a valid safetensors file at byte ${offset}: ${problem}`);
  if (bytes.length < 8)
    throw corrupt(0, `the file has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    throw corrupt(
      0,
      `header length ${headerLen} exceeds the ${bytes.length - 8} bytes that follow (truncated file?)`,
    );
  }
  const dataStart = 8 + Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, dataStart)).toString('utf8'));
  } catch (err) {
    throw new NaskitError(
      'data_corrupt',
      `${source}: the safetensors header (bytes 8..${dataStart}) is not valid JSON`,
      {
        cause: err,
      },
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw corrupt(8, 'the header is not a JSON object');
  }
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] =
    [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
        if (typeof v !== 'string') throw corrupt(8, `__metadata__ value '${k}' is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = e?.dtype;
    if (typeof dtype !== 'string' || !(dtype in BYTES)) {
      throw corrupt(
        8,
        `tensor '${name}' has dtype ${JSON.stringify(dtype)}; naskit reads ${Object.keys(BYTES).join(', ')}`,
      );
    }
    const shape = e.shape;
    const offsets = e.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw corrupt(
        8,
        `tensor '${name}' has shape ${JSON.stringify(shape)}, expected a list of integers >= 0`,
      );
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && o >= 0)
    ) {
      throw corrupt(8, `tensor '${name}' has data_offsets ${JSON.stringify(offsets)}, expected [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    const expected = (shape as number[]).reduce((a, b) => a * b, 1) * BYTES[dtype as SafetensorsDtype];
    if (end - begin !== expected) {
      throw corrupt(
        8,
        `tensor '${name}' (${dtype}${formatShape(shape as number[])}) spans ${end - begin} bytes, expected ${expected}`,
      );
    }
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin);
  let cursor = 0;
  for (const e of entries) {
    if (e.begin !== cursor) {
      throw corrupt(
        dataStart + cursor,
        `tensor '${e.name}' starts at data byte ${e.begin}, expected ${cursor} (gap or overlap)`,
      );
    }
    cursor = e.end;
  }
  if (dataStart + cursor !== bytes.length) {
    throw corrupt(
      Math.min(dataStart + cursor, bytes.length),
      `the header describes ${cursor} data bytes but the file holds ${bytes.length - dataStart} (truncated or trailing bytes)`,
    );
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    // A fresh, aligned copy (Buffer.slice would share the file's memory and alignment).
    const copy = new Uint8Array(bytes.subarray(dataStart + e.begin, dataStart + e.end)).buffer;
    const data: SafetensorsData =
      e.dtype === 'F32'
        ? new Float32Array(copy)
        : e.dtype === 'F64'
          ? new Float64Array(copy)
          : e.dtype === 'I32'
            ? new Int32Array(copy)
            : e.dtype === 'I64'
              ? new BigInt64Array(copy)
              : new Uint8Array(copy);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

/** Write `bytes` to `path` atomically: temp file in the same folder, fsync, rename over the target. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new NaskitError('runtime_failure', `could not write ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export interface CheckpointContents {
  params: ParamStore;
  optimizer?: Optimizer | OptimizerState;
  /** Further optimizers by name (a supernet's α optimizer next to its weight optimizer). */
  optimizers?: Readonly<Record<string, Optimizer | OptimizerState>>;
  /** Any JSON-serializable record (epoch, config, metrics…). */
  metadata?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  /** A store with the saved values, shapes and parameter kinds. */
  params: ParamStore;
  optimizer?: OptimizerState;
  optimizers: Record<string, OptimizerState>;
  metadata: Record<string, unknown>;
}

/** Slots of a named optimizer are stored as `optimizer/@<name>/<slot>/<param>`. */
const NAMED_PREFIX = '@';

export function saveCheckpoint(path: string, contents: CheckpointContents): void {
  const { params } = contents;
  const tensors = new Map<string, SafetensorsTensor>();
  for (const name of params.names()) {
    if (name.startsWith(OPTIM_PREFIX)) {
      throw new NaskitError(
        'invalid_argument',
        `checkpoint: parameter name '${name}' clashes with the reserved '${OPTIM_PREFIX}' prefix`,
      );
    }
    tensors.set(name, { dtype: 'F32', shape: params.info(name).shape, data: params.get(name) });
  }
  const meta: Record<string, string> = {
    'naskit.format': FORMAT,
    'naskit.buffers': JSON.stringify(params.bufferNames()),
    'naskit.no_decay': JSON.stringify(params.names().filter((n) => params.info(n).noDecay)),
    'naskit.user': JSON.stringify(contents.metadata ?? {}),
  };
  if (contents.optimizer) {
    const state = 'exportState' in contents.optimizer ? contents.optimizer.exportState() : contents.optimizer;
    meta['naskit.optimizer'] = JSON.stringify({ kind: state.kind, hyper: state.hyper, steps: state.steps });
    for (const [key, value] of state.slots) {
      tensors.set(`${OPTIM_PREFIX}${key}`, { dtype: 'F32', shape: [value.length], data: value });
    }
  }
  const named: Record<string, Omit<OptimizerState, 'slots'>> = {};
  for (const [name, optimizer] of Object.entries(contents.optimizers ?? {})) {
    if (name.includes('/') || name.length === 0) {
      throw new NaskitError(
        'invalid_argument',
        `checkpoint: optimizer name '${name}' must be non-empty without '/'`,
      );
    }
    const state = 'exportState' in optimizer ? optimizer.exportState() : optimizer;
    named[name] = { kind: state.kind, hyper: state.hyper, steps: state.steps };
    for (const [key, value] of state.slots) {
      tensors.set(`${OPTIM_PREFIX}${NAMED_PREFIX}${name}/${key}`, {
        dtype: 'F32',
        shape: [value.length],
        data: value,
      });
    }
  }
  if (Object.keys(named).length > 0) meta['naskit.optimizers'] = JSON.stringify(named);
  writeFileAtomic(path, encodeSafetensors(tensors, meta));
}

export function loadCheckpoint(path: string): LoadedCheckpoint {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new NaskitError('not_found', `checkpoint ${path} cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  if (metadata['naskit.format'] !== FORMAT) {
    throw new NaskitError(
      'data_corrupt',
      `${path}: __metadata__ 'naskit.format' is ${JSON.stringify(metadata['naskit.format'])}, expected '${FORMAT}'; ` +
        'this safetensors file was not written by saveCheckpoint (read it with decodeSafetensors instead)',
    );
  }
  const buffers = new Set(parseMeta<string[]>(metadata, 'naskit.buffers', path));
  const noDecay = new Set(parseMeta<string[]>(metadata, 'naskit.no_decay', path));
  const params = new ParamStore();
  const slots = new Map<string, Float32Array>();
  const namedMeta =
    metadata['naskit.optimizers'] === undefined
      ? {}
      : parseMeta<Record<string, Omit<OptimizerState, 'slots'>>>(metadata, 'naskit.optimizers', path);
  const optimizers: Record<string, OptimizerState> = {};
  for (const [name, o] of Object.entries(namedMeta)) {
    optimizers[name] = { kind: o.kind, hyper: o.hyper, steps: o.steps, slots: new Map() };
  }
  for (const [name, t] of tensors) {
    if (!(t.data instanceof Float32Array)) {
      throw new NaskitError(
        'data_corrupt',
        `${path}: tensor '${name}' is ${t.dtype}, checkpoints hold F32 only`,
      );
    }
    if (name.startsWith(OPTIM_PREFIX + NAMED_PREFIX)) {
      const rest = name.slice(OPTIM_PREFIX.length + NAMED_PREFIX.length);
      const cut = rest.indexOf('/');
      const owner = optimizers[rest.slice(0, cut)];
      if (cut < 0 || !owner) {
        throw new NaskitError(
          'data_corrupt',
          `${path}: tensor '${name}' belongs to no optimizer in 'naskit.optimizers'`,
        );
      }
      owner.slots.set(rest.slice(cut + 1), t.data);
    } else if (name.startsWith(OPTIM_PREFIX)) slots.set(name.slice(OPTIM_PREFIX.length), t.data);
    else
      params.add(name, t.data, { shape: t.shape, trainable: !buffers.has(name), noDecay: noDecay.has(name) });
  }
  const result: LoadedCheckpoint = { params, optimizers, metadata: parseMeta(metadata, 'naskit.user', path) };
  if (metadata['naskit.optimizer'] !== undefined) {
    const o = parseMeta<Omit<OptimizerState, 'slots'>>(metadata, 'naskit.optimizer', path);
    result.optimizer = { kind: o.kind, hyper: o.hyper, steps: o.steps, slots };
  } else if (slots.size > 0) {
    throw new NaskitError(
      'data_corrupt',
      `${path}: optimizer tensors are present but 'naskit.optimizer' metadata is missing`,
    );
  }
  return result;
}

/**
 * Copy a loaded checkpoint's values into `store` (in place). With `strict` (default) both must hold
 * exactly the same parameter names; otherwise only the shared names are copied. Shapes must match.
 */
export function restoreParams(store: ParamStore, loaded: ParamStore, strict = true): void {
  if (strict) {
    const missing = store.names().filter((n) => !loaded.has(n));
    const extra = loaded.names().filter((n) => !store.has(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new NaskitError(
        'shape_mismatch',
        `checkpoint does not match the network: missing ${missing.length} parameters (${missing.slice(0, 3).join(', ')}), ` +
          `unexpected ${extra.length} (${extra.slice(0, 3).join(', ')}); was it saved from a different architecture?`,
      );
    }
  }
  for (const name of store.names()) {
    if (!loaded.has(name)) continue;
    const want = store.info(name).shape;
    const got = loaded.info(name).shape;
    if (formatShape(want) !== formatShape(got)) {
      throw new NaskitError(
        'shape_mismatch',
        `checkpoint parameter '${name}' has shape ${formatShape(got)}, the network expects ${formatShape(want)}`,
      );
    }
  }
  store.copyFrom(
    loaded,
    store.names().filter((n) => loaded.has(n)),
  );
}

function parseMeta<T>(metadata: Record<string, string>, key: string, path: string): T {
  const text = metadata[key];
  if (text === undefined) throw new NaskitError('data_corrupt', `${path}: __metadata__ lacks '${key}'`);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new NaskitError('data_corrupt', `${path}: __metadata__ '${key}' is not valid JSON`, { cause: err });
  }
}
