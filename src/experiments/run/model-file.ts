/**
 * A trained model on disk and its ONNX export. `model.safetensors` holds the parameters plus, in its
 * metadata, everything needed to rebuild the network (space, architecture, width, depth, classes,
 * input shape, normalization), so `naskit export` can turn it into ONNX with no run directory around.
 * `naskit train` writes the same description. Checkpoints of earlier `naskit train` versions (simple-cnn
 * or an NB201 cell, recording only model, arch and dataset) are read too: the width, depth and classes
 * are recovered from the parameter shapes, the input shape from the dataset.
 *
 * Export goes through the same code as `naskit train`: exportOnnx (eval graph, weights baked in),
 * then exportParity (the .onnx in a plain ONNX Runtime session against naskit's own forward).
 */
import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { datasetInputShape } from '../../data/catalog.js';
import type { Normalization } from '../../data/normalize.js';
import type { NetworkSpec } from '../../graph/network.js';
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from '../../runtime/checkpoint.js';
import { exportOnnx } from '../../runtime/export.js';
import { exportParity } from '../../runtime/export-check.js';
import type { ParamStore } from '../../runtime/params.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { networkFor } from '../train-job.js';

export interface ModelDescription {
  /** The search space of the architecture (a name of src/spaces); null for a built-in model. */
  space: string | null;
  model: string;
  arch: string | null;
  channels: number;
  cells: number;
  classes: number;
  input_shape: [number, number, number];
  dataset: string;
  normalization: Normalization;
}

const META_KEY = 'naskit_model';

export function buildNetwork(d: ModelDescription): NetworkSpec {
  const [c, h, w] = d.input_shape;
  const data = { train: { channels: c, height: h, width: w, classes: d.classes } } as Parameters<
    typeof networkFor
  >[1];
  if (d.space === null) return networkFor({ model: d.model }, data).net;
  return networkFor({ space: d.space, arch: d.arch ?? undefined, channels: d.channels, cells: d.cells }, data)
    .net;
}

export function saveModel(
  path: string,
  params: ParamStore,
  description: ModelDescription,
  extra: Record<string, unknown> = {},
): void {
  mkdirSync(dirname(path), { recursive: true });
  saveCheckpoint(path, { params, metadata: { ...extra, [META_KEY]: description } });
}

/** Read a checkpoint and describe its network, from naskit-run metadata or (train-job) from shapes. */
export function readModel(
  path: string,
  inputShape?: [number, number, number],
): { params: ParamStore; description: ModelDescription } {
  const { params, metadata } = loadCheckpoint(path);
  const stored = metadata[META_KEY] as ModelDescription | undefined;
  if (stored) return { params, description: inputShape ? { ...stored, input_shape: inputShape } : stored };

  const model = String(metadata.model ?? '');
  const dataset = String(metadata.dataset ?? '');
  const shapeOf = (name: string): readonly number[] => {
    if (!params.has(name)) {
      throw new NaskitError(
        'data_corrupt',
        `${path}: a ${model || 'naskit'} checkpoint should hold parameter '${name}' but does not`,
      );
    }
    return params.info(name).shape;
  };
  const input = inputShape ?? datasetInputShape(dataset.split('/')[0]!);
  if (model !== 'nb201' && model !== 'simple-cnn') {
    throw new NaskitError(
      'invalid_argument',
      `${path}: cannot tell which network this checkpoint belongs to (no '${META_KEY}' metadata; model ${JSON.stringify(model)}); ` +
        "export checkpoints written by 'naskit run' or 'naskit train'",
    );
  }
  if (!input) {
    throw new NaskitError(
      'invalid_argument',
      `${path}: the input shape of dataset ${JSON.stringify(dataset)} is unknown; pass --input-shape C,H,W`,
    );
  }
  const classes = shapeOf('classifier/weight')[0]!;
  if (model === 'simple-cnn') {
    const width = shapeOf('conv1/conv/weight')[0]!;
    if (width !== 16)
      throw new NaskitError(
        'invalid_argument',
        `${path}: simple-cnn of width ${width}; only the built-in width 16 can be rebuilt`,
      );
    return {
      params,
      description: {
        space: null,
        model,
        arch: null,
        channels: width,
        cells: 0,
        classes,
        input_shape: input,
        dataset,
        normalization: { mean: [], std: [] },
      },
    };
  }
  const cellIds = new Set(
    params
      .names()
      .filter((n) => n.startsWith('cells/'))
      .map((n) => n.split('/')[1]),
  );
  const cells = (cellIds.size - 2) / 3;
  if (!Number.isInteger(cells) || cells < 1) {
    throw new NaskitError(
      'data_corrupt',
      `${path}: ${cellIds.size} cell blocks is not 3N+2 for any N >= 1; not an NB201 network checkpoint`,
    );
  }
  return {
    params,
    description: {
      space: 'nb201',
      model,
      arch: String(metadata.arch ?? ''),
      channels: shapeOf('stem/conv/weight')[0]!,
      cells,
      classes,
      input_shape: input,
      dataset,
      normalization: { mean: [], std: [] },
    },
  };
}

export interface ExportReport {
  bytes: number;
  nodes: number;
  maxAbsDiff: number;
  maxAbsLogit: number;
}

/**
 * Write `params` of the described network as a self-contained ONNX model and check it in ONNX Runtime
 * against naskit's forward on `probe` (normalized images; seeded noise when none is given).
 */
export async function writeOnnxModel(
  out: string,
  description: ModelDescription,
  params: ParamStore,
  probe?: { input: Float32Array; batch: number },
): Promise<ExportReport> {
  const net = buildNetwork(description);
  const doc =
    `naskit ${description.space ?? description.model}${description.arch ? ` ${description.arch}` : ''}; input ${description.input_shape.join('x')}` +
    (description.normalization.mean.length > 0
      ? `, normalized (pixel/255 - mean) / std with mean ${JSON.stringify(description.normalization.mean)} std ${JSON.stringify(description.normalization.std)}`
      : '');
  const exported = exportOnnx(net, params, doc);
  mkdirSync(dirname(out), { recursive: true });
  writeFileAtomic(out, exported.bytes);
  const sample = probe ?? noiseProbe(description.input_shape, 4);
  const parity = await exportParity(exported.bytes, net, params, sample.input, sample.batch);
  return { bytes: exported.bytes.length, nodes: exported.nodeCount, ...parity };
}

function noiseProbe(shape: readonly number[], batch: number): { input: Float32Array; batch: number } {
  const rng = new Rng(0);
  const size = batch * shape.reduce((a, b) => a * b, 1);
  return { input: Float32Array.from({ length: size }, () => rng.normal()), batch };
}
