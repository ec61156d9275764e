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
import { datasetSpecProblem } from '../../data/catalog.js';
import { NaskitError } from '../../util/errors.js';
import { COST_DEFAULTS, RUN_SPACES } from './plan.js';
import { defaultProxies, proxiesProblem } from './proxy-choice.js';
import { RANK_MODES } from './ranking.js';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);
const learningRate = z.number().positive().max(10);

/** Width and depth of the network, in the space's terms (NetworkConfig in src/spaces/network-config.ts). */
const networkSchema = z.strictObject({
  /**
   * nb201: channels of the first stage (the benchmark uses 16; 8 fits the 10-minute default on 2
   * cores); nb101: stem channels; darts: C; tnb101-micro: base channels (even).
   */
  channels: positiveInt.max(256).default(8),
  /** nb201: cells per stage (the benchmark uses 5); nb101: modules per stack; darts: cells in all; tnb101-micro: cells per layer. */
  cells: positiveInt.max(10).default(1),
});

const searchSchema = z.strictObject({
  /** Zero-cost proxies to score every sampled architecture with (default: for the space, see proxy-choice.ts). */
  proxies: z.array(z.string().min(1)).min(1).optional(),
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
  /**
   * Train and test two baselines exactly like the winner (the space's heaviest architecture and a
   * seeded random one) inside the budget. Unset means true; left unset so that the config hash of runs
   * made before this field existed does not change.
   */
  baselines: z.boolean().optional(),
});

const costSchema = z.strictObject({
  train_ms_per_image: z.number().positive().default(COST_DEFAULTS.train_ms_per_image),
  eval_ms_per_image: z.number().positive().default(COST_DEFAULTS.eval_ms_per_image),
  proxy_ms_per_arch: z.number().positive().default(COST_DEFAULTS.proxy_ms_per_arch),
  compile_ms: z.number().min(0).default(COST_DEFAULTS.compile_ms),
  fixed_s: z.number().min(0).default(COST_DEFAULTS.fixed_s),
});

export const runConfigSchema = z.strictObject({
  /** A spec of the dataset catalog (src/data/catalog.ts): fashion-mnist (built in), mnist, cifar10, cifar100:…, idx:…. */
  dataset: z
    .string()
    .min(1)
    .check((ctx) => {
      const problem = datasetSpecProblem(ctx.value);
      if (problem !== null) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    })
    .default('fashion-mnist'),
  data_dir: z.string().min(1).optional(),
  /** The search space (src/spaces): its architectures are sampled, built, trained and exported. */
  space: z.enum(RUN_SPACES as [string, ...string[]]).default('nb201'),
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

type ParsedConfig = z.infer<typeof runConfigSchema>;
/** A checked configuration: every default filled in, the proxies chosen for the space. */
export type RunConfig = Omit<ParsedConfig, 'search'> & {
  search: ParsedConfig['search'] & { proxies: string[] };
};
export type RunConfigInput = z.input<typeof runConfigSchema>;

/** Validate a config object; every problem is listed with its field, the value received and what is allowed. */
export function parseRunConfig(input: unknown, source: string): RunConfig {
  const result = runConfigSchema.safeParse(input ?? {});
  if (result.success) return withProxies(result.data, source);
  const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue, input)}`);
  throw new NaskitError('invalid_config', `${source} is not valid:\n${lines.join('\n')}`);
}

/** Fill in the space's default proxies, and refuse proxies that are unknown or cannot score the space. */
function withProxies(config: ParsedConfig, source: string): RunConfig {
  const { proxies, ...rest } = config.search;
  const chosen = proxies ?? defaultProxies(config.space);
  const problem = proxiesProblem(chosen, config.space);
  if (problem !== null) {
    throw new NaskitError(
      'invalid_config',
      `${source} is not valid:\n  - field 'search.proxies' = ${JSON.stringify(chosen)}: ${problem}`,
    );
  }
  return { ...config, search: { proxies: chosen, ...rest } };
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
