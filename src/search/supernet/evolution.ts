/**
 * GeNAS' evolutionary search (evolution_search/search.py and config.py, inherited from RLNAS):
 *   population 50 random legal candidates; each generation scores its new candidates and keeps the
 *   all-time top-k (10); then 25 mutants (a random top-k parent, each mutable gene re-drawn with
 *   probability 0.1, repaired) and 25 crossovers (two random top-k parents, each gene from either),
 *   topped up with random candidates to the population size; anything already visited is skipped.
 *   After the last generation the all-time best is returned. About 1,000 candidates are scored.
 */
import type { Rng } from '../../util/rng.js';
import type { Genes, Genome } from './genome.js';

export interface EvolutionSettings {
  population: number;
  topK: number;
  mutations: number;
  mutationProb: number;
  crossovers: number;
  generations: number;
}

export const GENAS_EVOLUTION: EvolutionSettings = {
  population: 50,
  topK: 10,
  mutations: 25,
  mutationProb: 0.1,
  crossovers: 25,
  generations: 20,
};

export interface Scored {
  genes: Genes;
  score: number;
}

export interface EvolutionResult {
  best: Scored;
  /** Candidates scored (visited). */
  scored: number;
  /** The best score after each generation. */
  history: number[];
}

/** Attempts per wanted new candidate before giving up on a generation's quota (as RLNAS: 10×). */
const TRIES = 10;

export async function evolve(
  genome: Genome,
  score: (genes: Genes) => Promise<number>,
  settings: EvolutionSettings,
  rng: Rng,
  onGeneration?: (generation: number, best: Scored) => void,
): Promise<EvolutionResult> {
  const visited = new Set<string>();
  const key = (g: Genes): string => g.join(',');
  let top: Scored[] = [];
  const history: number[] = [];
  const fresh = (make: () => number[], want: number, into: number[][]): void => {
    for (let tries = 0, got = 0; got < want && tries < want * TRIES; tries++) {
      const g = make();
      const k = key(g);
      if (visited.has(k) || into.some((c) => key(c) === k)) continue;
      into.push(g);
      got++;
    }
  };
  let candidates: number[][] = [];
  fresh(() => genome.sample(rng), settings.population, candidates);
  for (let gen = 0; gen < settings.generations; gen++) {
    for (const genes of candidates) {
      visited.add(key(genes));
      top.push({ genes, score: await score(genes) });
    }
    // Stable sort: ties keep the earlier candidate.
    top = top.sort((a, b) => b.score - a.score).slice(0, settings.topK);
    history.push(top[0]!.score);
    onGeneration?.(gen, top[0]!);
    if (gen === settings.generations - 1) break;
    const next: number[][] = [];
    const parent = (): Genes => top[rng.int(top.length)]!.genes;
    fresh(
      () => {
        const child = [...parent()];
        for (let i = 0; i < genome.mutable; i++) {
          if (rng.next() < settings.mutationProb) child[i] = rng.int(genome.choices);
        }
        return genome.repair(child, rng);
      },
      settings.mutations,
      next,
    );
    fresh(
      () => {
        const a = parent();
        const b = parent();
        return genome.repair(
          a.map((g, i) => (rng.next() < 0.5 ? g : b[i]!)),
          rng,
        );
      },
      settings.crossovers,
      next,
    );
    fresh(() => genome.sample(rng), settings.population - next.length, next);
    candidates = next;
  }
  return { best: top[0]!, scored: visited.size, history };
}
