/**
 * The compiled programs a supernet trainer runs, per path. Mixed supernets have one program of each
 * kind. Single-path supernets run one path per step: when the space builds a network whose path is a
 * graph input (`Supernet.fedPath`), one program serves every path (the path is fed); otherwise each
 * path gets its own programs, kept in a small LRU cache (compiling is then most of the cost, which is
 * why the fed form exists).
 */
import { Graph } from '../../graph/graph.js';
import { createContext, type NetworkSpec } from '../../graph/network.js';
import { Program } from '../../runtime/session.js';
import { Forward, TrainStep, type ExtraFeeds, type ParamSource } from '../../runtime/train-program.js';
import { PATH_INPUT, type Supernet } from '../../spaces/network-config.js';
import { NaskitError } from '../../util/errors.js';

export type Path = readonly number[];

/** Train-mode forward whose outputs are the BN running-stat updates (for BN recalibration). */
export class StatsPass {
  /** Each statistic's momentum, read once by the BN recalibration (see subnet-eval.ts). */
  readonly momentum = new Map<string, Float32Array>();

  private constructor(
    private readonly program: Program,
    readonly stateNames: readonly string[],
    readonly batch: number,
  ) {}

  static async create(net: NetworkSpec, batch: number, threads?: number): Promise<StatsPass> {
    const graph = new Graph(`${net.name}/bn-stats`);
    const input = graph.input('input', [batch, ...net.inputShape]);
    const ctx = createContext(graph, true);
    net.forward(ctx, input);
    const stateNames = [...ctx.stateUpdates.keys()];
    if (stateNames.length === 0) {
      throw new NaskitError(
        'invalid_argument',
        `network ${net.name} has no batch-norm statistics to recalibrate`,
      );
    }
    const program = await Program.compile(
      graph,
      stateNames.map((n) => ctx.stateUpdates.get(n)!),
      { outputNames: stateNames.map((n) => `state/${n}`), ...(threads ? { threads } : {}) },
    );
    return new StatsPass(program, stateNames, batch);
  }

  /** New running statistics by name, computed from the fed ones and one batch. */
  async run(
    params: ParamSource,
    input: Float32Array,
    extra: ExtraFeeds = {},
  ): Promise<Map<string, Float32Array>> {
    const feeds: Record<string, Float32Array | BigInt64Array> = { ...extra, input };
    for (const name of this.program.paramNames) feeds[name] = params.get(name);
    const out = await this.program.run(feeds);
    return new Map(this.stateNames.map((n) => [n, out[`state/${n}`] as Float32Array]));
  }

  async release(): Promise<void> {
    await this.program.release();
  }
}

export interface ProgramSetOptions {
  batch: number;
  /** Batch of the evaluation and BN-statistics programs. */
  evalBatch: number;
  /**
   * Batch of the evaluation (forward) program alone, when it differs from the BN-statistics batch:
   * scoring measures every cell at several noise levels, and fewer, larger runs cost less per image.
   */
  measureBatch?: number;
  threads?: number;
}

/** A program with the feeds that select its path (none when the path is compiled in). */
export interface Bound<P> {
  program: P;
  feeds: ExtraFeeds;
}

const ALPHA_PREFIX = 'alpha/';
export const isAlpha = (name: string): boolean => name.startsWith(ALPHA_PREFIX);

/** Programs of one supernet; `path` is ignored in mixed mode. */
export interface SupernetPrograms {
  /** Forward + backward of the weights (not α). */
  train(path: Path | null): Promise<Bound<TrainStep>>;
  /** Forward + backward of α only (mixed mode). */
  alpha(): Promise<TrainStep>;
  /** Forward + backward of α and weights together (mixed mode; second-order DARTS). */
  full(): Promise<TrainStep>;
  forward(path: Path | null): Promise<Bound<Forward>>;
  stats(path: Path | null): Promise<Bound<StatsPass>>;
  /** Whether one program serves every path (no compile per path). */
  readonly fedPath: boolean;
  release(): Promise<void>;
}

export function pathFeed(path: Path): BigInt64Array {
  return BigInt64Array.from(path, (v) => BigInt(v));
}

export function supernetPrograms(
  supernet: Supernet,
  options: ProgramSetOptions,
  useFedPath = true,
): SupernetPrograms {
  const threads = options.threads ? { threads: options.threads } : {};
  const measureBatch = options.measureBatch ?? options.evalBatch;
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let value: Promise<T> | null = null;
    return () => (value ??= make());
  };
  const made: Array<Promise<{ release(): Promise<void> }>> = [];
  const track = <T extends { release(): Promise<void> }>(p: Promise<T>): Promise<T> => {
    made.push(p);
    return p;
  };

  if (supernet.mode === 'mixed') {
    const train = once(() =>
      track(TrainStep.create(supernet, { batch: options.batch, wrt: (n) => !isAlpha(n), ...threads })),
    );
    const alpha = once(() =>
      track(TrainStep.create(supernet, { batch: options.batch, wrt: isAlpha, ...threads })),
    );
    const full = once(() => track(TrainStep.create(supernet, { batch: options.batch, ...threads })));
    const forward = once(() => track(Forward.create(supernet, { batch: measureBatch, ...threads })));
    const stats = once(() => track(StatsPass.create(supernet, options.evalBatch, options.threads)));
    return {
      fedPath: false,
      train: async () => ({ program: await train(), feeds: {} }),
      alpha,
      full,
      forward: async () => ({ program: await forward(), feeds: {} }),
      stats: async () => ({ program: await stats(), feeds: {} }),
      release: () => releaseAll(made),
    };
  }

  const noAlpha = (): never => {
    throw new NaskitError('invalid_argument', `${supernet.name}: α steps need a mixed supernet`);
  };
  const needPath = (path: Path | null): Path => {
    if (!path)
      throw new NaskitError('invalid_argument', `${supernet.name}: a single-path program needs a path`);
    return path;
  };

  if (useFedPath && supernet.fedPath) {
    const net = supernet.fedPath();
    const train = once(() => track(TrainStep.create(net, { batch: options.batch, ...threads })));
    const forward = once(() => track(Forward.create(net, { batch: measureBatch, ...threads })));
    const stats = once(() => track(StatsPass.create(net, options.evalBatch, options.threads)));
    const feeds = (path: Path | null): ExtraFeeds => ({ [PATH_INPUT]: pathFeed(needPath(path)) });
    return {
      fedPath: true,
      train: async (path) => ({ program: await train(), feeds: feeds(path) }),
      alpha: noAlpha,
      full: noAlpha,
      forward: async (path) => ({ program: await forward(), feeds: feeds(path) }),
      stats: async (path) => ({ program: await stats(), feeds: feeds(path) }),
      release: () => releaseAll(made),
    };
  }

  const trains = new ProgramCache<TrainStep>(4);
  const forwards = new ProgramCache<Forward>(2);
  const statses = new ProgramCache<StatsPass>(2);
  const net = (path: Path | null): NetworkSpec => supernet.withPath(needPath(path));
  return {
    fedPath: false,
    train: async (path) => ({
      program: await trains.get(needPath(path), () =>
        TrainStep.create(net(path), { batch: options.batch, ...threads }),
      ),
      feeds: {},
    }),
    alpha: noAlpha,
    full: noAlpha,
    forward: async (path) => ({
      program: await forwards.get(needPath(path), () =>
        Forward.create(net(path), { batch: measureBatch, ...threads }),
      ),
      feeds: {},
    }),
    stats: async (path) => ({
      program: await statses.get(needPath(path), () =>
        StatsPass.create(net(path), options.evalBatch, options.threads),
      ),
      feeds: {},
    }),
    release: async () => {
      await Promise.all([trains.clear(), forwards.clear(), statses.clear()]);
    },
  };
}

async function releaseAll(made: Array<Promise<{ release(): Promise<void> }>>): Promise<void> {
  const settled = await Promise.allSettled(made);
  await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.release() : undefined)));
}

/** Least-recently-used programs by path; evicted programs are released. */
class ProgramCache<P extends { release(): Promise<void> }> {
  private readonly entries = new Map<string, Promise<P>>();

  constructor(private readonly capacity: number) {}

  async get(path: Path, make: () => Promise<P>): Promise<P> {
    const key = path.join(',');
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
    } else {
      entry = make();
      while (this.entries.size >= this.capacity) {
        const [oldKey, old] = this.entries.entries().next().value as [string, Promise<P>];
        this.entries.delete(oldKey);
        await (await old).release();
      }
    }
    this.entries.set(key, entry);
    return entry;
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await releaseAll(all);
  }
}
