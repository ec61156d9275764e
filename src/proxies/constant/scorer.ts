/**
 * A scorer for proxies built on constant-weight networks (the space's one-channel program, see
 * spaces/proxy-hooks.ts): it runs every distinct network once per batch of architectures (canonical
 * architectures with the same key share one run, e.g. NB201 cells with the same live part), keeps
 * `concurrency` runs in flight, splits each run's wall time over the architectures that share it, and
 * turns the per-constant outputs into a score with `combine`.
 */
import { NaskitError } from '../../util/errors.js';
import { mapConcurrent } from '../concurrency.js';
import type { ProxyBatch } from '../data-batch.js';
import {
  failure,
  orient,
  type ProxyContext,
  type ProxyDefinition,
  type ProxyScorer,
  type ProxyValue,
} from '../proxy.js';
import { CONSTANT_OUTPUTS_LIMIT, rememberBounded, type ConstantOutputs } from '../session.js';
import { ConstantEngine, type Output } from './engine.js';

export type { Output } from './engine.js';

export interface ConstantRunner {
  /**
   * Outputs of several canonical architectures that share an `order` key, in one engine run when the
   * space packs several (`cellsPerRun`), one vector per constant.
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
 * Outputs already computed in this context's session, so proxies sharing a network (epsilon and
 * epsilon-robust) run it once. Keyed by everything the outputs depend on; bounded by dropping the
 * oldest entries.
 */
function memoized(context: ProxyContext, prefix: string, runner: ConstantRunner): ConstantRunner {
  const memo = context.session.constantOutputs;
  const remember = (key: string, value: ConstantOutputs): void => {
    rememberBounded(memo, key, value, CONSTANT_OUTPUTS_LIMIT);
    value.catch(() => memo.delete(key));
  };
  const keyOf = (arch: unknown, weights: readonly number[]) =>
    `${prefix}|${weights.join(',')}|${runner.key(arch)}`;
  return {
    ...runner,
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

/** The engine for the context's space, fed the context's batch of `batchSize` images. */
export function constantRunner(context: ProxyContext, options: ConstantRunnerOptions): ConstantRunner {
  const batch = context.batch(options.batchSize);
  const prefix = `${context.space.name}|${batch.source}|${options.bnEps ?? ''}`;
  return memoized(context, prefix, engineRunner(context, options, batch));
}

function engineRunner(
  context: ProxyContext,
  options: ConstantRunnerOptions,
  batch: ProxyBatch,
): ConstantRunner {
  const hooks = context.space.proxyHooks?.constantWeights;
  if (!hooks) {
    throw new NaskitError(
      'invalid_argument',
      `constant-weight proxies need a space whose networks collapse to one channel (a constant-weight ` +
        `program in its proxy hooks); '${context.space.name}' has none`,
    );
  }
  const { cellsPerRun } = hooks;
  const weightsPerCell = options.weights.length;
  const engine = ConstantEngine.create(hooks, batch.images, batch.shape, weightsPerCell * cellsPerRun, {
    threads: context.threads,
    ...(options.bnEps === undefined ? {} : { bnEps: options.bnEps }),
  });
  const outputsMany = async (archs: readonly unknown[], weights: readonly number[]) => {
    const out: Output[][] = [];
    for (let start = 0; start < archs.length; start += cellsPerRun) {
      const part = archs.slice(start, start + cellsPerRun);
      const ys = await engine.run(part.flatMap((arch) => weights.map((weight) => ({ arch, weight }))));
      part.forEach((_, j) => out.push(ys.slice(j * weights.length, (j + 1) * weights.length)));
    }
    return out;
  };
  return {
    outputsMany,
    cellsPerRun,
    canonical: (arch) => hooks.canonical(arch),
    key: (arch) => context.space.format(arch),
    order: (arch) => hooks.programKey(arch),
    release: () => engine.release(),
  };
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
  definition: Pick<ProxyDefinition, 'name' | 'direction'>,
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
          let value: ProxyValue;
          try {
            if (outputs instanceof Error) throw outputs;
            const outcome = combine(outputs[r]!, job.arch);
            value = orient(definition, outcome.value ?? Number.NaN, seconds, outcome.failure);
          } catch (err) {
            value = failure(definition, err, seconds);
          }
          for (const i of job.members) {
            const own = { ...value };
            results[i] = own;
            onResult?.(i, own);
          }
        });
      });
      return results;
    },
    release: () => runner.release(),
  };
}
