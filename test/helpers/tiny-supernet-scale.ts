/**
 * The toy scale of the supernet-search tests: built-in Fashion-MNIST (no data folder), 256 images,
 * C=4, one cell, one ONNX Runtime thread (so in-process and worker runs agree bit for bit).
 */
export const TINY_SUPERNET_SCALE = {
  dataset: 'fashion-mnist',
  resolution: 28,
  trainImages: 256,
  channels: 4,
  cells: 1,
  batch: 32,
  threads: 1,
} as const;
