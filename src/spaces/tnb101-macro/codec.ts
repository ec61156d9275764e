/**
 * TransNAS-Bench-101 macro strings. Canonical (and key): the official `64-<block digits>-basic`, e.g.
 * `64-1234-basic`. Accepted alternatives: NASLib's 6-slot tuple "(1, 2, 3, 4, 0, 0)" and its bare digits
 * "123400" (0 = no block, only after the last block).
 */
import { invalidArch, parseIntTuple } from '../common.js';
import { MAX_BLOCKS, macroProblem, makeTnbMacroArch } from './ops.js';
import type { TnbMacroArch } from './ops.js';

const SPACE = 'tnb101-macro';

export function formatTnbMacro(arch: TnbMacroArch): string {
  return `64-${arch.blocks.join('')}-basic`;
}

export function parseTnbMacro(text: string): TnbMacroArch {
  const t = text.trim();
  if (t.startsWith('64-')) {
    const m = /^64-(\d+)-basic$/.exec(t);
    if (!m) {
      invalidArch(
        SPACE,
        text,
        t.startsWith('64-41414-')
          ? 'this is a micro-space string (64-41414-a_bc_def); use the tnb101-micro space'
          : 'expected 64-<4 to 6 block digits>-basic',
      );
    }
    return fromBlocks([...m[1]!].map(Number), text);
  }
  const slots = /^\d{6}$/.test(t) ? [...t].map(Number) : parseIntTuple(t);
  if (slots) return fromNaslib(slots, text);
  return invalidArch(
    SPACE,
    text,
    'expected 64-<block digits>-basic or a NASLib 6-slot tuple such as (1, 2, 3, 4, 0, 0)',
  );
}

export function fromBlocks(blocks: readonly number[], source?: string): TnbMacroArch {
  const problem = macroProblem(blocks);
  if (problem) invalidArch(SPACE, source ?? `64-${blocks.join('')}-basic`, problem);
  return makeTnbMacroArch(blocks);
}

/** From NASLib's 6 slots: block digits, then zeros for the missing blocks. */
export function fromNaslib(slots: readonly number[], source?: string): TnbMacroArch {
  const shown = source ?? `(${slots.join(', ')})`;
  if (slots.length !== MAX_BLOCKS)
    invalidArch(SPACE, shown, `a NASLib macro tuple has ${MAX_BLOCKS} slots, got ${slots.length}`);
  const used = slots.findIndex((s) => s === 0);
  const blocks = used < 0 ? slots.slice() : slots.slice(0, used);
  if (used >= 0 && slots.slice(used).some((s) => s !== 0)) {
    invalidArch(
      SPACE,
      shown,
      `slot ${used + 1} is 0 (no block) but a later slot holds a block; zeros only pad the end`,
    );
  }
  return fromBlocks(blocks, shown);
}

export function toNaslib(arch: TnbMacroArch): number[] {
  return [...arch.blocks, ...new Array<number>(MAX_BLOCKS - arch.blocks.length).fill(0)];
}
