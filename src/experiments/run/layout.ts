/**
 * The run directory: its file names, and the resolved configuration (`config.json`: the validated
 * config, the run id and the plan) that every later session of the run reads back instead of
 * re-deriving it. The results store's header carries the hash of the part that decides results, so a
 * store cannot be resumed under a different configuration.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runtime/checkpoint.js';
import { NaskitError } from '../../util/errors.js';
import { canonicalJson, parseRunConfig, type RunConfig, sha256Hex } from './config.js';
import type { RunPlan } from './plan.js';

export const RUN_FILES = {
  config: 'config.json',
  store: 'results.jsonl',
  lock: 'run.lock',
  checkpoints: 'checkpoints',
  model: 'model.safetensors',
  onnx: 'model.onnx',
  summary: 'summary.json',
  reportHtml: 'report.html',
  reportMd: 'report.md',
} as const;

export const RESOLVED_FORMAT = 'naskit-run/1';

/** What config.json holds. */
export interface ResolvedRun {
  format: typeof RESOLVED_FORMAT;
  run_id: string;
  created: string;
  config: RunConfig;
  plan: RunPlan;
  /** The dataset as loaded: sizes, shape and a content hash, so a resumed run can check it sees the same data. */
  data: {
    name: string;
    train_images: number;
    test_images: number;
    classes: number;
    input_shape: [number, number, number];
    /** sha256 (16 hex) of the training and test pixels and labels. */
    fingerprint: string;
  };
}

/** A content hash of a dataset's images and labels (about 0.1 s for Fashion-MNIST). */
export function dataFingerprint(parts: readonly { pixels: Uint8Array; labels: Int32Array }[]): string {
  const hash = createHash('sha256');
  for (const p of parts) {
    hash.update(p.pixels);
    hash.update(new Uint8Array(p.labels.buffer, p.labels.byteOffset, p.labels.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Fields that only say how to execute (where data and results live, thread count), not what the results are. */
const EXECUTION_ONLY: ReadonlyArray<keyof RunConfig> = ['data_dir', 'threads', 'out'];

export function configHash(run: ResolvedRun): string {
  const config: Record<string, unknown> = { ...run.config };
  for (const key of EXECUTION_ONLY) delete config[key];
  return sha256Hex(
    canonicalJson({ format: run.format, run_id: run.run_id, config, plan: run.plan, data: run.data }),
  );
}

/** `YYYYMMDD-HHMMSS-<seed>` in UTC: sortable and readable. */
export function makeRunId(now: Date, seed: number): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${date}-${time}-s${seed}`;
}

export function writeResolved(dir: string, run: ResolvedRun): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, RUN_FILES.config), new TextEncoder().encode(`${JSON.stringify(run, null, 2)}\n`));
}

export function readResolved(dir: string): ResolvedRun {
  const path = join(dir, RUN_FILES.config);
  if (!existsSync(path)) {
    throw new NaskitError(
      'not_found',
      `${dir} is not a naskit run directory: it has no ${RUN_FILES.config} (runs are created by 'naskit run'; pass the directory it printed)`,
    );
  }
  let raw: Partial<ResolvedRun>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<ResolvedRun>;
  } catch (err) {
    throw new NaskitError('data_corrupt', `${path} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (raw.format !== RESOLVED_FORMAT || typeof raw.run_id !== 'string' || !raw.plan || !raw.data) {
    throw new NaskitError(
      'data_corrupt',
      `${path} is not a naskit run configuration (format ${JSON.stringify(raw.format)}, expected '${RESOLVED_FORMAT}')`,
    );
  }
  return { ...(raw as ResolvedRun), config: parseRunConfig(raw.config, `${path} (field 'config')`) };
}
