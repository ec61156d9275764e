import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { OpDef } from '../op.js';
import { OPS, opByType } from './index.js';

/**
 * OpDefs exported from ops/ that are deliberately not in OPS, with the reason. Anything else exported
 * from an op file must be in the list, so a new op cannot be forgotten.
 */
const NOT_LISTED: Record<string, string> = {
  // Second output (argmax indices) of MaxPool, created only inside MaxPool's own gradient.
  'max-pool.ts:MaxPoolWithIndices': 'internal variant of MaxPool',
};

function isOpDef(value: unknown): value is OpDef {
  return typeof value === 'object' && value !== null && 'type' in value && 'infer' in value;
}

describe('the op list', () => {
  it('has no duplicate op types', () => {
    const seen = new Map<string, number>();
    for (const op of OPS) seen.set(op.type, (seen.get(op.type) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1).map(([t]) => t)).toEqual([]);
  });

  it('gives every op a gradient rule or marks it non-differentiable', () => {
    const missing = OPS.filter((op) => !op.vjp && op.nonDifferentiable !== true).map((op) => op.type);
    expect(missing).toEqual([]);
    const both = OPS.filter((op) => op.vjp && op.nonDifferentiable).map((op) => op.type);
    expect(both).toEqual([]);
  });

  it('lists every OpDef exported from the op files', async () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts',
    );
    const unlisted: string[] = [];
    const found = new Set<OpDef>();
    for (const file of files) {
      const mod = (await import(/* @vite-ignore */ pathToFileURL(join(dir, file)).href)) as Record<
        string,
        unknown
      >;
      for (const [name, value] of Object.entries(mod)) {
        if (!isOpDef(value)) continue;
        found.add(value);
        if (!OPS.includes(value) && !NOT_LISTED[`${file}:${name}`]) unlisted.push(`${file}:${name}`);
      }
    }
    expect(unlisted).toEqual([]);
    // Every listed op was found in some file, so the scan itself works.
    expect(OPS.filter((op) => !found.has(op)).map((op) => op.type)).toEqual([]);
  });

  it('finds ops by ONNX type', () => {
    expect(opByType('Gemm')?.type).toBe('Gemm');
    expect(opByType('NoSuchOp')).toBeUndefined();
  });
});
