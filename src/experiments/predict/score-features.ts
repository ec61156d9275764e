/**
 * Score features for predictor settings (`--features graph+scores`): every setting's representative
 * architectures scored by naskit's own proxies (params, flops, and network zero-cost proxies such as
 * nwot, synflow, jacov), through a resumable cache, then standardized within each setting.
 *
 * Cache: one append-only JSONL file per space (the proxies' ScoreCache format) in the cache folder,
 * `<space>.<images>.s<seed>.jsonl`, one line per (proxy, architecture key). A score depends only on the
 * architecture, the proxy, the images it looks at and the seed, so entries are keyed by architecture,
 * not by table: every table of a space (the full benchmark, the Suite-Zero samples, a user's CSV)
 * shares them, and a run that stops keeps what it scored. Networks are each space's benchmark network
 * for CIFAR-10 (10 classes, 3×32×32) whatever the setting's dataset: only ranks within a table are
 * used, and the images of the data-dependent proxies are a fixed CIFAR-10 batch.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ScoreCache } from '../../proxies/cache.js';
import { createProxyContext, proxyDataDir } from '../../proxies/context.js';
import { getProxy } from '../../proxies/index.js';
import type { ProxyValue } from '../../proxies/proxy.js';
import { scoreArchitectures } from '../../proxies/run.js';
import { withScores, type RawFeature } from '../../predictors/score-features.js';
import type { Setting } from '../../predictors/settings.js';
import { getSpace } from '../../spaces/index.js';
import { NaskitError } from '../../util/errors.js';

/** The features `--features graph+scores` uses unless `--score-features` names others. */
export const DEFAULT_SCORE_FEATURES = ['params', 'flops'] as const;

/** Images the data-dependent proxies look at (a fixed batch; see the module comment). */
const IMAGES = 'cifar10';

export interface ScoreFeatureOptions {
  /** Proxy names, one feature each. */
  proxies: readonly string[];
  /** Folder of the cache files (created if missing). */
  cacheDir: string;
  /** Data folder with images/ (data-dependent proxies only). */
  dataDir?: string;
  /** Seed of the proxies (batch choice, random inits). */
  seed?: number;
  threads?: number;
  log?: (message: string) => void;
}

/** `$NASKIT_CACHE`, else `$XDG_CACHE_HOME/naskit`, else `~/.cache/naskit`; score caches go in `scores/`. */
export function defaultScoreCacheDir(): string {
  const root =
    process.env.NASKIT_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'naskit');
  return join(root, 'scores');
}

export function scoreCachePath(cacheDir: string, space: string, seed: number): string {
  return join(cacheDir, `${space}.${IMAGES}.s${seed}.jsonl`);
}

/** Raw values of every proxy for `archs` (canonical strings of one space), through the space's cache. */
export async function rawScores(
  spaceName: string,
  archs: readonly string[],
  o: ScoreFeatureOptions,
): Promise<Map<string, (number | null)[]>> {
  const space = getSpace(spaceName);
  const seed = o.seed ?? 0;
  const log = o.log ?? (() => {});
  const proxies = o.proxies.map((name) => getProxy(name));
  const usable = proxies.filter((p) => !p.spaces || p.spaces.includes(space.name));
  const out = new Map<string, (number | null)[]>();
  for (const p of proxies) {
    if (!usable.includes(p)) {
      log(
        `score features: ${p.name} cannot score ${space.name} (only ${p.spaces!.join(', ')}); left at the median`,
      );
      out.set(
        p.name,
        archs.map(() => null),
      );
    }
  }
  if (usable.length === 0) return out;
  mkdirSync(o.cacheDir, { recursive: true });
  const path = scoreCachePath(o.cacheDir, space.name, seed);
  const cache = ScoreCache.open(path, { space: space.name, dataset: IMAGES, seed });
  try {
    const dataDir = proxyDataDir(usable, IMAGES, o.dataDir);
    const context = createProxyContext({
      space,
      dataset: IMAGES,
      seed,
      threads: o.threads ?? 1,
      ...(dataDir === undefined ? {} : { dataDir }),
    });
    const parsed = archs.map((a) => space.parse(a));
    const t0 = performance.now();
    let lastLog = t0;
    const scores = await scoreArchitectures({
      context,
      proxies: usable,
      archs: parsed,
      cache,
      onProgress({ proxy, done, total }) {
        const now = performance.now();
        if (done === total || now - lastLog > 30_000) {
          lastLog = now;
          log(
            `score features ${space.name}: ${proxy} ${done}/${total} (${((now - t0) / 1000).toFixed(0)} s)`,
          );
        }
      },
    });
    for (const p of usable)
      out.set(
        p.name,
        scores.get(p.name)!.map((v: ProxyValue) => v.value),
      );
  } finally {
    cache.close();
  }
  return out;
}

/** The settings with standardized score features attached (computing what the cache lacks). */
export async function attachScoreFeatures(
  settings: readonly Setting[],
  o: ScoreFeatureOptions,
): Promise<Setting[]> {
  if (o.proxies.length === 0) {
    throw new NaskitError(
      'invalid_argument',
      'score features: no proxy named; e.g. --score-features params,flops',
    );
  }
  if (new Set(o.proxies).size !== o.proxies.length) {
    throw new NaskitError(
      'invalid_argument',
      `score features: a proxy is named twice in ${o.proxies.join(',')}`,
    );
  }
  const bySpace = new Map<string, Map<string, (number | null)[]>>();
  for (const space of new Set(settings.map((s) => s.space))) {
    const archs = [...new Set(settings.filter((s) => s.space === space).flatMap((s) => s.archs))];
    const raw = await rawScores(space, archs, o);
    const byArch = new Map<string, (number | null)[]>();
    archs.forEach((a, i) =>
      byArch.set(
        a,
        o.proxies.map((p) => raw.get(p)![i]!),
      ),
    );
    bySpace.set(space, byArch);
  }
  return settings.map((s) => {
    const byArch = bySpace.get(s.space)!;
    const columns: RawFeature[] = o.proxies.map((_, f) => s.archs.map((a) => byArch.get(a)![f]!));
    return withScores(s, o.proxies, columns);
  });
}
