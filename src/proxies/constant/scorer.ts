/**
 * A scorer for proxies built on constant-weight networks: it runs every distinct network once per
 * batch of architectures (NB201 cells with the same live part share one run), keeps `concurrency`
 * runs in flight, splits each run's wall time over the architectures that share it, and turns the
 * per-constant outputs into a score with `combine`.
 */
import type { Nb201Arch } from '../../spaces/nb201/ops.js';
import type { Nb101Arch } from '../../spaces/nb101/index.js';
import { NaskitError } from '../../util/errors.js';
import { mapConcurrent } from '../concurrency.js';
import type { ProxyBatch } from '../data-batch.js';
import type { ProxyContext, ProxyScorer, ProxyValue } from '../proxy.js';
import { Nb101ConstantEngine } from './nb101-engine.js';
import { Nb201ConstantEngine } from './nb201-engine.js';
import { liveNb201Cell } from './nb201-live.js';

/** One network output vector (batch length), in the precision the network ran in. */
export type Output = Float32Array | Float64Array;

export interface ConstantRunner {
  outputs(arch: unknown, weights: readonly number[]): Promise<Output[]>;
  /**
   * Outputs of several canonical architectures that share an `order` key, in one engine run when the
   * engine can pack them (NB201: up to `cellsPerRun` cells per run).
   */
  outputsMany(archs: readonly unknown[], weights: readonly number[]): Promise<Output[][]>;
  /** Architectures `outputsMany` packs into one run. */
  cellsPerRun: number;
  /** The cheapest architecture with bit-identical outputs (NB201: the cell's live part). */
  canonical(arch: unknown): unknown;
  /** Identity of a canonical architecture. */
  key(canonical: unknown): string;
  /** Sort key of a canonical architecture: those sharing a compiled program sort together. */
  order(canonical: unknown): string;
  release(): Promise<void>;
}

export interface ConstantRunnerOptions {
  weights: readonly number[];
  batchSize: number;
  bnEps?: number;
}

/**
 * Outputs already computed in this process, so proxies sharing a network (epsilon and epsilon-robust)
 * run it once. Keyed by everything the outputs depend on; bounded by dropping the oldest entries.
 */
const MEMO_LIMIT = 40_000;
const memo = new Map<string, Promise<Output[]>>();

/** Forget every memoized output (benchmarks time each proxy as if it ran alone). */
export function clearConstantMemo(): void {
  memo.clear();
}

function remember(key: string, value: Promise<Output[]>): void {
  memo.set(key, value);
  value.catch(() => memo.delete(key));
  if (memo.size > MEMO_LIMIT) memo.delete(memo.keys().next().value!);
}

function memoized(prefix: string, runner: ConstantRunner): ConstantRunner {
  const keyOf = (arch: unknown, weights: readonly number[]) =>
    `${prefix}|${weights.join(',')}|${runner.key(arch)}`;
  return {
    ...runner,
    outputs(arch, weights) {
      const key = keyOf(arch, weights);
      let hit = memo.get(key);
      if (hit === undefined) {
        hit = runner.outputs(arch, weights);
        remember(key, hit);
      }
      return hit;
    },
    outputsMany(archs, weights) {
      const keys = archs.map((a) => keyOf(a, weights));
      const missing = archs.flatMap((_, i) => (memo.has(keys[i]!) ? [] : [i]));
      if (missing.length > 0) {
        const run = runner.outputsMany(
          missing.map((i) => archs[i]),
          weights,
        );
        missing.forEach((i, j) =>
          remember(
            keys[i]!,
            run.then((all) => all[j]!),
          ),
        );
      }
      return Promise.all(keys.map((k) => memo.get(k)!));
    },
  };
}

/**
 * NB201 cells packed per engine run. One: on the 2-core box one cell per run took 0.031 s per cell
 * and two cells per run 0.032 (4–16 per run were slower still: the network is memory-bound and a
 * one-cell run's 2 MB activations stay in cache), so parallelism comes from `concurrency` instead.
 */
export const NB201_CELLS_PER_RUN = 1;

/** The engine for the context's space, fed the context's batch of `batchSize` images. */
export function constantRunner(context: ProxyContext, options: ConstantRunnerOptions): ConstantRunner {
  const batch = context.batch(options.batchSize);
  const prefix = `${context.space.name}|${batch.source}|${options.bnEps ?? ''}`;
  return memoized(prefix, engineRunner(context, options, batch));
}

function engineRunner(
  context: ProxyContext,
  options: ConstantRunnerOptions,
  batch: ProxyBatch,
): ConstantRunner {
  const slots = options.weights.length;
  const engineOptions = {
    threads: context.threads,
    ...(options.bnEps === undefined ? {} : { bnEps: options.bnEps }),
  };
  switch (context.space.name) {
    case 'nb201': {
      const cellsPerRun = NB201_CELLS_PER_RUN;
      const engine = Nb201ConstantEngine.create(
        batch.images,
        batch.shape,
        slots * cellsPerRun,
        engineOptions,
      );
      const outputsMany = async (archs: readonly unknown[], weights: readonly number[]) => {
        const out: Output[][] = [];
        for (let start = 0; start < archs.length; start += cellsPerRun) {
          const part = archs.slice(start, start + cellsPerRun) as Nb201Arch[];
          const ys = await engine.run(part.flatMap((arch) => weights.map((weight) => ({ arch, weight }))));
          part.forEach((_, j) => out.push(ys.slice(j * weights.length, (j + 1) * weights.length)));
        }
        return out;
      };
      return {
        outputs: async (arch, weights) => (await outputsMany([arch], weights))[0]!,
        outputsMany,
        cellsPerRun,
        canonical: (arch) => liveNb201Cell(arch as Nb201Arch),
        key: (arch) => context.space.format(arch),
        order: (arch) => Nb201ConstantEngine.order(arch as Nb201Arch),
        release: () => engine.release(),
      };
    }
    case 'nb101': {
      const engine = Nb101ConstantEngine.create(batch.images, batch.shape, slots, engineOptions);
      return {
        outputs: (arch, weights) => engine.outputs(arch as Nb101Arch, weights),
        outputsMany: (archs, weights) =>
          Promise.all(archs.map((arch) => engine.outputs(arch as Nb101Arch, weights))),
        cellsPerRun: 1,
        canonical: (arch) => arch,
        key: (arch) => context.space.format(arch),
        order: () => '',
        release: () => engine.release(),
      };
    }
    default:
      throw new NaskitError(
        'invalid_argument',
        `constant-weight proxies support nb201 and nb101 (their networks collapse to one channel), not '${context.space.name}'`,
      );
  }
}

/**
 * Score = combine(outputs per constant, canonical architecture); a thrown error or a null value
 * becomes a recorded failure.
 */
export type CombineOutputs = (
  outputs: Output[],
  canonical: unknown,
) => { value: number | null; failure?: string };

export function constantScorer(
  context: ProxyContext,
  runner: ConstantRunner,
  weights: readonly number[],
  combine: CombineOutputs,
): ProxyScorer {
  return {
    async score(archs, onResult) {
      const groups = new Map<string, { arch: unknown; members: number[] }>();
      archs.forEach((arch, i) => {
        const canonical = runner.canonical(arch);
        const key = runner.key(canonical);
        const group = groups.get(key);
        if (group) group.members.push(i);
        else groups.set(key, { arch: canonical, members: [i] });
      });
      // Sorted so that cells sharing a program run back to back, and packed into runs of cells with
      // the same order key (one engine run scores `cellsPerRun` of them).
      const jobs = [...groups.values()].map((g) => ({ ...g, order: runner.order(g.arch) }));
      jobs.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
      const runs: (typeof jobs)[] = [];
      for (const job of jobs) {
        const last = runs[runs.length - 1];
        if (last && last.length < runner.cellsPerRun && last[0]!.order === job.order) last.push(job);
        else runs.push([job]);
      }
      const results = new Array<ProxyValue>(archs.length);
      await mapConcurrent(runs, context.concurrency, async (run) => {
        const start = performance.now();
        let outputs: Output[][] | Error;
        try {
          outputs = await runner.outputsMany(
            run.map((j) => j.arch),
            weights,
          );
        } catch (err) {
          outputs = err as Error;
        }
        const members = run.reduce((n, j) => n + j.members.length, 0);
        const seconds = (performance.now() - start) / 1000 / members;
        run.forEach((job, r) => {
          let outcome: { value: number | null; failure?: string };
          try {
            if (outputs instanceof Error) throw outputs;
            outcome = combine(outputs[r]!, job.arch);
          } catch (err) {
            outcome = { value: null, failure: `network failed: ${(err as Error).message}` };
          }
          for (const i of job.members) {
            const value: ProxyValue =
              outcome.value === null || !Number.isFinite(outcome.value)
                ? { value: null, failure: outcome.failure ?? `score is ${outcome.value}`, seconds }
                : { value: outcome.value, seconds };
            results[i] = value;
            onResult?.(i, value);
          }
        });
      });
      return results;
    },
    release: () => runner.release(),
  };
}
