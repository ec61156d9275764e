/**
 * `naskit bench proxies`: wall-clock seconds per architecture of each zero-cost proxy on NB201 cells
 * (the CIFAR-10 networks, batch 32; epsilon and epsilon-robust: one-channel constant-weight networks, batch 256). Each proxy is timed alone on the same seeded sample, with a fresh
 * scorer and no values shared from a sibling's run, so its figure includes compiling each cell's
 * program; `together` times all of them as `proxies eval` runs them (siblings share one run).
 */
import { availableParallelism, loadavg } from 'node:os';
import { getSpace } from '../../spaces/index.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { createProxyContext } from '../../proxies/context.js';
import { resolveProxies } from '../../proxies/index.js';
import { EPSILON_BATCH } from '../../proxies/epsilon.js';
import { NASLIB_BATCH } from '../../proxies/net/loss-grads.js';
import { scoreArchitectures } from '../../proxies/run.js';

/** The 13 NAS-Bench-Suite-Zero proxies. */
export const SUITE_ZERO_PROXIES = [
  'synflow',
  'snip',
  'grasp',
  'fisher',
  'grad_norm',
  'jacov',
  'nwot',
  'epe_nas',
  'zen',
  'l2_norm',
  'plain',
  'params',
  'flops',
] as const;

/** What `naskit bench proxies` times by default: epsilon and epsilon-robust, then the 13 standard proxies. */
export const BENCH_PROXIES = ['epsilon', 'epsilon-robust', ...SUITE_ZERO_PROXIES] as const;

export interface ProxyBenchOptions {
  dataDir: string;
  /** Architectures timed per proxy. */
  n: number;
  proxies?: readonly string[];
  seed?: number;
  threads?: number;
  concurrency?: number;
  /** Worker threads (default 1); each worker scores its share of the cells one at a time. */
  workers?: number;
  /** Also time all proxies run together (sharing runs), as `proxies eval` does. */
  together?: boolean;
  onProxy?: (name: string, secPerArch: number) => void;
}

export interface ProxyBenchResult {
  space: 'nb201';
  dataset: 'cifar10';
  batch: number;
  n: number;
  seed: number;
  threads: number;
  concurrency: number;
  workers: number;
  cores: number;
  /** 1-minute load average when the run started (the machine may be shared). */
  load_avg_start: number;
  proxies: Record<string, { sec_per_arch: number; failures: number }>;
  together?: { sec_per_arch: number };
}

export async function benchProxies(options: ProxyBenchOptions): Promise<ProxyBenchResult> {
  if (!Number.isInteger(options.n) || options.n < 1) {
    throw new NaskitError(
      'invalid_argument',
      `bench proxies: --n must be a positive integer, got ${options.n}`,
    );
  }
  const definitions = resolveProxies(options.proxies ?? BENCH_PROXIES);
  const seed = options.seed ?? 0;
  const space = getSpace('nb201');
  const rng = new Rng(seed).fork('bench-proxies');
  const archs = Array.from({ length: options.n }, () => space.sample(rng));
  const context = createProxyContext({
    space,
    dataset: 'cifar10',
    dataDir: options.dataDir,
    seed,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  // Load the images before any timing (every data-dependent proxy uses this batch).
  if (definitions.some((d) => d.data !== 'none')) {
    context.batch(NASLIB_BATCH);
    if (definitions.some((d) => d.name.startsWith('epsilon'))) context.batch(EPSILON_BATCH);
  }
  const load = loadavg()[0]!;
  const proxies: ProxyBenchResult['proxies'] = {};
  for (const definition of definitions) {
    // Nothing left by a sibling's run (network proxies' shared runs, constant-weight outputs).
    context.session.forgetSharedValues();
    const start = performance.now();
    const values = (await scoreArchitectures({ context, proxies: [definition], archs })).get(
      definition.name,
    )!;
    const sec = (performance.now() - start) / 1000 / archs.length;
    proxies[definition.name] = {
      sec_per_arch: round(sec),
      failures: values.filter((v) => v.value === null).length,
    };
    options.onProxy?.(definition.name, sec);
  }
  const result: ProxyBenchResult = {
    space: 'nb201',
    dataset: 'cifar10',
    batch: NASLIB_BATCH,
    n: archs.length,
    seed,
    threads: context.threads,
    concurrency: context.concurrency,
    workers: context.workers ?? 1,
    cores: availableParallelism(),
    load_avg_start: round(load),
    proxies,
  };
  if (options.together) {
    context.session.forgetSharedValues();
    const start = performance.now();
    await scoreArchitectures({ context, proxies: definitions, archs });
    result.together = { sec_per_arch: round((performance.now() - start) / 1000 / archs.length) };
  }
  return result;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
