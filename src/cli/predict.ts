/**
 * `naskit predict`: accuracy predictors across benchmark settings.
 *   predict settings [--data-dir D] [--extra-table F --space S [--metric M]]... [--json]
 *       the settings a meta-evaluation can use (name, rows, unique graphs)
 *   predict meta-eval --holdout SETTING|space:NAME --method maml,reptile,scratch,finetune,zeroshot
 *       [--shots 0,10,20,50,100] [--seeds 5] [--seed 0] [--data-dir D]
 *       [--extra-table F --space S [--metric M[:min]]]... [--settings all|none|a,b,...] [--json]
 *       few-shot transfer: learn on all other settings, adapt on k shots of the held-out one, and print
 *       Spearman ρ / Kendall τ (mean ± std over seeds) on the rest of its architectures
 *   predict search --holdout SETTING [--budget 50] [--seeds 50] [--param init=0 ...] [--json]
 *       search the held-out setting's benchmark with a predictor meta-learned on all other settings;
 *       reports the test metric of the best-validation architecture per budget next to the oracle
 */
import type { Command } from 'commander';
import { openBenchmark } from '../benchmarks/catalog.js';
import { releasePrograms, setPredictorThreads } from '../predictors/engine.js';
import { guidedStrategy, learnGuidedPredictor } from '../predictors/guided-search.js';
import {
  DEFAULT_META_EVAL,
  METHODS,
  type Method,
  type MetaEvalResult,
  resolveHoldout,
  runMetaEval,
} from '../predictors/meta-eval.js';
import { oracle } from '../search/results.js';
import { REPORT_BUDGETS, runSeeds, summarizeRuns } from '../search/run.js';
import { type ParamValue, resolveParams } from '../search/strategy.js';
import { Rng } from '../util/rng.js';
import {
  type Setting,
  type SettingSpec,
  builtinSettingSpecs,
  loadSetting,
  pickSpecs,
  tableSetting,
} from '../predictors/settings.js';
import { resolveDataDir } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import { parseList, parseNonNegativeInt, parsePositiveInt } from './parse.js';

interface SettingFlags {
  dataDir?: string;
  extraTable: string[];
  space: string[];
  metric: string[];
  settings?: string;
}

interface MetaEvalFlags extends SettingFlags {
  holdout: string;
  method: string;
  shots: string;
  seeds: number;
  seed: number;
  metaIterations?: number;
  budget?: number;
  hidden?: number;
  contextBank?: boolean;
  contextEverywhere?: boolean;
  threads?: number;
  json?: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function settingOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'benchmark data folder (default $NASKIT_DATA)')
    .option(
      '--extra-table <file>',
      'add a table in the generic benchmark CSV format as a setting (repeatable)',
      collect,
      [],
    )
    .option(
      '--space <name>',
      'search space of the matching --extra-table (repeatable, in order)',
      collect,
      [],
    )
    .option(
      '--metric <name>',
      'metric column of the matching --extra-table, NAME[:min] (default val_acc)',
      collect,
      [],
    )
    .option(
      '--settings <list>',
      "built-in settings to use: 'all' (default), 'none', or a comma-separated list",
    );
}

/** Extra-table specs: one --space (and optionally one --metric) per --extra-table, matched by position. */
function extraSpecs(flags: SettingFlags): SettingSpec[] {
  const { extraTable, space, metric } = flags;
  if (space.length !== extraTable.length || metric.length > extraTable.length) {
    throw new NaskitError(
      'invalid_argument',
      `${extraTable.length} --extra-table, ${space.length} --space and ${metric.length} --metric given; ` +
        'give one --space (and at most one --metric) per --extra-table, in the same order',
    );
  }
  return extraTable.map((file, i) => tableSetting(file, space[i]!, metric[i] ?? 'val_acc'));
}

export async function loadCliSettings(flags: SettingFlags, log: (m: string) => void): Promise<Setting[]> {
  const extras = extraSpecs(flags);
  const which = flags.settings ?? 'all';
  let builtins: SettingSpec[] = [];
  if (which !== 'none') {
    const all = builtinSettingSpecs();
    builtins = which === 'all' ? all : pickSpecs(all, parseList(which));
  }
  const dataDir = builtins.length > 0 ? resolveDataDir(flags.dataDir) : undefined;
  const specs = [...builtins, ...extras];
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name)) {
      throw new NaskitError(
        'invalid_argument',
        `two settings are named ${s.name}; rename the --extra-table file or pick another --metric`,
      );
    }
    names.add(s.name);
  }
  const t0 = performance.now();
  const settings: Setting[] = [];
  for (const spec of specs) settings.push(await loadSetting(spec, dataDir));
  log(`loaded ${settings.length} settings in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return settings;
}

function parseShots(text: string): number[] {
  return parseList(text).map((s) => {
    const k = Number(s);
    if (!Number.isInteger(k) || k < 0)
      throw new NaskitError('invalid_argument', `--shots: '${s}' is not an integer >= 0`);
    return k;
  });
}

function parseMethods(text: string): Method[] {
  const methods = parseList(text);
  for (const m of methods) {
    if (!(METHODS as readonly string[]).includes(m)) {
      throw new NaskitError(
        'invalid_argument',
        `--method: unknown method '${m}'; valid methods: ${METHODS.join(', ')}`,
      );
    }
  }
  return methods as Method[];
}

const fmt = (mean: number, std: number) => `${mean.toFixed(3)} ± ${std.toFixed(3)}`;

export function formatMetaEval(r: MetaEvalResult): string {
  const lines = [
    `held out: ${r.heldOut.join(', ')}`,
    `trained on ${r.trainSettings.length} settings: ${r.trainSettings.join(', ')}`,
    '',
  ];
  const width = Math.max(7, ...r.results.map((x) => x.setting.length));
  lines.push(
    `${'setting'.padEnd(width)}  ${'method'.padEnd(8)}  ${'k'.padStart(3)}  ${'spearman'.padEnd(13)}  kendall`,
  );
  let last = '';
  for (const x of r.results) {
    if (last && last !== x.setting) lines.push('');
    last = x.setting;
    lines.push(
      `${x.setting.padEnd(width)}  ${x.method.padEnd(8)}  ${String(x.shots).padStart(3)}  ${fmt(x.spearman_mean, x.spearman_std).padEnd(13)}  ${fmt(x.kendall_mean, x.kendall_std)}`,
    );
  }
  const budgets = Object.entries(r.budgets).map(
    ([m, b]) => `${m} ${b.full}${b.context ? ` (+${b.context} context-only)` : ''}`,
  );
  if (budgets.length > 0) lines.push('', `gradient evaluations per initialization: ${budgets.join(', ')}`);
  lines.push(
    `seconds: ${Object.entries(r.seconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}

export async function predictMetaEval(flags: MetaEvalFlags): Promise<string> {
  const log = flags.quiet || flags.json ? () => {} : (m: string) => process.stderr.write(`${m}\n`);
  if (flags.threads) setPredictorThreads(flags.threads);
  const methods = parseMethods(flags.method);
  const shots = parseShots(flags.shots);
  const config = structuredClone(DEFAULT_META_EVAL);
  if (flags.metaIterations) {
    config.maml.iterations = flags.metaIterations;
    config.reptile.iterations = flags.metaIterations;
  }
  if (flags.hidden) config.model.hidden = flags.hidden;
  if (flags.contextBank) config.contextBank = true;
  if (flags.contextEverywhere) config.model.contextEverywhere = true;
  if (flags.budget) config.budget = flags.budget;
  const settings = await loadCliSettings(flags, log);
  try {
    const result = await runMetaEval({
      settings,
      holdout: flags.holdout,
      methods,
      shots,
      seeds: flags.seeds,
      seed: flags.seed,
      config,
      log,
    });
    if (!flags.json) return formatMetaEval(result);
    const rows = result.results.map(
      ({ setting, method, shots: k, spearman_mean, spearman_std, kendall_mean, kendall_std, evaluated }) => ({
        setting,
        method,
        shots: k,
        spearman_mean,
        spearman_std,
        kendall_mean,
        kendall_std,
        evaluated,
      }),
    );
    return `${JSON.stringify({ holdout: result.holdout, heldOut: result.heldOut, trainSettings: result.trainSettings, results: rows, budgets: result.budgets, seconds: result.seconds })}\n`;
  } finally {
    await releasePrograms();
  }
}

interface SearchFlags extends SettingFlags {
  holdout: string;
  budget: number;
  seeds: number;
  seed: number;
  param: string[];
  json?: boolean;
  quiet?: boolean;
}

export async function predictSearch(flags: SearchFlags): Promise<string> {
  const log = flags.quiet || flags.json ? () => {} : (m: string) => process.stderr.write(`${m}\n`);
  const given: Record<string, ParamValue> = {};
  for (const p of flags.param) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new NaskitError('invalid_argument', `--param expects key=value, got '${p}'`);
    given[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const settings = await loadCliSettings(flags, log);
  const held = resolveHoldout(settings, flags.holdout);
  if (held.length !== 1 || held[0]!.spec.from.kind !== 'catalog') {
    throw new NaskitError(
      'invalid_argument',
      `--holdout ${flags.holdout}: search needs one built-in setting (e.g. nb201/cifar100), not a space or an extra table`,
    );
  }
  const target = held[0]!;
  const source = target.spec.from.kind === 'catalog' ? target.spec.from.source : 'table';
  const train = settings.filter((s) => s.name !== target.name);
  try {
    const predictor = await learnGuidedPredictor(
      train,
      DEFAULT_META_EVAL,
      new Rng(flags.seed).fork('meta'),
      log,
    );
    const strategy = guidedStrategy(predictor);
    const params = resolveParams(strategy, given);
    const bench = await openBenchmark({
      space: target.space,
      dataset: target.spec.dataset,
      source,
      ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    });
    const t0 = performance.now();
    const runs = await runSeeds({
      bench,
      strategy,
      params,
      budget: { queries: flags.budget },
      seeds: flags.seeds,
      baseSeed: flags.seed,
    });
    const searchSeconds = (performance.now() - t0) / 1000;
    const budgets = [...new Set([...REPORT_BUDGETS.filter((b) => b < flags.budget), flags.budget])];
    const summary = summarizeRuns(runs, budgets);
    const ref = oracle(bench);
    if (flags.json) {
      return `${JSON.stringify({
        holdout: target.name,
        trainSettings: train.map((s) => s.name),
        params,
        seeds: flags.seeds,
        oracle_test: ref.bestValTest,
        oracle_val: ref.bestVal,
        best_test: ref.bestTest,
        results: summary,
        final_test: runs.map((r) => r.final?.test ?? null),
        search_seconds: Number(searchSeconds.toFixed(1)),
      })}\n`;
    }
    const lines = [
      `${target.name} · predictor meta-learned (Reptile) on ${train.length} other settings · ` +
        `${Object.entries(params)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')} · ${flags.seeds} seeds`,
      'result at budget B = test metric of the best-validation architecture among the first B queries',
      '',
      'budget  mean test ± std     mean val  runs  gap to oracle',
      ...summary.map(
        (b) =>
          `${String(b.budget).padEnd(6)}  ${`${b.meanTest.toFixed(2)} ± ${b.stdTest.toFixed(2)}`.padEnd(18)}  ${b.meanVal.toFixed(2).padEnd(8)}  ${String(b.runs).padEnd(4)}  ${(ref.bestValTest - b.meanTest).toFixed(2)}`,
      ),
      '',
      `oracle: test of the best-validation architecture ${ref.bestValTest.toFixed(2)} (val ${ref.bestVal.toFixed(2)}); best test ${ref.bestTest.toFixed(2)}`,
      `search seconds: ${searchSeconds.toFixed(1)}`,
    ];
    return `${lines.join('\n')}\n`;
  } finally {
    await releasePrograms();
  }
}

export async function predictSettings(flags: SettingFlags & { json?: boolean }): Promise<string> {
  const settings = await loadCliSettings(flags, () => {});
  const rows = settings.map((s) => ({
    name: s.name,
    space: s.space,
    metric: `${s.spec.metric}${s.spec.maximize ? '' : ':min'}`,
    rows: s.rows,
    graphs: s.graphs.length,
    source: s.spec.from.kind === 'file' ? s.spec.from.path : s.spec.from.source,
  }));
  if (flags.json) return `${JSON.stringify(rows)}\n`;
  const w = Math.max(...rows.map((r) => r.name.length));
  const head = `${'setting'.padEnd(w)}  ${'rows'.padStart(6)}  ${'graphs'.padStart(6)}  metric   source`;
  return `${[head, ...rows.map((r) => `${r.name.padEnd(w)}  ${String(r.rows).padStart(6)}  ${String(r.graphs).padStart(6)}  ${r.metric.padEnd(7)}  ${r.source}`)].join('\n')}\n`;
}

export function register(program: Command): void {
  const predict = program
    .command('predict')
    .description('accuracy predictors: settings, few-shot meta-evaluation');

  settingOptions(
    predict
      .command('settings')
      .description('list the settings (benchmark, space, dataset, metric) predictors can use'),
  )
    .option('--json', 'print JSON')
    .action(async (flags: SettingFlags & { json?: boolean }) => {
      process.stdout.write(await predictSettings(flags));
    });

  settingOptions(
    predict
      .command('meta-eval')
      .description(
        'few-shot transfer of a GCN predictor to a held-out setting: Spearman/Kendall per method and shot count',
      ),
  )
    .requiredOption(
      '--holdout <setting>',
      "held-out setting (e.g. nb201/cifar10), or 'space:NAME' for all settings of a space",
    )
    .option('--method <list>', `comma-separated methods: ${METHODS.join(', ')}`, METHODS.join(','))
    .option('--shots <list>', 'support sizes k', '0,10,20,50,100')
    .option('--seeds <n>', 'support draws per k (mean ± std over them)', parsePositiveInt, 5)
    .option('--seed <n>', 'base seed', parseNonNegativeInt, 0)
    .option(
      '--meta-iterations <n>',
      `outer iterations of MAML and Reptile (default ${DEFAULT_META_EVAL.maml.iterations})`,
      parsePositiveInt,
    )
    .option(
      '--budget <n>',
      `full-parameter gradient evaluations per learned initialization (default ${DEFAULT_META_EVAL.budget})`,
      parsePositiveInt,
    )
    .option(
      '--context-bank',
      'meta-learners start context inference from the training-setting context that best fits the shots',
    )
    .option('--context-everywhere', 'feed the task context to every GCN layer, not only the readout')
    .option('--hidden <n>', `GCN width (default ${DEFAULT_META_EVAL.model.hidden})`, parsePositiveInt)
    .option('--threads <n>', 'ONNX Runtime threads per predictor program (default 1)', parsePositiveInt)
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print one JSON object {holdout, results: [{method, shots, spearman_mean, ...}]}')
    .action(async (flags: MetaEvalFlags) => {
      process.stdout.write(await predictMetaEval(flags));
    });

  settingOptions(
    predict
      .command('search')
      .description(
        "search a held-out setting's benchmark with a predictor meta-learned on every other setting",
      ),
  )
    .requiredOption(
      '--holdout <setting>',
      'setting to search (never seen in meta-training), e.g. nb201/cifar100',
    )
    .option('--budget <queries>', 'queries per run', parsePositiveInt, 50)
    .option('--seeds <n>', 'runs', parsePositiveInt, 50)
    .option('--seed <n>', 'first seed (also seeds meta-training)', parseNonNegativeInt, 0)
    .option('--param <key=value>', 'strategy parameter: init, batch, members (repeatable)', collect, [])
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print one JSON object')
    .action(async (flags: SearchFlags) => {
      process.stdout.write(await predictSearch(flags));
    });
}
