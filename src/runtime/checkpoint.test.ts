import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Graph } from '../graph/graph.js';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  restoreParams,
  saveCheckpoint,
  writeFileAtomic,
} from './checkpoint.js';
import { Adam, Sgd, optimizerFromState } from './optim.js';
import { ParamStore } from './params.js';

const dir = mkdtempSync(join(tmpdir(), 'naskit-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function store(seed = 1): ParamStore {
  const g = new Graph('net');
  g.param('conv/w', [8, 3, 3, 3], { init: { kind: 'kaimingNormal', fanIn: 27, fanOut: 72 } });
  g.param('bn/beta', [8], { init: { kind: 'normal', std: 0.1 }, noDecay: true });
  g.param('bn/running_var', [8], { init: { kind: 'ones' }, trainable: false });
  return ParamStore.fromGraph(g, new Rng(seed));
}

function grads(s: ParamStore, seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  return new Map(s.trainableNames().map((n) => [n, Float32Array.from(s.get(n), () => rng.normal())]));
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof NaskitError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('safetensors codec', () => {
  it('reads a file laid out by hand per the format spec', () => {
    const header =
      '{"__metadata__":{"k":"v"},"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const data = Buffer.alloc(16);
    data.writeFloatLE(1.5, 0);
    data.writeFloatLE(-2, 4);
    data.writeBigInt64LE(-7n, 8);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const { tensors, metadata } = decodeSafetensors(
      Buffer.concat([len, Buffer.from(header), data]),
      'hand.safetensors',
    );
    expect(metadata).toEqual({ k: 'v' });
    expect([...tensors.get('a')!.data]).toEqual([1.5, -2]);
    expect(tensors.get('b')).toEqual({ dtype: 'I64', shape: [1], data: BigInt64Array.of(-7n) });
  });

  it('writes an 8-byte aligned header and round-trips every dtype', () => {
    const tensors = new Map([
      ['f', { dtype: 'F32' as const, shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }],
      ['d', { dtype: 'F64' as const, shape: [1], data: Float64Array.of(Math.PI) }],
      ['i', { dtype: 'I32' as const, shape: [3], data: Int32Array.of(-1, 0, 1) }],
      ['u', { dtype: 'U8' as const, shape: [], data: Uint8Array.of(255) }],
    ]);
    const bytes = encodeSafetensors(tensors, { note: 'x' });
    const headerLen = Number(bytes.readBigUInt64LE(0));
    expect(headerLen % 8).toBe(0);
    expect(JSON.parse(bytes.subarray(8, 8 + headerLen).toString()).f).toEqual({
      dtype: 'F32',
      shape: [2, 2],
      data_offsets: [0, 16],
    });
    const back = decodeSafetensors(bytes, 'mem');
    expect(back.metadata).toEqual({ note: 'x' });
    expect([...back.tensors.keys()]).toEqual(['f', 'd', 'i', 'u']);
    for (const [name, t] of tensors) expect(back.tensors.get(name)).toEqual(t);
  });

  it('refuses truncated, padded and malformed files with the file and offset named', () => {
    const good = encodeSafetensors(
      new Map([['w', { dtype: 'F32' as const, shape: [4], data: new Float32Array(4) }]]),
    );
    expect(codeOf(() => decodeSafetensors(good.subarray(0, good.length - 1), 'ck.st'))).toMatch(
      /^data_corrupt: ck.st: .*at byte \d+: the header describes 16 data bytes but the file holds 15/,
    );
    expect(codeOf(() => decodeSafetensors(Buffer.concat([good, Buffer.of(0)]), 'ck.st'))).toMatch(/trailing/);
    expect(codeOf(() => decodeSafetensors(good.subarray(0, 5), 'ck.st'))).toMatch(/fewer than the 8-byte/);
    expect(codeOf(() => decodeSafetensors(good.subarray(0, 20), 'ck.st'))).toMatch(
      /header length \d+ exceeds/,
    );
    const badJson = Buffer.from(good);
    badJson[8] = 0x41;
    expect(codeOf(() => decodeSafetensors(badJson, 'ck.st'))).toMatch(/not valid JSON/);
    const badDtype = Buffer.from(good.toString('latin1').replace('"F32"', '"Q32"'), 'latin1');
    expect(codeOf(() => decodeSafetensors(badDtype, 'ck.st'))).toMatch(/dtype "Q32"/);
  });
});

describe('checkpoints', () => {
  it('round-trips parameters, kinds, optimizer state and metadata; training resumes exactly', () => {
    const params = store();
    const opt = new Sgd({ momentum: 0.9, weightDecay: 5e-4, nesterov: true });
    opt.step(params, grads(params, 1), 0.1);
    const path = join(dir, 'a.safetensors');
    saveCheckpoint(path, { params, optimizer: opt, metadata: { epoch: 3, arch: '|skip~0|' } });

    const loaded = loadCheckpoint(path);
    expect(loaded.metadata).toEqual({ epoch: 3, arch: '|skip~0|' });
    expect(loaded.params.names()).toEqual(params.names());
    for (const n of params.names()) {
      expect(loaded.params.get(n)).toEqual(params.get(n));
      expect(loaded.params.info(n)).toEqual(params.info(n));
    }

    const resumedParams = store(99); // different init, overwritten by the restore
    restoreParams(resumedParams, loaded.params);
    const resumedOpt = optimizerFromState(loaded.optimizer!);
    opt.step(params, grads(params, 2), 0.1);
    resumedOpt.step(resumedParams, grads(resumedParams, 2), 0.1);
    for (const n of params.names()) expect(resumedParams.get(n)).toEqual(params.get(n));
  });

  it('keeps named optimizers apart from the main one (a supernet: SGD for weights, Adam for α)', () => {
    const params = store();
    const weights = new Sgd({ momentum: 0.9 });
    const alpha = new Adam({ beta1: 0.5 });
    const g = grads(params, 3);
    weights.step(params, new Map([...g].filter(([n]) => n === 'conv/w')), 0.1);
    alpha.step(params, new Map([...g].filter(([n]) => n === 'bn/beta')), 0.01);
    const path = join(dir, 'named.safetensors');
    saveCheckpoint(path, { params, optimizer: weights, optimizers: { alpha } });
    const loaded = loadCheckpoint(path);
    expect([...loaded.optimizer!.slots.keys()]).toEqual([...weights.exportState().slots.keys()]);
    expect(loaded.optimizers.alpha!.slots).toEqual(alpha.exportState().slots);
    expect(loaded.optimizers.alpha!.steps).toEqual({ 'bn/beta': 1 });
    expect(loadCheckpoint(join(dir, 'a.safetensors')).optimizers).toEqual({});
  });

  it('restoreParams refuses a checkpoint of another network', () => {
    const other = new Graph('other');
    other.param('conv/w', [8, 3, 1, 1], { init: { kind: 'zeros' } });
    const path = join(dir, 'other.safetensors');
    saveCheckpoint(path, { params: ParamStore.fromGraph(other, new Rng(0)) });
    const loaded = loadCheckpoint(path);
    expect(codeOf(() => restoreParams(store(), loaded.params))).toMatch(/missing 2 parameters/);
    expect(codeOf(() => restoreParams(store(), loaded.params, false))).toMatch(
      /'conv\/w' has shape \[8, 3, 1, 1\]/,
    );
  });

  it('refuses a truncated checkpoint and a foreign safetensors file', () => {
    const path = join(dir, 'b.safetensors');
    saveCheckpoint(path, { params: store() });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    expect(codeOf(() => loadCheckpoint(path))).toMatch(/^data_corrupt: .*b.safetensors/);
    writeFileSync(path, encodeSafetensors(new Map()));
    expect(codeOf(() => loadCheckpoint(path))).toMatch(/not written by saveCheckpoint/);
    expect(codeOf(() => loadCheckpoint(join(dir, 'missing.safetensors')))).toMatch(/^not_found/);
  });

  it('an interrupted or failed save leaves the previous checkpoint intact and no temp files', () => {
    const path = join(dir, 'c.safetensors');
    saveCheckpoint(path, { params: store(1) });
    const before = readFileSync(path);
    // A failing write (target is a directory, so the final rename fails) must not touch anything.
    const blocked = join(dir, 'blocked');
    mkdirSync(blocked);
    expect(codeOf(() => writeFileAtomic(blocked, Buffer.from('x')))).toMatch(
      /^runtime_failure: could not write/,
    );
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    saveCheckpoint(path, { params: store(2) });
    expect(readFileSync(path)).not.toEqual(before);
    expect(existsSync(path)).toBe(true);
  });
});
