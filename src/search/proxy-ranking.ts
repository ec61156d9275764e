/**
 * A zero-cost proxy as a warm-start ranking: scores come from naskit's proxies on the proxy images
 * (CIFAR-10, whatever dataset the search targets: the ranking-transfer setting of the epsinas paper),
 * through a resumable score cache when one is given, so many seeds and datasets share one scoring pass.
 */
import { ScoreCache } from '../proxies/cache.js';
import { createProxyContext } from '../proxies/context.js';
import { getProxy } from '../proxies/index.js';
import { scoreArchitectures } from '../proxies/run.js';
import { getSpace } from '../spaces/index.js';
import type { ProxyRanking } from './warm-start.js';

export interface ProxyRankingOptions {
  /** Space name the proxies know (the search space's name). */
  space: string;
  proxy: string;
  /** Folder with images/ for data-dependent proxies. */
  dataDir?: string;
  /** Seed of the proxy (its batch and random initialisation); fixed across search seeds. */
  seed?: number;
  /** JSONL score cache, created if missing (see proxies/cache.ts). */
  cachePath?: string;
  concurrency?: number;
}

export function proxyRanking<A>(options: ProxyRankingOptions): ProxyRanking<A> & { close(): void } {
  const definition = getProxy(options.proxy);
  const space = getSpace(options.space);
  const seed = options.seed ?? 0;
  const context = createProxyContext({
    space,
    seed,
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
  const cache =
    options.cachePath === undefined
      ? undefined
      : ScoreCache.open(options.cachePath, { space: space.name, dataset: context.dataset, seed });
  // Scores already known in this process (the cache file is read once, new scores are added as they come).
  const memo = new Map<string, number | null>();
  return {
    name: definition.name,
    async score(archs) {
      const keys = archs.map((a) => space.key(a));
      const missing = archs.flatMap((_, i) => (memo.has(keys[i]!) ? [] : [i]));
      if (missing.length > 0) {
        const values = await scoreArchitectures({
          context,
          proxies: [definition],
          archs: missing.map((i) => archs[i]),
          ...(cache ? { cache } : {}),
        });
        values.get(definition.name)!.forEach((v, j) => memo.set(keys[missing[j]!]!, v.value));
      }
      return keys.map((key) => memo.get(key) ?? null);
    },
    close() {
      cache?.close();
    },
  };
}
