/**
 * The configuration of `naskit run`: one zod schema checked at the edge (config file, then CLI flags
 * on top), then a plain typed object inside. Field names are snake_case in files and kebab-case as
 * flags (`budget_minutes` ↔ `--budget-minutes`). Phase sizes left unset are derived from the budget
 * by the cost model (plan.ts); set here, they win.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { NaskitError } from '../../util/errors.js';
import { COST_DEFAULTS } from './plan.js';
import { RANK_MODES } from './ranking.js';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);
const learningRate = z.number().positive().max(10);

const networkSchema = z.strictObject({
  /** Channels of the first stage (the NB201 benchmark uses 16; 8 fits the 10-minute default on 2 cores). */
  channels: positiveInt.max(256).default(8),
  /** Cells per stage (the NB201 benchmark uses 5). */
  cells: positiveInt.max(10).default(1),
});

const searchSchema = z.strictObject({
  /** Zero-cost proxies to score every sampled architecture with. */
  proxies: z.array(z.string().min(1)).min(1).default(['epsilon', 'params']),
  /** How scores pick the top k: the mean quantile over the proxies, or the first proxy alone (see ranking.ts). */
  rank: z.enum(RANK_MODES).default('combined'),
  /** Distinct architectures to sample and score (default: from the budget). */
  samples: positiveInt.optional(),
  /** How many of the best-scored architectures go on to short training (default: from the budget). */
  top_k: positiveInt.optional(),
});

const shortTrainSchema = z.strictObject({
  /** Training images per candidate (a stratified subset of the train part; default: from the budget). */
  images: positiveInt.optional(),
  epochs: positiveInt.max(100).default(1),
  batch_size: positiveInt.max(4096).default(128),
  lr: learningRate.default(0.1),
  /** Held-out validation images, split off the training set (never the test set). */
  val_images: positiveInt.optional(),
});

const finalSchema = z.strictObject({
  /** Epochs of the winner's final training (default: from the budget). */
  epochs: positiveInt.max(1000).optional(),
  /** Images per epoch when less than one full epoch fits the budget (default: from the budget). */
  images: positiveInt.optional(),
  batch_size: positiveInt.max(4096).default(128),
  lr: learningRate.default(0.1),
  /** Train the winner on the train part only, or on train + validation (the validation set has done its job). */
  train_on: z.enum(['train', 'train+val']).default('train+val'),
});

const costSchema = z.strictObject({
  train_ms_per_image: z.number().positive().default(COST_DEFAULTS.train_ms_per_image),
  eval_ms_per_image: z.number().positive().default(COST_DEFAULTS.eval_ms_per_image),
  proxy_ms_per_arch: z.number().positive().default(COST_DEFAULTS.proxy_ms_per_arch),
  compile_ms: z.number().min(0).default(COST_DEFAULTS.compile_ms),
  fixed_s: z.number().min(0).default(COST_DEFAULTS.fixed_s),
});

export const runConfigSchema = z.strictObject({
  /** fashion-mnist (built in), mnist, cifar10, cifar100:TRAIN.bin,TEST.bin, idx:IMAGES,LABELS[,TEST_IMAGES,TEST_LABELS]. */
  dataset: z.string().min(1).default('fashion-mnist'),
  data_dir: z.string().min(1).optional(),
  space: z.enum(['nb201']).default('nb201'),
  seed: nonNegativeInt.max(2 ** 32 - 1).default(0),
  budget_minutes: z
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(10),
  /** Run directory (default: runs/<run-id> under the current directory). */
  out: z.string().min(1).optional(),
  /** ONNX Runtime threads (default: the core count). */
  threads: positiveInt.max(256).optional(),
  network: networkSchema.prefault({}),
  search: searchSchema.prefault({}),
  short_train: shortTrainSchema.prefault({}),
  final: finalSchema.prefault({}),
  cost: costSchema.prefault({}),
});

export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

/** Validate a config object; every problem is listed with its field, the value received and what is allowed. */
export function parseRunConfig(input: unknown, source: string): RunConfig {
  const result = runConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue, input)}`);
  throw new NaskitError('invalid_config', `${source} is not valid:\n${lines.join('\n')}`);
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const field = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? ` in '${field}'` : '';
    const known = Object.keys(shapeAt(issue.path)).join(', ');
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${where}; allowed: ${known}`;
  }
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? 'nothing' : JSON.stringify(value);
  return `field '${field}' = ${shown}: ${issue.message}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function shapeAt(path: readonly PropertyKey[]): Record<string, unknown> {
  const top = runConfigSchema.shape as Record<string, unknown>;
  if (path.length === 0) return top;
  const inner = top[String(path[0])] as
    { def?: { innerType?: { shape?: Record<string, unknown> } } } | undefined;
  return inner?.def?.innerType?.shape ?? {};
}

/** Read a YAML (.yaml/.yml) or JSON (.json) config file into a plain object (not yet validated). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NaskitError('not_found', `config file ${path} cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new NaskitError(
      'invalid_config',
      `config file ${path}: expected a .yaml, .yml or .json file, got '${ext || 'no extension'}'`,
    );
  }
  let parsed: unknown;
  try {
    parsed = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new NaskitError(
      'invalid_config',
      `config file ${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new NaskitError(
      'invalid_config',
      `config file ${path} must hold a mapping of fields (e.g. 'dataset: mnist'), got ${Array.isArray(parsed) ? 'a list' : typeof parsed}`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Set `path` (dot-separated) in a nested plain object, creating the levels it needs. */
export function setField(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let obj = target;
  for (const key of keys.slice(0, -1)) {
    const next = obj[key];
    if (next === undefined) obj[key] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new NaskitError(
        'invalid_config',
        `field '${key}' must be a mapping to hold '${path}', got ${JSON.stringify(next)}`,
      );
    }
    obj = obj[key] as Record<string, unknown>;
  }
  obj[keys[keys.length - 1]!] = value;
}

/** Canonical JSON (keys sorted at every level), so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
