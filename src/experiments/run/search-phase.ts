/**
 * Phase 1 of a run: sample distinct architectures with the run's seed, score each with the zero-cost
 * proxies, and pick the top k by the first proxy. Scoring goes through `scoreArchitectures` (worker
 * threads, sibling proxies sharing runs) with the store as its cache: every scored architecture is a
 * store record, so a resumed run scores only what is missing; the sample itself is re-drawn from the
 * seed (same seed, same list). With --redis the same scoring goes to naskit workers as proxy-chunk jobs
 * (the `score` argument), each score coming back into the store once.
 */
import type { ProxyContext, ProxyDefinition } from '../../proxies/proxy.js';
import { scoreArchitectures, type ArchScorer as ScoreFunction } from '../../proxies/run.js';
import type { SearchSpace } from '../../spaces/space.js';
import type { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { StoreScoreCache } from './score-cache.js';
import type { ResultsStore } from './store.js';

/** A proxy the run scores architectures with, in the context it runs in. */
export interface ArchScorer {
  readonly name: string;
  /** 'max': a higher score means a better architecture. */
  readonly direction: 'max' | 'min';
  readonly definition: ProxyDefinition;
  /** Scorers sharing a context are scored in one call, so sibling proxies share their runs. */
  readonly context: ProxyContext;
}

export interface ScoredRecord {
  type: 'scored';
  arch: string;
  /** Position in the seeded sample. */
  index: number;
  scores: Record<string, number | null>;
  /** Scoring time, ms: wall time since the previous record (their sum is the phase's scoring time). */
  ms: number;
  at: number;
}

/** `count` distinct architectures (by key) in draw order; fewer only if the space runs out. */
export function sampleDistinct<A>(space: SearchSpace<A>, count: number, rng: Rng): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const maxDraws = count * 50 + 1000;
  for (let draw = 0; draw < maxDraws && out.length < count; draw++) {
    const arch = space.sample(rng);
    const key = space.key(arch);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(space.format(arch));
  }
  return out;
}

/**
 * Score the architectures the store holds no record of; returns the records of all `archs`, in sample
 * order. `chunk`: architectures handed to a scorer at once when scoring on the calling thread.
 */
export async function scorePhase(
  archs: readonly string[],
  scorers: readonly ArchScorer[],
  store: ResultsStore,
  progress: Progress,
  chunk = 64,
  /** What scores the architectures: in this process, or sent to naskit workers (same answer). */
  score: ScoreFunction = scoreArchitectures,
): Promise<ScoredRecord[]> {
  const groups = new Map<ProxyContext, ArchScorer[]>();
  for (const s of scorers) groups.set(s.context, [...(groups.get(s.context) ?? []), s]);
  const names = scorers.map((s) => s.name);
  const cache = new StoreScoreCache(store, scorers[0]!.context.space, archs, names);
  const resumed = archs.filter((arch) => cache.record(arch)).length;
  if (resumed < archs.length) {
    progress.start(`score ${names.join('+')}`, archs.length);
    if (resumed > 0) progress.update(resumed, 'resumed');
    // Progress: the mean over the proxies of the architectures each has scored.
    const done = new Map<string, number>();
    for (const [context, group] of groups) {
      await score({
        context,
        proxies: group.map((s) => s.definition),
        archs: archs.map((arch) => context.space.parse(arch)),
        cache,
        chunk,
        onProgress(p) {
          done.set(p.proxy, p.done);
          const sum = [...done.values()].reduce((a, b) => a + b, 0);
          progress.update(Math.floor(sum / names.length));
        },
      });
    }
    progress.stop();
  }
  return archs.map((arch) => cache.record(arch)!);
}
