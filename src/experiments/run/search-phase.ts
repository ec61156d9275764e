/**
 * Phase 1 of a run: sample distinct architectures with the run's seed, score each with the zero-cost
 * proxies, and pick the top k by the first proxy. Every score is a store record, so a resumed run
 * scores only what is missing; the sample itself is re-drawn from the seed (same seed, same list).
 */
import type { SearchSpace } from '../../spaces/space.js';
import type { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import type { ResultsStore } from './store.js';

/** Scores a list of architectures (canonical strings) at once; proxies batch work across them. */
export interface ArchScorer {
  readonly name: string;
  /** 'max': a higher score means a better architecture. */
  readonly direction: 'max' | 'min';
  score(archs: readonly string[]): Promise<number[]>;
  /** Free what the scorer holds (compiled programs). */
  release(): Promise<void>;
}

export interface ScoredRecord {
  type: 'scored';
  arch: string;
  /** Position in the seeded sample. */
  index: number;
  scores: Record<string, number | null>;
  /** Scoring time per architecture, ms (the chunk's time divided among its architectures). */
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

export async function scorePhase(
  archs: readonly string[],
  scorers: readonly ArchScorer[],
  store: ResultsStore,
  progress: Progress,
  chunk = 64,
): Promise<ScoredRecord[]> {
  const done = new Map(store.of<ScoredRecord>('scored').map((r) => [r.arch, r]));
  const todo = archs.map((arch, index) => ({ arch, index })).filter((a) => !done.has(a.arch));
  if (todo.length > 0) {
    progress.start(`score ${scorers.map((s) => s.name).join('+')}`, archs.length);
    if (todo.length < archs.length) progress.update(archs.length - todo.length, 'resumed');
    try {
      for (let at = 0; at < todo.length; at += chunk) {
        const part = todo.slice(at, at + chunk);
        const started = performance.now();
        const scores: Record<string, number | null>[] = part.map(() => ({}));
        for (const scorer of scorers) {
          const values = await scorer.score(part.map((p) => p.arch));
          values.forEach((v, i) => (scores[i]![scorer.name] = Number.isFinite(v) ? v : null));
        }
        const ms = (performance.now() - started) / part.length;
        part.forEach((p, i) => {
          const record: ScoredRecord = {
            type: 'scored',
            arch: p.arch,
            index: p.index,
            scores: scores[i]!,
            ms,
            at: Date.now(),
          };
          store.append(record);
          done.set(p.arch, record);
        });
        progress.update(archs.length - todo.length + Math.min(at + chunk, todo.length));
      }
    } finally {
      for (const scorer of scorers) await scorer.release();
    }
    progress.stop();
  }
  return archs.map((arch) => done.get(arch)!);
}
