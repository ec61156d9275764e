/**
 * TransNAS-Bench-101 macro moves. Sampling is uniform over the 3,256 valid skeletons. A local move edits
 * one block: change its type, delete it, or insert a new block anywhere; every result must satisfy the
 * space rules (4..6 blocks, 1..4 downsampling, 1..3 channel doubling). `mutate` picks one such move
 * uniformly. (NASLib instead redraws the block count or one of the two counts and reshuffles the whole
 * skeleton, which is not a local move.)
 */
import type { Rng } from '../../util/rng.js';
import { MAX_BLOCKS, MIN_BLOCKS, macroProblem, makeTnbMacroArch } from './ops.js';
import type { TnbMacroArch } from './ops.js';

const DIGITS = [1, 2, 3, 4];

let all: TnbMacroArch[] | null = null;

/** Every valid skeleton: by block count (4, 5, 6), then digit strings in lexicographic order. */
export function enumerateTnbMacro(): TnbMacroArch[] {
  if (!all) {
    const out: TnbMacroArch[] = [];
    for (let n = MIN_BLOCKS; n <= MAX_BLOCKS; n++) {
      const blocks = new Array<number>(n).fill(1);
      for (;;) {
        if (macroProblem(blocks) === null) out.push(makeTnbMacroArch(blocks));
        let i = n - 1;
        while (i >= 0 && blocks[i] === 4) blocks[i--] = 1;
        if (i < 0) break;
        blocks[i]!++;
      }
    }
    all = out;
  }
  return all;
}

export function sampleTnbMacro(rng: Rng): TnbMacroArch {
  return rng.pick(enumerateTnbMacro());
}

export function neighborsTnbMacro(arch: TnbMacroArch): TnbMacroArch[] {
  const { blocks } = arch;
  const self = blocks.join('');
  const seen = new Set<string>([self]);
  const out: TnbMacroArch[] = [];
  const consider = (candidate: number[]) => {
    const key = candidate.join('');
    if (seen.has(key) || macroProblem(candidate) !== null) return;
    seen.add(key);
    out.push(makeTnbMacroArch(candidate));
  };
  blocks.forEach((b, i) => {
    for (const d of DIGITS) if (d !== b) consider(blocks.map((x, j) => (j === i ? d : x)));
  });
  blocks.forEach((_, i) => consider(blocks.filter((_, j) => j !== i)));
  for (let i = 0; i <= blocks.length; i++) {
    for (const d of DIGITS) consider([...blocks.slice(0, i), d, ...blocks.slice(i)]);
  }
  return out;
}

export function mutateTnbMacro(arch: TnbMacroArch, rng: Rng): TnbMacroArch {
  return rng.pick(neighborsTnbMacro(arch));
}
