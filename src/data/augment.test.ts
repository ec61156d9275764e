import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { drawCropFlip, writeCropFlip, writePlain } from './augment.js';
import { normalizationTable } from './normalize.js';

/** Straightforward reference: materialize the zero-padded image, crop it, then mirror the crop. */
function reference(
  pixels: Uint8Array,
  C: number,
  H: number,
  W: number,
  p: number,
  dx: number,
  dy: number,
  flip: boolean,
): number[] {
  const out: number[] = [];
  for (let c = 0; c < C; c++) {
    const padded = Array.from({ length: H + 2 * p }, () => new Array<number>(W + 2 * p).fill(0));
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) padded[y + p]![x + p] = pixels[(c * H + y) * W + x]!;
    for (let y = 0; y < H; y++) {
      const row = padded[y + dy]!.slice(dx, dx + W);
      if (flip) row.reverse();
      out.push(...row);
    }
  }
  return out;
}

describe('crop + flip augmentation', () => {
  const identity = normalizationTable({ mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] }, 3); // value = pixel

  it('matches pad-crop-flip done the slow way, for every offset and flip', () => {
    const [C, H, W, p] = [3, 5, 4, 2];
    const rng = new Rng(1);
    const pixels = Uint8Array.from({ length: C * H * W }, () => 1 + rng.int(255));
    for (let dx = 0; dx <= 2 * p; dx++) {
      for (let dy = 0; dy <= 2 * p; dy++) {
        for (const flip of [false, true]) {
          const out = new Float32Array(C * H * W + 3);
          writeCropFlip(out, 3, pixels, 0, { channels: C, height: H, width: W }, identity, p, {
            dx,
            dy,
            flip,
          });
          expect([...out.subarray(3)].map(Math.round)).toEqual(reference(pixels, C, H, W, p, dx, dy, flip));
        }
      }
    }
  });

  it('pads with the normalized value of a zero pixel', () => {
    const table = normalizationTable({ mean: [0.5], std: [0.25] }, 1);
    const out = new Float32Array(4);
    writeCropFlip(
      out,
      0,
      Uint8Array.of(255, 255, 255, 255),
      0,
      { channels: 1, height: 2, width: 2 },
      table,
      1,
      { dx: 0, dy: 0, flip: false },
    );
    expect([...out]).toEqual([-2, -2, -2, 2]);
  });

  it('centered and unflipped is the plain image', () => {
    const pixels = Uint8Array.from({ length: 48 }, (_, i) => i * 5);
    const a = new Float32Array(48);
    const b = new Float32Array(48);
    writeCropFlip(a, 0, pixels, 0, { channels: 3, height: 4, width: 4 }, identity, 4, {
      dx: 4,
      dy: 4,
      flip: false,
    });
    writePlain(b, 0, pixels, 0, { channels: 3, height: 4, width: 4 }, identity);
    expect(a).toEqual(b);
  });

  it('draws offsets in [0, 2p] and both flips, deterministically', () => {
    const draws = Array.from(
      { length: 400 },
      (
        (rng) => () =>
          drawCropFlip(rng, 4)
      )(new Rng(3)),
    );
    expect(new Set(draws.map((d) => d.dx))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(new Set(draws.map((d) => d.flip)).size).toBe(2);
    const again = Array.from(
      { length: 400 },
      (
        (rng) => () =>
          drawCropFlip(rng, 4)
      )(new Rng(3)),
    );
    expect(again).toEqual(draws);
  });
});
