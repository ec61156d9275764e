import { describe, expect, it } from 'vitest';
import { darts } from '../../spaces/darts/index.js';
import { nb201 } from '../../spaces/nb201/index.js';
import { Rng } from '../../util/rng.js';
import { GENAS_EVOLUTION, evolve } from './evolution.js';
import { genomeFor } from './genome.js';

describe('supernet genomes', () => {
  it('nb201: genes are the supernet path; the cell parses back', () => {
    const g = genomeFor(nb201);
    const rng = new Rng(1);
    for (let i = 0; i < 20; i++) {
      const genes = g.sample(rng);
      const arch = g.arch(genes) as ReturnType<typeof nb201.parse>;
      expect(
        nb201.supernet!({ classes: 10, inputShape: [3, 8, 8], mode: 'single-path' }).pathOf(arch),
      ).toEqual(g.path(genes));
    }
  });

  it('darts: repair leaves exactly 2 non-none inputs per node; genes, genotype and supernet path agree', () => {
    const g = genomeFor(darts);
    const supernet = darts.supernet!({ classes: 10, inputShape: [3, 8, 8], mode: 'single-path', cells: 3 });
    const rng = new Rng(2);
    for (let i = 0; i < 50; i++) {
      const raw = Array.from({ length: 28 }, () => rng.int(8));
      const genes = g.repair(raw, rng);
      expect(genes.filter((x) => x !== 0)).toHaveLength(16);
      expect(g.repair(genes, rng)).toEqual(genes);
      const arch = g.arch(genes) as ReturnType<typeof darts.parse>;
      expect(darts.parse(darts.format(arch))).toEqual(arch);
      expect(supernet.pathOf(arch)).toEqual(g.path(genes));
    }
  });
});

describe('GeNAS evolution', () => {
  it('finds the best cell of a known objective, visits each candidate once, and repeats for a seed', async () => {
    const g = genomeFor(nb201);
    const seen = new Set<string>();
    // Objective: the number of nor_conv_3x3 edges (gene 3), best = 6.
    const objective = async (genes: readonly number[]): Promise<number> => {
      const k = genes.join(',');
      expect(seen.has(k)).toBe(false);
      seen.add(k);
      return genes.filter((x) => x === 3).length + genes[0]! / 100;
    };
    const settings = { ...GENAS_EVOLUTION, generations: 10 };
    const a = await evolve(g, objective, settings, new Rng(5));
    expect(a.best.genes.filter((x) => x === 3).length).toBe(6);
    expect(a.scored).toBe(seen.size);
    expect(a.scored).toBeLessThanOrEqual(50 * 10);
    expect(a.history).toHaveLength(10);
    for (let i = 1; i < a.history.length; i++)
      expect(a.history[i]!).toBeGreaterThanOrEqual(a.history[i - 1]!);
    seen.clear();
    const b = await evolve(g, objective, settings, new Rng(5));
    expect(b.best).toEqual(a.best);
  });
});
