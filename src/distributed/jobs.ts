/**
 * What travels through the queue. A job is plain JSON checked against a strict schema: names (space,
 * dataset, strategy, proxies), numbers, architecture strings, and data references that a worker resolves
 * inside its own data folder. Nothing in a job is run as code or opened as a path outside that folder,
 * and a job's result depends on the job alone (and on the data it names), so its id is a hash of its
 * content: enqueuing the same job twice is one job, and a restarted coordinator finds its results.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NaskitError, type ErrorCode } from '../util/errors.js';

/** Bumped when a job or result changes shape; a worker refuses jobs of another format. */
export const JOB_FORMAT = 1;

/** Largest job accepted, in bytes of JSON (a chunk of a few thousand architecture strings). */
export const MAX_JOB_BYTES = 1 << 20;

/** Most architectures in one proxy-chunk job. */
export const MAX_CHUNK_ARCHS = 4096;

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a name of letters, digits, . _ -');

/** A file inside the worker's data folder, with the digest of the coordinator's copy. */
const dataRef = z.strictObject({
  path: z.string().min(1).max(1024),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'),
});
export type DataRef = z.infer<typeof dataRef>;

const searchSeedJob = z.strictObject({
  format: z.literal(JOB_FORMAT),
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

const proxyChunkJob = z.strictObject({
  format: z.literal(JOB_FORMAT),
  kind: z.literal('proxy-chunk'),
  space: name,
  dataset: name,
  proxies: z.array(name).min(1).max(64),
  archs: z.array(z.string().min(1).max(16_384)).min(1).max(MAX_CHUNK_ARCHS),
  seed: z.int().min(0),
});

export const jobSchema = z.discriminatedUnion('kind', [searchSeedJob, proxyChunkJob]);
export type NaskitJob = z.infer<typeof jobSchema>;
export type SearchSeedJob = z.infer<typeof searchSeedJob>;
export type ProxyChunkJob = z.infer<typeof proxyChunkJob>;
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

export type SearchSeedResult = z.infer<typeof searchSeedResult>;
export type ProxyChunkResult = z.infer<typeof proxyChunkResult>;
export interface JobResults {
  'search-seed': SearchSeedResult;
  'proxy-chunk': ProxyChunkResult;
}

const resultSchemas: { [K in JobKind]: z.ZodType<JobResults[K]> } = {
  'search-seed': searchSeedResult,
  'proxy-chunk': proxyChunkResult,
};

/** Checks a job that came from the queue (or is about to go there): size first, then the schema. */
export function parseJob(data: unknown): NaskitJob {
  const text = JSON.stringify(data) ?? '';
  if (Buffer.byteLength(text) > MAX_JOB_BYTES) {
    throw new NaskitError(
      'invalid_argument',
      `job of ${Buffer.byteLength(text)} bytes is over the ${MAX_JOB_BYTES}-byte limit; send smaller chunks`,
    );
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (format !== undefined && format !== JOB_FORMAT) {
    throw new NaskitError(
      'invalid_argument',
      `job format ${String(format)}, this naskit reads format ${JOB_FORMAT}: run the same naskit version on the workers and the coordinator`,
    );
  }
  const parsed = jobSchema.safeParse(data);
  if (!parsed.success) throw new NaskitError('invalid_argument', `invalid job: ${describe(parsed.error)}`);
  return parsed.data;
}

/** Decodes and checks what a worker returned for a job of this kind. */
export function parseResult<K extends JobKind>(kind: K, wire: unknown): JobResults[K] {
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
export function toWire(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v,
    ),
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
