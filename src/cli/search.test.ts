import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { nb201 } from '../spaces/index.js';
import { testDataDir } from '../util/data-dir.js';
import { Rng } from '../util/rng.js';
import { benchQuery } from '../experiments/bench/query.js';
import { searchCommand } from './search.js';
import { supernetSearchCommand } from './supernet-search.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const dir = testDataDir();
const base = { dataset: 'cifar10', seeds: '3', seed: '0', param: [] as string[] };

/** A generic table of `size` NB201 cells whose best validation arch is not the best test arch. */
function userTable(size = 200): string {
  const rng = new Rng(11);
  const rows = new Map<string, string>();
  while (rows.size < size) {
    const arch = nb201.sample(rng);
    const convs = arch.edges.filter((e) => e === 'nor_conv_3x3').length;
    const val = 80 + convs + rng.uniform(0, 0.5);
    const test = val + rng.uniform(-1, 1);
    rows.set(
      nb201.key(arch),
      `"${nb201.key(arch)}",${val.toFixed(4)},${test.toFixed(4)},${(100 + convs * 50).toFixed(1)}`,
    );
  }
  const path = join(tempDir('naskit-cli-'), 'mine.csv');
  writeFileSync(path, `arch,val_acc,test_acc,train_time_s\n${[...rows.values()].join('\n')}\n`);
  return path;
}

describe('naskit search', () => {
  it('runs on a user table and prints the documented JSON', async () => {
    const table = userTable();
    const out = await searchCommand({
      ...base,
      space: 'nb201',
      strategy: 're',
      budget: '30',
      table,
      json: true,
    });
    const j = JSON.parse(out) as Record<string, unknown> & {
      results: { budget: number; mean_test: number; std_test: number }[];
      runs: { seed: number; arch: string; val: number; test: number }[];
    };
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(['space', 'dataset', 'strategy', 'seeds', 'oracle_test', 'results', 'runs']),
    );
    expect(j).toMatchObject({ space: 'nb201', dataset: 'mine', strategy: 're', seeds: 3 });
    expect(j.results.map((r) => r.budget)).toEqual([10, 25, 30]);
    expect(j.runs.map((r) => r.seed)).toEqual([0, 1, 2]);
    const mean = j.runs.reduce((s, r) => s + r.test, 0) / 3;
    expect(j.results.at(-1)!.mean_test).toBeCloseTo(mean, 9);
    expect(nb201.key(nb201.parse(j.runs[0]!.arch))).toBe(j.runs[0]!.arch);
  });

  it('prints per-seed lines, the budget table and the oracle as text; honours a time budget', async () => {
    const table = userTable();
    const out = await searchCommand({ ...base, space: 'nb201', strategy: 'ls', timeBudget: '3000', table });
    expect(out).toMatch(
      /nb201\/mine · strategy ls \(init=10, improvement=first\) · 3 seeds · budget 3000 simulated s/,
    );
    expect(out).toMatch(/cost {4}measured: column train_time_s/);
    expect(out).toMatch(/\nbudget {2}mean test ± std/);
    expect(out).toMatch(
      /oracle over the 200 architectures a search can propose:\n +test of the best-validation architecture/,
    );
  });

  it('caps a query budget larger than the table at its size, with a warning', async () => {
    const table = userTable(60);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let out: string;
    let printed: string;
    try {
      out = await searchCommand({
        ...base,
        space: 'nb201',
        strategy: 're',
        budget: '1000',
        table,
        json: true,
      });
      printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      stderr.mockRestore();
    }
    const warning =
      /--budget 1000 is more than the 60 architectures a search can propose in nb201\/mine; capped at 60 queries/;
    expect(printed).toMatch(warning);
    const j = JSON.parse(out) as {
      budget: { queries: number };
      runs: { queries: number }[];
      notes: string[];
    };
    expect(j.budget).toEqual({ queries: 60 });
    expect(j.runs.map((r) => r.queries)).toEqual([60, 60, 60]);
    expect(j.notes.join('\n')).toMatch(warning);
  });

  it('rejects bad flags with the valid choices', async () => {
    const table = userTable();
    await expect(searchCommand({ ...base, space: 'nb201', strategy: 'hill', table })).rejects.toThrow(
      /valid strategies/,
    );
    await expect(
      searchCommand({ ...base, space: 'nb201', strategy: 're', seeds: '0', table }),
    ).rejects.toThrow(/--seeds must be at least 1/);
    await expect(
      searchCommand({ ...base, space: 'nb201', strategy: 're', param: ['population'], table }),
    ).rejects.toThrow(/--param expects key=value/);
  });

  it('refuses --sampling outside GeNAS and values other than uniform or fair, before training', async () => {
    const flags = { ...base, space: 'nb201', objective: 'flatness', out: tempDir('naskit-cli-') };
    await expect(supernetSearchCommand({ ...flags, strategy: 'darts', sampling: 'fair' })).rejects.toThrow(
      /--strategy darts trains a mixed supernet \(drop --sampling\)/,
    );
    await expect(supernetSearchCommand({ ...flags, strategy: 'genas', sampling: 'greedy' })).rejects.toThrow(
      /--sampling must be uniform or fair, got 'greedy'/,
    );
  });

  it('refuses --isomorphs outside GeNAS and on a space without isomorphism classes, before training', async () => {
    const flags = { ...base, objective: 'accuracy', out: tempDir('naskit-cli-') };
    await expect(
      supernetSearchCommand({ ...flags, space: 'nb201', strategy: 'darts', isomorphs: 4 }),
    ).rejects.toThrow(/--strategy darts derives its cell from α \(drop --isomorphs\)/);
    await expect(
      supernetSearchCommand({ ...flags, space: 'nb201', strategy: 'darts-global', isomorphSeed: 2 }),
    ).rejects.toThrow(/--strategy darts-global derives its cell from α \(drop --isomorph-seed\)/);
    await expect(
      supernetSearchCommand({ ...flags, space: 'darts', strategy: 'genas', isomorphs: 4 }),
    ).rejects.toThrow(/the darts space has no isomorphism classes/);
    expect(readdirSync(flags.out)).toEqual([]);
  });

  it('warm-starts from a proxy ranking (params: no data needed) and rejects bad warm-start flags', async () => {
    const table = userTable();
    const cache = join(tempDir('naskit-warm-'), 'params.jsonl');
    const flags = { ...base, space: 'nb201', strategy: 'rs', budget: '10', table, json: true };
    const out = await searchCommand({ ...flags, warmStart: 'params', warmPool: '50', proxyCache: cache });
    const j = JSON.parse(out) as {
      warm_start: { proxy: string; pool: number };
      runs: { warm_distinct: number; warm_failures: number }[];
    };
    expect(j.warm_start).toEqual({ proxy: 'params', pool: 50 });
    expect(j.runs[0]!.warm_distinct).toBeGreaterThan(30);
    expect(j.runs[0]!.warm_failures).toBe(0);
    // The cache now answers every pooled architecture: a second run gives the same result.
    expect(await searchCommand({ ...flags, warmStart: 'params', warmPool: '50', proxyCache: cache })).toBe(
      out,
    );
    await expect(searchCommand({ ...flags, strategy: 'bananas', warmStart: 'params' })).rejects.toThrow(
      /--warm-start works with strategies rs, re, ls/,
    );
    await expect(searchCommand({ ...flags, warmStart: 'epsylon' })).rejects.toThrow(/epsylon/);
    await expect(searchCommand({ ...flags, proxyCache: cache })).rejects.toThrow(/needs --warm-start/);
  });

  it.skipIf(!dir)('searches the real NB201 table and reports the oracle', async () => {
    const out = await searchCommand({
      ...base,
      space: 'nb201',
      strategy: 'rs',
      budget: '25',
      dataDir: dir!,
      json: true,
    });
    const j = JSON.parse(out) as { oracle_test: number; best_test: number; results: { budget: number }[] };
    expect(j.oracle_test).toBeCloseTo(94.2967, 3);
    expect(j.best_test).toBeCloseTo(94.3733, 3);
    expect(j.results.map((r) => r.budget)).toEqual([10, 25]);
  });

  it.skipIf(!dir)('bench-query answers NB201 key lookups fast', async () => {
    const r = await benchQuery({ dataDir: dir!, seconds: 0.2 });
    // The target is 1e6/s; the test only guards against an accidental O(n) lookup on a busy machine.
    expect(r.queries_per_s).toBeGreaterThan(2e5);
    expect(r.arch_queries_per_s).toBeGreaterThan(2e4);
  });
});
