/**
 * What travels through the queue. A job is plain JSON checked against a strict schema: names (space,
 * dataset, strategy, proxies), numbers, architecture strings, and data references that a worker resolves
 * inside its own data folder. Nothing in a job is run as code or opened as a path outside that folder,
 * and a job's result depends on the job alone (and on the data it names), so its id is a hash of its
 * content: enqueuing the same job twice is one job, and a restarted coordinator finds its results.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { GLOBAL_SCHEMES } from '../search/supernet/global.js';
import { DARTS_DEFAULTS } from '../experiments/supernet/darts-job.js';
import { GENAS_DEFAULTS } from '../experiments/supernet/genas-job.js';
import { OBJECTIVES } from '../experiments/supernet/scoring.js';
import { NASKIT_VERSION as VERSION } from '../util/version.js';
import { NaskitError, type ErrorCode } from '../util/errors.js';

/** Bumped when a job or result changes shape; a worker refuses jobs of another format. */
export const JOB_FORMAT = 3;

/**
 * The naskit version (package.json) that makes and runs jobs. Every job carries it, so it is part of the
 * job's id: a build of another version never serves or reuses this one's results, and a worker of
 * another version fails the job with a message instead of answering from different code.
 */
export const NASKIT_VERSION = VERSION;

/** The fields every job starts with. */
export const JOB_HEADER = { format: JOB_FORMAT, naskit: NASKIT_VERSION } as const;

/** Largest job accepted, in bytes of JSON (a chunk of a few thousand architecture strings). */
export const MAX_JOB_BYTES = 1 << 20;

/** Largest result accepted, in bytes of JSON (a seed's query history, a chunk's scores, a candidate's curve). */
export const MAX_RESULT_BYTES = 16 << 20;

/**
 * Largest final-training result: its trained weights travel base64-encoded (4 characters per 3 bytes),
 * so 64 MiB holds about 12 million float32 parameters (NB201 at the benchmark's C=16, N=5 has 1.1
 * million; DARTS at C=36 with 20 cells 3.3 million). The run keeps a larger network's final training
 * in process rather than send it.
 */
export const MAX_FINAL_RESULT_BYTES = 64 << 20;

/** Most architectures in one proxy-chunk job. */
export const MAX_CHUNK_ARCHS = 4096;

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a name of letters, digits, . _ -');

/** A file inside the worker's data folder, with the digest of the coordinator's copy. */
const dataRef = z.strictObject({
  path: z.string().min(1).max(1024),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'),
});
export type DataRef = z.infer<typeof dataRef>;

const header = {
  format: z.literal(JOB_FORMAT),
  naskit: z.literal(NASKIT_VERSION),
};

const searchSeedJob = z.strictObject({
  ...header,
  kind: z.literal('search-seed'),
  space: name,
  dataset: name,
  source: z.enum(['table', 'suite-zero']).optional(),
  table: dataRef.optional(),
  strategy: name,
  params: z.record(name, z.string().max(256)),
  budget: z
    .strictObject({
      queries: z.int().min(1).optional(),
      seconds: z.number().positive().optional(),
    })
    .refine((b) => b.queries !== undefined || b.seconds !== undefined, 'a budget needs queries or seconds'),
  seed: z.int(),
  warmStart: z.strictObject({ proxy: name, pool: z.int().min(1).max(1_000_000) }).optional(),
});

/**
 * The images of a `naskit run` (experiments/run/data.ts RunDataRef): a named dataset the worker loads from
 * its own data folder, the digest of the run's copy, and the run's seed and validation split size, from
 * which every subset a phase uses is drawn.
 */
const runData = z.strictObject({
  dataset: name,
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/, '16 lowercase hex digits'),
  seed: z
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  val_images: z.int().min(1).max(100_000_000),
});

const archText = z.string().min(1).max(16_384);

const proxyChunkJob = z.strictObject({
  ...header,
  kind: z.literal('proxy-chunk'),
  space: name,
  dataset: name,
  proxies: z.array(name).min(1).max(64),
  archs: z.array(archText).min(1).max(MAX_CHUNK_ARCHS),
  seed: z.int().min(0),
  /** A run's training images (the proxies' batch is drawn from them); absent: the dataset's own batch. */
  images: runData.optional(),
});

/** A run's network: the same bounds as the run's configuration (experiments/run/config.ts). */
const runNetwork = z.strictObject({ channels: z.int().min(1).max(256), cells: z.int().min(1).max(10) });
const runTraining = {
  space: name,
  arch: archText,
  network: runNetwork,
  data: runData,
  images: z.int().min(1).max(100_000_000),
  batch_size: z.int().min(1).max(4096),
  lr: z.number().positive().max(10),
};

/** A candidate's short training (experiments/run/train-phase.ts ShortTrainingSpec). */
const runShortJob = z.strictObject({
  ...header,
  kind: z.literal('run-short'),
  ...runTraining,
  epochs: z.int().min(1).max(100),
});

/** A final training and its test (experiments/run/final-phase.ts FinalTrainingSpec). */
const runFinalJob = z.strictObject({
  ...header,
  kind: z.literal('run-final'),
  ...runTraining,
  train_on: z.enum(['train', 'train+val']),
  schedule: z
    .array(z.tuple([z.int().min(0).max(1000), z.int().min(1).max(1000)]))
    .min(1)
    .max(1000)
    .refine((s) => s[0]?.[0] === 0, 'the schedule starts at epoch 0'),
});

/** The spaces the supernet searches have defaults for (their own list, not one kept here). */
const dartsSpaces = Object.keys(DARTS_DEFAULTS) as (keyof typeof DARTS_DEFAULTS)[];
const genasSpaces = Object.keys(GENAS_DEFAULTS) as (keyof typeof GENAS_DEFAULTS)[];
const positive = z.number().positive().max(1e6);
const fingerprint = z.string().regex(/^[0-9a-f]{16}$/, '16 lowercase hex digits');

/**
 * A seed of a differentiable search (experiments/supernet/darts-job.ts DartsSettings): the worker loads
 * the named dataset from its data folder, checks the images against the coordinator's digest and runs
 * `dartsSeed`.
 */
const dartsSeedJob = z.strictObject({
  ...header,
  kind: z.literal('darts-seed'),
  space: z.enum(dartsSpaces),
  strategy: z.enum(['darts', 'darts-global']),
  order: z.union([z.literal(1), z.literal(2)]),
  best_of: z.int().min(1).max(64),
  scheme: z.enum(GLOBAL_SCHEMES),
  halving: z.strictObject({
    starts: z.int().min(1).max(64),
    eta: z.number().min(1).max(64),
    alphaScales: z.array(positive).min(1).max(64),
    rungs: z.array(z.number().positive().max(1)).min(1).max(64),
    hops: z.int().min(0).max(1000),
    hopEpochs: z.int().min(1).max(1000),
    hopStd: z.number().min(0).max(100),
    temperature: z.number().min(0).max(1e6),
  }),
  scale: z.strictObject({
    dataset: name,
    trainImages: z.int().min(2).max(100_000_000),
    resolution: z.int().min(4).max(1024),
    channels: z.int().min(1).max(256),
    cells: z.int().min(1).max(32),
    epochs: z.int().min(1).max(10_000),
    batch: z.int().min(1).max(4096),
    alphaLr: positive,
    lr: positive,
  }),
  j_images: z.int().min(1).max(100_000_000).nullable(),
  fingerprint,
  seed: z
    .int()
    .min(0)
    .max(2 ** 31),
});

/**
 * A seed of GeNAS' evolutionary search (experiments/supernet/genas-job.ts GenasSettings) over a trained
 * single-path supernet that every worker holds in its data folder: the checkpoint and the weights at
 * initialization (for the angle score), each with the coordinator's digest.
 */
const genasSeedJob = z.strictObject({
  ...header,
  kind: z.literal('genas-seed'),
  space: z.enum(genasSpaces),
  objective: z.enum(OBJECTIVES),
  sigmas: z.array(positive).min(1).max(16),
  gamma: z.number().min(0).max(1e6),
  noise: z.enum(['faithful', 'shared']),
  noise_seed: z.int().min(0),
  calibration_images: z.int().min(1).max(1_000_000),
  valid_images: z.int().min(1).max(1_000_000).nullable(),
  isomorphs: z.union([z.int().min(1).max(1_000_000), z.literal('all')]),
  isomorph_seed: z.int().min(0),
  evolution: z.strictObject({
    population: z.int().min(2).max(10_000),
    topK: z.int().min(1).max(10_000),
    mutations: z.int().min(0).max(10_000),
    mutationProb: z.number().min(0).max(1),
    crossovers: z.int().min(0).max(10_000),
    generations: z.int().min(1).max(10_000),
  }),
  supernet: dataRef,
  init: dataRef,
  fingerprint,
  seed: z
    .int()
    .min(0)
    .max(2 ** 31),
});

export const jobSchema = z.discriminatedUnion('kind', [
  searchSeedJob,
  proxyChunkJob,
  runShortJob,
  runFinalJob,
  dartsSeedJob,
  genasSeedJob,
]);
export type NaskitJob = z.infer<typeof jobSchema>;
export type SearchSeedJob = z.infer<typeof searchSeedJob>;
export type ProxyChunkJob = z.infer<typeof proxyChunkJob>;
export type RunShortJob = z.infer<typeof runShortJob>;
export type RunFinalJob = z.infer<typeof runFinalJob>;
export type DartsSeedJob = z.infer<typeof dartsSeedJob>;
export type GenasSeedJob = z.infer<typeof genasSeedJob>;
export type JobKind = NaskitJob['kind'];

/** Any number, NaN and ±Infinity included (they cross the queue encoded, see toWire). */
const anyNumber = z.custom<number>((v) => typeof v === 'number', 'a number');

const queryRecord = z.strictObject({
  n: z.int(),
  key: z.string(),
  arch: z.string(),
  val: anyNumber,
  test: anyNumber,
  cost: anyNumber.nullable(),
  elapsed: anyNumber.nullable(),
});

const searchSeedResult = z.strictObject({
  seed: z.int(),
  history: z.array(queryRecord),
  final: queryRecord.nullable(),
  warmStart: z
    .strictObject({ proxy: z.string(), pool: z.int(), distinct: z.int(), failures: z.int() })
    .optional(),
});

const proxyValue = z.strictObject({
  value: anyNumber.nullable(),
  failure: z.string().optional(),
  seconds: anyNumber,
});

const proxyChunkResult = z.strictObject({ scores: z.record(z.string(), z.array(proxyValue)) });

const epochRecord = {
  epoch: z.int().min(0),
  loss: anyNumber,
  accuracy: anyNumber,
  seconds: anyNumber,
  lr: anyNumber,
};
const curve = z.array(z.tuple([anyNumber, anyNumber]));

const runShortResult = z.strictObject({
  val_accuracy: anyNumber,
  val_loss: anyNumber,
  params: z.int().min(0),
  history: z.array(z.strictObject(epochRecord)),
  curve,
  train_seconds: anyNumber,
  seconds: anyNumber,
});

/** The weights as base64 text on the queue; a Uint8Array (safetensors bytes) once parsed. */
const base64Bytes = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text')
  .transform((text) => new Uint8Array(Buffer.from(text, 'base64')));

const runFinalResult = z.strictObject({
  epochs: z.array(z.strictObject({ ...epochRecord, completed: z.int().min(1), curve })),
  evaluation: z.strictObject({
    test_accuracy: anyNumber,
    test_loss: anyNumber,
    test_images: z.int().min(0),
    seconds: anyNumber,
  }),
  weights: base64Bytes,
});

const truth = z
  .strictObject({ cifar10: anyNumber, cifar100: anyNumber, 'ImageNet16-120': anyNumber })
  .nullable();

const dartsSeedResult = z.strictObject({
  seed: z.int(),
  arch: archText,
  J: anyNumber,
  J_se: anyNumber,
  params: anyNumber.nullable(),
  param_free: anyNumber,
  decisiveness: anyNumber,
  true: truth,
  compute: anyNumber,
  start: z.int(),
  alpha_scale: anyNumber,
  trace: z.array(z.string().max(4096)),
  curve: z.array(
    z.strictObject({
      epoch: z.int(),
      derived: archText,
      param_free: anyNumber,
      decisiveness: anyNumber,
      train_loss: anyNumber,
      valid_loss: anyNumber.nullable(),
      true: truth,
    }),
  ),
  alpha: z.array(z.record(z.string().max(256), z.array(z.array(anyNumber)))),
});

const cellRecord = z.strictObject({
  arch: archText,
  key: z.string().max(16_384),
  loss: anyNumber,
  accuracy: anyNumber,
  levels: z.array(anyNumber),
  depth: anyNumber,
  slopes: z.array(anyNumber),
  flatness: anyNumber,
  flatness_only: anyNumber,
  angle: anyNumber,
  seconds: anyNumber,
});

const genasSeedResult = z.strictObject({
  run: z.strictObject({
    seed: z.int(),
    arch: archText,
    score: anyNumber,
    params: anyNumber.nullable(),
    true: truth,
    scored: z.int().min(0),
  }),
  records: z.array(cellRecord),
});

export type SearchSeedResult = z.infer<typeof searchSeedResult>;
export type DartsSeedResult = z.infer<typeof dartsSeedResult>;
export type GenasSeedResult = z.infer<typeof genasSeedResult>;
export type ProxyChunkResult = z.infer<typeof proxyChunkResult>;
export type RunShortResult = z.infer<typeof runShortResult>;
export type RunFinalResult = z.output<typeof runFinalResult>;
export interface JobResults {
  'search-seed': SearchSeedResult;
  'proxy-chunk': ProxyChunkResult;
  'run-short': RunShortResult;
  'run-final': RunFinalResult;
  'darts-seed': DartsSeedResult;
  'genas-seed': GenasSeedResult;
}

const resultSchemas: { [K in JobKind]: z.ZodType<JobResults[K], unknown> } = {
  'search-seed': searchSeedResult,
  'proxy-chunk': proxyChunkResult,
  'run-short': runShortResult,
  'run-final': runFinalResult,
  'darts-seed': dartsSeedResult,
  'genas-seed': genasSeedResult,
};

/** The largest result of a kind, in bytes of JSON: only final trainings carry weights. */
export function maxResultBytes(kind: JobKind): number {
  return kind === 'run-final' ? MAX_FINAL_RESULT_BYTES : MAX_RESULT_BYTES;
}

/**
 * A worker's result in wire form (see toWire; bytes as base64), refused when it is over its kind's limit
 * so that the worker fails the job with the reason instead of filling Redis.
 */
export function resultToWire(kind: JobKind, result: unknown): unknown {
  const wire = toWire(result, (v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
  const bytes = Buffer.byteLength(JSON.stringify(wire));
  if (bytes > maxResultBytes(kind)) {
    throw new NaskitError(
      'invalid_argument',
      `the ${kind} result is ${bytes} bytes, over the ${maxResultBytes(kind)}-byte limit of its kind` +
        (kind === 'run-final' ? ': train this network in process (leave out --remote-final)' : ''),
    );
  }
  return wire;
}

/** Checks a job that came from the queue (or is about to go there): size first, then the schema. */
export function parseJob(data: unknown): NaskitJob {
  const text = JSON.stringify(data) ?? '';
  if (Buffer.byteLength(text) > MAX_JOB_BYTES) {
    throw new NaskitError(
      'invalid_argument',
      `job of ${Buffer.byteLength(text)} bytes is over the ${MAX_JOB_BYTES}-byte limit; send smaller chunks`,
    );
  }
  const { format, naskit } = (data ?? {}) as { format?: unknown; naskit?: unknown };
  if (
    (format !== undefined && format !== JOB_FORMAT) ||
    (naskit !== undefined && naskit !== NASKIT_VERSION)
  ) {
    throw new NaskitError(
      'invalid_argument',
      `job of naskit ${String(naskit ?? '(unknown)')} (job format ${String(format)}), this is naskit ${NASKIT_VERSION} ` +
        `(format ${JOB_FORMAT}): run the same naskit version on the workers and the coordinator`,
    );
  }
  const parsed = jobSchema.safeParse(data);
  if (!parsed.success) throw new NaskitError('invalid_argument', `invalid job: ${describe(parsed.error)}`);
  return parsed.data;
}

/** Decodes and checks what a worker returned for a job of this kind. */
export function parseResult<K extends JobKind>(kind: K, wire: unknown): JobResults[K] {
  const bytes = Buffer.byteLength(JSON.stringify(wire) ?? '');
  if (bytes > maxResultBytes(kind)) {
    throw new NaskitError(
      'data_corrupt',
      `a worker returned a ${kind} result of ${bytes} bytes, over the ${maxResultBytes(kind)}-byte limit of its kind`,
    );
  }
  const parsed = resultSchemas[kind].safeParse(fromWire(wire));
  if (!parsed.success) {
    throw new NaskitError(
      'data_corrupt',
      `a worker returned a malformed ${kind} result (${describe(parsed.error)}): run the same naskit version on the workers and the coordinator`,
    );
  }
  return parsed.data;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(top level)'}: ${i.message}`)
    .join('; ');
}

/** The job's id in the queue: its kind and a digest of its content with keys in a fixed order. */
export function jobId(job: NaskitJob): string {
  return `${job.kind}-${createHash('sha256').update(canonicalJson(job)).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** JSON turns NaN and ±Infinity into null; results carry them as {"$number": "NaN"} instead. */
export function toWire(value: unknown, also: (v: unknown) => unknown = (v) => v): unknown {
  return JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
      if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
      // `also` sees the value before toJSON: in `v` a Buffer is already {type: 'Buffer', data: [...]}.
      const original = this[key];
      const replaced = also(original);
      return replaced !== original ? replaced : v;
    }),
  );
}

export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === '$number' && typeof entries[0]![1] === 'string') {
      return Number(entries[0]![1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, fromWire(v)]));
  }
  return value;
}

/**
 * Errors cross the queue as text; the code leads it in brackets so the coordinator can exit with the
 * same status as a local run would.
 */
export function errorText(err: unknown): string {
  if (err instanceof NaskitError) return `[${err.code}] ${err.message}`;
  return (err as Error)?.message ?? String(err);
}

export function errorFromText(text: string): { code?: ErrorCode; message: string } {
  const m = /^\[([a-z_]+)\] ([\s\S]*)$/.exec(text);
  return m ? { code: m[1] as ErrorCode, message: m[2]! } : { message: text };
}

/** Failures that every worker would hit again (bad job, bad architecture): not worth a retry. */
export function isDeterministic(err: unknown): boolean {
  return (
    err instanceof NaskitError &&
    (err.code === 'invalid_argument' || err.code === 'invalid_arch' || err.code === 'invalid_config')
  );
}
