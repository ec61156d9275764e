/** Comparing differentiable-search folders: figures over the finished seeds, curves, errors. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';
import { compareSearches, comparisonTable, writeComparisonPage } from './compare.js';
import type { DartsRun } from './darts-job.js';

const tempDir = tempDirs();

function run(seed: number, J: number, cifar10: number, paramFree: number, epochs: number): DartsRun {
  const point = (epoch: number) => ({
    epoch,
    derived: '|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|',
    param_free: paramFree,
    decisiveness: 0.2 + 0.01 * epoch,
    train_loss: 1,
    valid_loss: 1,
    true: { cifar10: cifar10 - (epochs - 1 - epoch), cifar100: 70, 'ImageNet16-120': 40 },
  });
  return {
    seed,
    arch: `arch-${seed}`,
    J,
    J_se: 0.01,
    params: 0.5,
    param_free: paramFree,
    decisiveness: 0.5,
    true: { cifar10, cifar100: 70, 'ImageNet16-120': 40 },
    compute: epochs,
    start: 0,
    alpha_scale: 0.001,
    trace: [],
    curve: Array.from({ length: epochs }, (_, e) => point(e)),
    alpha: [],
  };
}

function searchDir(runs: DartsRun[], summary?: object): string {
  const dir = tempDir('naskit-compare-');
  for (const r of runs) {
    mkdirSync(join(dir, `seed-${r.seed}`));
    writeFileSync(join(dir, `seed-${r.seed}`, 'result.json'), JSON.stringify(r));
  }
  if (summary) writeFileSync(join(dir, 'darts-global.json'), JSON.stringify(summary));
  return dir;
}

describe('compareSearches', () => {
  it('summarizes each folder over its finished seeds and correlates J with the truth over all runs', async () => {
    const vanilla = searchDir([run(0, 1.2, 93, 1 / 6, 3), run(1, 1.3, 87, 4 / 6, 3)]);
    const global = searchDir([run(0, 1.1, 94, 0, 3), run(1, 1.15, 93.5, 0, 3)], {
      strategy: 'darts-global',
      scheme: 'halving',
      order: 1,
      best_of: 1,
      scale: { epochs: 3 },
    });
    const c = compareSearches([vanilla, global]);
    expect(c.methods.map((m) => m.finished)).toEqual([false, true]);
    expect(c.methods[0]!.method).toMatch(/^in progress · naskit-compare-/);
    expect(c.methods[1]!.method).toMatch(/^darts-global \(halving\) · /);
    expect(c.methods[0]!.true!.cifar10.mean).toBeCloseTo(90, 12);
    expect(c.methods[0]!.true!.cifar10.std).toBeCloseTo(Math.sqrt(18), 12);
    expect(c.methods[0]!.param_free.mean).toBeCloseTo(5 / 12, 12);
    // The curve: epoch 1 of both seeds is 2 points below their final accuracy.
    expect(c.methods[0]!.curve.map((p) => p.cifar10)).toEqual([88, 89, 90]);
    expect(c.methods[1]!.curve[2]!.param_free).toBe(0);
    // Lower J, higher accuracy in every pair of these four runs: ρ = −1.
    expect(c.J_vs_true_cifar10).toEqual({ rho: -1, n: 4 });
    const table = comparisonTable(c);
    expect(table.split('\n')[2]).toContain('| 2 | 1.2500 ± 0.0707 | 42 ± 35 |');
    expect(table).toContain('93.75 ± 0.35');
    const page = join(tempDir('naskit-compare-page-'), 'compare.html');
    await writeComparisonPage(page, c);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('darts-global (halving)');
  });

  it('refuses a folder that is missing, not a search, or holds a damaged result', () => {
    expect(() => compareSearches([])).toThrow(/at least one/);
    expect(() => compareSearches(['/nonexistent/naskit-x'])).toThrow(/is not a folder/);
    expect(() => compareSearches([tempDir('naskit-compare-empty-')])).toThrow(/no finished seed/);
    const broken = searchDir([run(0, 1, 90, 0, 2)]);
    writeFileSync(join(broken, 'seed-0', 'result.json'), '{"seed": 0,');
    expect(() => compareSearches([broken])).toThrow(/not readable JSON/);
  });
});
