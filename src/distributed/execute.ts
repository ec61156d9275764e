/**
 * The worker side of a job: check it, then call the function the in-process path calls: `searchSeed`
 * for a seed of a tabular search, `scoreArchitectures` for a chunk of architectures. What is costly to
 * set up (an opened table, a proxy context with its compiled programs) is kept for the next jobs of the
 * same kind, in this object, and released by `close()`.
 */
import { openSearch, searchSeed, type SearchSetup } from '../experiments/search-job.js';
import { createProxyContext, proxyDataDir } from '../proxies/context.js';
import { resolveProxies } from '../proxies/index.js';
import type { ProxyContext, ProxyScorer } from '../proxies/proxy.js';
import { scoreArchitectures } from '../proxies/run.js';
import { getSpace } from '../spaces/index.js';
import { resolveDataDir } from '../util/data-dir.js';
import { openDataRef } from './data-ref.js';
import { parseJob, toWire, type ProxyChunkJob, type SearchSeedJob } from './jobs.js';

export interface ExecutorOptions {
  /** The worker's --data-dir (else $NASKIT_DATA, else the tables shipped with naskit). */
  dataDir?: string;
  /** ONNX Runtime threads per program. */
  threads: number;
}

/** Set-ups kept per kind; a few, since a worker usually serves one search or one scoring run at a time. */
const KEPT = 2;

interface ProxyEntry {
  context: ProxyContext;
  scorers: Map<string, ProxyScorer>;
  /** Chunks on one context run one after another: scorers are not shared between calls in flight. */
  queue: Promise<unknown>;
}

export class JobExecutor {
  private readonly searches = new Map<string, Promise<SearchSetup>>();
  private readonly proxies = new Map<string, ProxyEntry>();

  constructor(private readonly options: ExecutorOptions) {}

  /** Runs a job from the queue and returns its result in wire form (see jobs.ts). */
  async run(data: unknown): Promise<unknown> {
    const job = parseJob(data);
    switch (job.kind) {
      case 'search-seed':
        return toWire(await this.searchSeed(job));
      case 'proxy-chunk':
        return toWire(await this.proxyChunk(job));
    }
  }

  private async searchSeed(job: SearchSeedJob) {
    const table = job.table
      ? openDataRef(resolveDataDir(this.options.dataDir), job.table, 'table')
      : undefined;
    const target = {
      space: job.space,
      dataset: job.dataset,
      strategy: job.strategy,
      params: job.params,
      ...(table !== undefined ? { table } : {}),
      ...(this.options.dataDir !== undefined ? { dataDir: this.options.dataDir } : {}),
      ...(job.source !== undefined ? { source: job.source } : {}),
    };
    const key = JSON.stringify(target);
    let setup = this.searches.get(key);
    if (setup === undefined) {
      setup = openSearch(target);
      setup.catch(() => this.searches.delete(key));
      this.searches.set(key, setup);
      await this.evict(this.searches, async (s) => (await s).close());
    }
    return searchSeed(
      await setup,
      { budget: job.budget, ...(job.warmStart ? { warmStart: job.warmStart } : {}) },
      job.seed,
    );
  }

  private async proxyChunk(job: ProxyChunkJob) {
    const space = getSpace(job.space);
    const proxies = resolveProxies(job.proxies);
    const archs = job.archs.map((text) => space.parse(text));
    const dataDir = proxyDataDir(proxies, job.dataset, this.options.dataDir);
    // The folder is part of the key: a context made for image-free proxies has none.
    const key = `${job.space}\n${job.dataset}\n${job.seed}\n${dataDir ?? ''}`;
    let entry = this.proxies.get(key);
    if (entry === undefined) {
      entry = {
        context: createProxyContext({
          space,
          dataset: job.dataset,
          seed: job.seed,
          threads: this.options.threads,
          workers: 1,
          ...(dataDir === undefined ? {} : { dataDir }),
        }),
        scorers: new Map(),
        queue: Promise.resolve(),
      };
      this.proxies.set(key, entry);
      await this.evict(this.proxies, releaseScorers);
    }
    const e = entry;
    const run = e.queue.then(() =>
      scoreArchitectures({
        context: e.context,
        proxies,
        archs,
        scorers: e.scorers,
      }),
    );
    e.queue = run.catch(() => undefined);
    const scores = await run;
    return { scores: Object.fromEntries(scores) };
  }

  /** Drops the oldest set-ups beyond KEPT. */
  private async evict<V>(map: Map<string, V>, release: (value: V) => Promise<void>): Promise<void> {
    while (map.size > KEPT) {
      const [oldest, value] = map.entries().next().value as [string, V];
      map.delete(oldest);
      await release(value).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    for (const setup of this.searches.values()) await setup.then((s) => s.close()).catch(() => undefined);
    this.searches.clear();
    for (const entry of this.proxies.values()) await releaseScorers(entry);
    this.proxies.clear();
  }
}

async function releaseScorers(entry: ProxyEntry): Promise<void> {
  await entry.queue;
  for (const scorer of entry.scorers.values()) await scorer.release().catch(() => undefined);
  entry.scorers.clear();
}
