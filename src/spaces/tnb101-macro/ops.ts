/**
 * TransNAS-Bench-101 macro (skeleton-level) space: a network is 4..6 residual blocks, each of which may
 * halve the resolution and/or double the channels. Digit meaning (TNB `net_macro.py`: channel change
 * for 2 and 4, stride change for 3 and 4):
 *   1 = keep, 2 = double channels, 3 = downsample, 4 = downsample and double channels.
 * Rules: 4..6 blocks, 1..4 of them downsample, 1..3 of them double the channels (3,256 networks).
 */

export const TNB_MACRO_BLOCKS = [
  'keep',
  'double_channels',
  'downsample',
  'downsample_double_channels',
] as const;
export type TnbMacroBlock = (typeof TNB_MACRO_BLOCKS)[number];

export const MIN_BLOCKS = 4;
export const MAX_BLOCKS = 6;
export const MIN_DOWNSAMPLE = 1;
export const MAX_DOWNSAMPLE = 4;
export const MIN_DOUBLING = 1;
export const MAX_DOUBLING = 3;
export const TNB_MACRO_SIZE = 3256;

/** A macro skeleton: block digits 1..4 in network order. Frozen. */
export interface TnbMacroArch {
  readonly blocks: readonly number[];
}

export function downsamples(blocks: readonly number[]): number {
  return blocks.filter((b) => b === 3 || b === 4).length;
}

export function doublings(blocks: readonly number[]): number {
  return blocks.filter((b) => b === 2 || b === 4).length;
}

/** Why a digit list is not a valid skeleton, or null when it is. */
export function macroProblem(blocks: readonly number[]): string | null {
  if (blocks.length < MIN_BLOCKS || blocks.length > MAX_BLOCKS) {
    return `${blocks.length} blocks, a network has ${MIN_BLOCKS}..${MAX_BLOCKS}`;
  }
  const bad = blocks.findIndex((b) => !Number.isInteger(b) || b < 1 || b > 4);
  if (bad >= 0) {
    return `block ${bad + 1} has digit ${blocks[bad]}; allowed 1=keep, 2=double channels, 3=downsample, 4=downsample and double channels`;
  }
  const down = downsamples(blocks);
  if (down < MIN_DOWNSAMPLE || down > MAX_DOWNSAMPLE) {
    return `${down} downsampling blocks (digits 3/4), allowed ${MIN_DOWNSAMPLE}..${MAX_DOWNSAMPLE}`;
  }
  const dbl = doublings(blocks);
  if (dbl < MIN_DOUBLING || dbl > MAX_DOUBLING) {
    return `${dbl} channel-doubling blocks (digits 2/4), allowed ${MIN_DOUBLING}..${MAX_DOUBLING}`;
  }
  return null;
}

export function makeTnbMacroArch(blocks: readonly number[]): TnbMacroArch {
  return Object.freeze({ blocks: Object.freeze(blocks.slice()) });
}
