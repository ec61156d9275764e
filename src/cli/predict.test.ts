import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nb201, tnbMicro } from '../spaces/index.js';
import type { SearchSpace } from '../spaces/space.js';
import { Rng } from '../util/rng.js';
import { runNaskit as run } from '../../test/helpers/cli-output.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

/** Generic-format tables over random cells; the tasks share a structural trend. */
function writeTable<A>(dir: string, name: string, space: SearchSpace<A>, tilt: number, seed: number): string {
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const lines = ['arch,val_acc,err'];
  while (seen.size < 60) {
    const arch = space.sample(rng);
    const text = space.format(arch);
    if (seen.has(text)) continue;
    seen.add(text);
    const convs = (text.match(/conv_3x3|conv3x3|3/g) ?? []).length;
    const pools = (text.match(/pool|1/g) ?? []).length;
    const score = 2 * convs + tilt * pools + rng.normal(0, 0.3);
    lines.push(`"${text}",${score},${-score}`);
  }
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, lines.join('\n'));
  return path;
}

describe('naskit predict', () => {
  afterEach(() => vi.restoreAllMocks());
  const dir = tempDir('naskit-predict-');
  const a = writeTable(dir, 'taskA', nb201, 0.5, 1);
  const b = writeTable(dir, 'taskB', nb201, -0.5, 2);
  const c = writeTable(dir, 'micro', tnbMicro, 0, 3);
  const tables = [
    '--settings',
    'none',
    '--extra-table',
    a,
    '--space',
    'nb201',
    '--extra-table',
    b,
    '--space',
    'nb201',
    '--extra-table',
    c,
    '--space',
    'tnb101-micro',
  ];
  const tiny = [
    '--meta-iterations',
    '3',
    '--budget',
    '120',
    '--hidden',
    '8',
    '--seeds',
    '2',
    '--shots',
    '0,5',
  ];

  it('meta-eval prints JSON rows per method and shot count for a held-out extra table', async () => {
    const r = await run([
      'predict',
      'meta-eval',
      ...tables,
      ...tiny,
      '--holdout',
      'nb201/taskB',
      '--method',
      'reptile,scratch,zeroshot',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      holdout: string;
      results: { method: string; shots: number; spearman_mean: number; kendall_std: number }[];
    };
    expect(json.holdout).toBe('nb201/taskB');
    expect(json.results.map((x) => `${x.method}@${x.shots}`)).toEqual([
      'reptile@0',
      'reptile@5',
      'scratch@5',
      'zeroshot@0',
      'zeroshot@5',
    ]);
    for (const x of json.results)
      expect(Number.isFinite(x.spearman_mean) && Number.isFinite(x.kendall_std)).toBe(true);
  });

  it('meta-eval prints a table, and leave-one-space-out holds out every setting of the space', async () => {
    const r = await run([
      'predict',
      'meta-eval',
      ...tables,
      ...tiny,
      '--holdout',
      'space:nb201',
      '--method',
      'finetune',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('held out: nb201/taskA, nb201/taskB');
    expect(r.out).toContain('trained on 1 settings: tnb101-micro/micro');
    expect(r.out).toMatch(/nb201\/taskA\s+finetune\s+5\s+-?\d\.\d{3} ± \d\.\d{3}/);
  });

  it('meta-eval with CV methods and score features reports the choices and fills the score cache', async () => {
    const cache = tempDir('naskit-predict-cache-');
    const args = [...tables, ...tiny, '--shots', '0,10', '--cv-folds', '2', '--cache-dir', cache];
    const r = await run([
      'predict',
      'meta-eval',
      ...args,
      '--holdout',
      'nb201/taskB',
      '--method',
      'maml-cv,reptile',
      '--features',
      'graph+scores',
      '--cv-candidates',
      'all',
      '--cv-report',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      results: { method: string; shots: number; choices?: string[] }[];
      budgets: Record<string, { full: number }>;
    };
    const cv = json.results.filter((x) => x.method === 'maml-cv');
    expect(cv.map((x) => x.shots)).toEqual([0, 10]);
    expect(cv[1]!.choices!.length).toBe(2);
    // --cv-report: every candidate of the whole grid, with its score on the shots and on the query set
    const candidates = (cv[1] as { candidates?: { label: string; cv: number[]; query: number[] }[] })
      .candidates!;
    expect(candidates.length).toBeGreaterThan(10);
    for (const c of candidates) expect([c.cv.length, c.query.length]).toEqual([2, 2]);
    for (const c of cv[1]!.choices!) expect(c).toMatch(/^(own|pooled|ensemble):\d+(@[\d.e-]+)?$/);
    expect(json.budgets['maml-cv']!.full).toBeGreaterThan(json.budgets.reptile!.full);
    // the score features (params, flops by default) were cached per space; a second pass reuses them
    const scores = await run(['predict', 'scores', ...tables, '--cache-dir', cache, '--json']);
    expect(scores.code).toBe(0);
    const filled = JSON.parse(scores.out) as { spaces: { space: string; architectures: number }[] };
    expect(filled.spaces.map((x) => x.space)).toEqual(['nb201', 'tnb101-micro']);
    const refused = async (extra: string[], message: string) => {
      const r = await run(['predict', 'meta-eval', ...args, '--holdout', 'nb201/taskB', ...extra]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
    };
    await refused(['--features', 'scores'], "--features: 'scores' is not one of graph, graph+scores");
    await refused(
      ['--method', 'reptile-cv', '--cv-candidates', 'own:default,pooled:7@0.001'],
      "CV candidate 'pooled:7@0.001' is not in the grid",
    );
  });

  it('settings lists extra tables with their metric direction', async () => {
    const r = await run([
      'predict',
      'settings',
      '--settings',
      'none',
      '--extra-table',
      a,
      '--space',
      'nb201',
      '--metric',
      'err:min',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      {
        name: 'nb201/taskA:err',
        space: 'nb201',
        metric: 'err:min',
        rows: 60,
        graphs: expect.any(Number),
        source: a,
      },
    ]);
  });

  it('names the valid choices for bad input', async () => {
    let r = await run(['predict', 'meta-eval', ...tables, '--holdout', 'nb201/nope', '--method', 'maml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('valid settings: nb201/taskA, nb201/taskB, tnb101-micro/micro');
    r = await run([
      'predict',
      'meta-eval',
      ...tables,
      '--holdout',
      'nb201/taskA',
      '--method',
      'maml,protonet',
    ]);
    expect(r.err).toContain(
      "unknown method 'protonet'; valid methods: maml, reptile, meta-ensemble, scratch, finetune, zeroshot",
    );
    r = await run(['predict', 'meta-eval', '--settings', 'none', '--extra-table', a, '--holdout', 'x']);
    expect(r.err).toContain('give one --space (and at most one --metric) per --extra-table');
    // guided search needs a built-in benchmark to query, not an extra table
    r = await run(['predict', 'search', ...tables, '--holdout', 'nb201/taskA', '--budget', '5']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('search needs one built-in setting');
  });
});
