/**
 * Standard CIFAR augmentation — RandomCrop(size, padding=p) then RandomHorizontalFlip — fused with
 * normalization: one pass from uint8 pixels to normalized floats, with no padded copy. Padding is with
 * zero pixels before normalization, as torchvision pads the PIL image, so a padded pixel becomes
 * (0 − mean)/std.
 */
import type { Rng } from '../util/rng.js';

export interface CropFlip {
  /** Crop offsets into the padded image, 0..2·padding. */
  dx: number;
  dy: number;
  flip: boolean;
}

/** Draw one image's crop offsets and flip (in this order: dx, dy, flip). */
export function drawCropFlip(rng: Rng, padding: number): CropFlip {
  const dx = rng.int(2 * padding + 1);
  const dy = rng.int(2 * padding + 1);
  return { dx, dy, flip: rng.next() < 0.5 };
}

export interface ImageGeometry {
  channels: number;
  height: number;
  width: number;
}

/**
 * Write one image, cropped/flipped per `t`, normalized through `table` (channel c at c·256), into
 * `out` at `outAt`. Output pixel (y, x) reads padded input (y + dy, x' + dx), x' = W−1−x when flipped.
 */
export function writeCropFlip(
  out: Float32Array,
  outAt: number,
  pixels: Uint8Array,
  srcAt: number,
  geom: ImageGeometry,
  table: Float32Array,
  padding: number,
  t: CropFlip,
): void {
  const { channels, height: H, width: W } = geom;
  const oy = t.dy - padding;
  const ox = t.dx - padding;
  for (let c = 0; c < channels; c++) {
    const base = c * 256;
    const padValue = table[base]!;
    const plane = c * H * W;
    for (let y = 0; y < H; y++) {
      const sy = y + oy;
      const row = outAt + plane + y * W;
      if (sy < 0 || sy >= H) {
        out.fill(padValue, row, row + W);
        continue;
      }
      const srcRow = srcAt + plane + sy * W;
      for (let x = 0; x < W; x++) {
        const sx = (t.flip ? W - 1 - x : x) + ox;
        out[row + x] = sx < 0 || sx >= W ? padValue : table[base + pixels[srcRow + sx]!]!;
      }
    }
  }
}

/** Write one image normalized, without augmentation. */
export function writePlain(
  out: Float32Array,
  outAt: number,
  pixels: Uint8Array,
  srcAt: number,
  geom: ImageGeometry,
  table: Float32Array,
): void {
  const plane = geom.height * geom.width;
  for (let c = 0; c < geom.channels; c++) {
    const base = c * 256;
    const o = outAt + c * plane;
    const s = srcAt + c * plane;
    for (let j = 0; j < plane; j++) out[o + j] = table[base + pixels[s + j]!]!;
  }
}
