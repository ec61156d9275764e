/**
 * `naskit predict`: accuracy predictors across benchmark settings.
 *   predict settings [--data-dir D] [--extra-table F --space S [--metric M]]... [--json]
 *       the settings a meta-evaluation can use (name, rows, unique graphs)
 *   predict meta-eval --holdout SETTING|space:NAME --method maml,reptile,scratch,finetune,zeroshot
 *       [--shots 0,10,20,50,100] [--seeds 5] [--seed 0] [--data-dir D]
 *       [--extra-table F --space S [--metric M[:min]]]... [--settings all|none|a,b,...] [--json]
 *       [--features graph|graph+scores [--score-features params,flops,...] [--cache-dir D]]
 *       [--cv-starts own,pooled,ensemble] [--cv-folds 5] [--cv-repeats 1] [--cv-candidates LIST|all] [--cv-report]
 *       few-shot transfer: learn on all other settings, adapt on k shots of the held-out one, and print
 *       Spearman ρ / Kendall τ (mean ± std over seeds) on the rest of its architectures
 *   predict scores --score-features LIST [--cache-dir D] [--data-dir D] [--settings ...]
 *       fill the score-feature caches of the selected settings (resumable) and print the time per space
 *   predict search --holdout SETTING [--budget 50] [--seeds 50] [--param init=0 ...] [--json]
 *       search the held-out setting's benchmark with a predictor meta-learned on all other settings;
 *       reports the test metric of the best-validation architecture per budget next to the oracle
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { CV_STARTS, type CvStart } from '../predictors/adapt-cv.js';
import {
  DEFAULT_META_EVAL,
  DEFAULT_METHODS,
  FEATURES,
  METHODS,
  type Features,
  type MetaEvalJob,
  type MetaEvalResult,
  type Method,
  metaEvalJob,
} from '../experiments/predict/meta-eval-job.js';
import { guidedSearchJob } from '../experiments/predict/search-job.js';
import {
  DEFAULT_SCORE_FEATURES,
  defaultScoreCacheDir,
  rawScores,
} from '../experiments/predict/score-features.js';
import { type SettingsSelection, listSettings, loadSettings } from '../experiments/predict/settings.js';
import { meanStd } from '../stats/summary.js';
import { NaskitError } from '../util/errors.js';
import { parseList, parseNonNegativeInt, parsePositiveInt } from './parse.js';

interface SettingFlags {
  dataDir?: string;
  extraTable: string[];
  space: string[];
  metric: string[];
  settings?: string;
}

/** The job's own fields as commander parses them; methods and shots arrive as comma-separated lists. */
type MetaEvalFlags = SettingFlags &
  Omit<
    MetaEvalJob,
    keyof SettingsSelection | 'methods' | 'shots' | 'features' | 'scoreFeatures' | 'cvStarts' | 'cvCandidates'
  > & {
    method: string;
    shots: string;
    features?: string;
    scoreFeatures?: string;
    cvStarts?: string;
    cvCandidates?: string;
    json?: boolean;
    quiet?: boolean;
  };

interface ScoresFlags extends SettingFlags {
  scoreFeatures: string;
  cacheDir?: string;
  scoreSeed: number;
  threads?: number;
  quiet?: boolean;
  json?: boolean;
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

/** The settings the flags select; one --space (and optionally one --metric) per --extra-table, matched by position. */
function settingSelection(flags: SettingFlags): SettingsSelection {
  const { extraTable, space, metric } = flags;
  if (space.length !== extraTable.length || metric.length > extraTable.length) {
    throw new NaskitError(
      'invalid_argument',
      `${extraTable.length} --extra-table, ${space.length} --space and ${metric.length} --metric given; ` +
        'give one --space (and at most one --metric) per --extra-table, in the same order',
    );
  }
  const which = flags.settings ?? 'all';
  return {
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    builtins: which === 'all' || which === 'none' ? which : parseList(which),
    extraTables: extraTable.map((file, i) => ({
      file,
      space: space[i]!,
      ...(metric[i] !== undefined ? { metric: metric[i] } : {}),
    })),
  };
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

function parseFeatures(text: string | undefined): Features | undefined {
  if (text === undefined) return undefined;
  if (!(FEATURES as readonly string[]).includes(text)) {
    throw new NaskitError('invalid_argument', `--features: '${text}' is not one of ${FEATURES.join(', ')}`);
  }
  return text as Features;
}

function parseCvStarts(text: string | undefined): CvStart[] | undefined {
  if (text === undefined) return undefined;
  const starts = parseList(text);
  for (const st of starts) {
    if (!(CV_STARTS as readonly string[]).includes(st)) {
      throw new NaskitError('invalid_argument', `--cv-starts: '${st}' is not one of ${CV_STARTS.join(', ')}`);
    }
  }
  return starts as CvStart[];
}

function parseParams(list: readonly string[]): Record<string, string> {
  const given: Record<string, string> = {};
  for (const p of list) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new NaskitError('invalid_argument', `--param expects key=value, got '${p}'`);
    given[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return given;
}

function progressLog(flags: { quiet?: boolean; json?: boolean }): (m: string) => void {
  return flags.quiet || flags.json ? () => {} : (m: string) => process.stderr.write(`${m}\n`);
}

const fmt = (mean: number, std: number) => `${mean.toFixed(3)} ± ${std.toFixed(3)}`;

export function formatMetaEval(r: MetaEvalResult): string {
  const lines = [
    `held out: ${r.heldOut.join(', ')}`,
    `trained on ${r.trainSettings.length} settings: ${r.trainSettings.join(', ')}`,
    '',
  ];
  const width = Math.max(7, ...r.results.map((x) => x.setting.length));
  const methodWidth = Math.max(6, ...r.results.map((x) => x.method.length));
  lines.push(
    `${'setting'.padEnd(width)}  ${'method'.padEnd(methodWidth)}  ${'k'.padStart(3)}  ${'spearman'.padEnd(13)}  kendall`,
  );
  let last = '';
  for (const x of r.results) {
    if (last && last !== x.setting) lines.push('');
    last = x.setting;
    lines.push(
      `${x.setting.padEnd(width)}  ${x.method.padEnd(methodWidth)}  ${String(x.shots).padStart(3)}  ${fmt(x.spearman_mean, x.spearman_std).padEnd(13)}  ${fmt(x.kendall_mean, x.kendall_std)}` +
        (x.choices ? `  chose ${x.choices.join(' ')}` : ''),
    );
  }
  const reported = r.results.filter((x) => x.candidates);
  if (reported.length > 0)
    lines.push('', 'CV candidates (mean over draws: out-of-fold on the shots / on the query set):');
  for (const x of reported) {
    const mean = (v: number[]) => meanStd(v).mean;
    const byQuery = [...x.candidates!].sort((a, b) => mean(b.query) - mean(a.query));
    lines.push(
      `${x.setting} ${x.method} k=${x.shots}: ` +
        byQuery.map((c) => `${c.label} ${mean(c.cv).toFixed(3)}/${mean(c.query).toFixed(3)}`).join(', '),
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
  const methods = parseMethods(flags.method);
  const shots = parseShots(flags.shots);
  const features = parseFeatures(flags.features);
  const cvStarts = parseCvStarts(flags.cvStarts);
  const result = await metaEvalJob(
    {
      ...settingSelection(flags),
      holdout: flags.holdout,
      methods,
      shots,
      seeds: flags.seeds,
      seed: flags.seed,
      ...(flags.metaIterations !== undefined ? { metaIterations: flags.metaIterations } : {}),
      ...(flags.budget !== undefined ? { budget: flags.budget } : {}),
      ...(flags.hidden !== undefined ? { hidden: flags.hidden } : {}),
      ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
      workers: flags.workers ?? availableParallelism(),
      contextBank: Boolean(flags.contextBank),
      contextEverywhere: Boolean(flags.contextEverywhere),
      ...(features !== undefined ? { features } : {}),
      ...(flags.scoreFeatures !== undefined ? { scoreFeatures: parseList(flags.scoreFeatures) } : {}),
      ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}),
      ...(flags.scoreSeed !== undefined ? { scoreSeed: flags.scoreSeed } : {}),
      ...(cvStarts !== undefined ? { cvStarts } : {}),
      ...(flags.cvFolds !== undefined ? { cvFolds: flags.cvFolds } : {}),
      ...(flags.cvRepeats !== undefined ? { cvRepeats: flags.cvRepeats } : {}),
      ...(flags.cvCandidates !== undefined
        ? { cvCandidates: flags.cvCandidates === 'all' ? ('all' as const) : parseList(flags.cvCandidates) }
        : {}),
      cvReport: Boolean(flags.cvReport),
    },
    progressLog(flags),
  );
  if (!flags.json) return formatMetaEval(result);
  const rows = result.results.map(
    ({
      setting,
      method,
      shots: k,
      spearman_mean,
      spearman_std,
      kendall_mean,
      kendall_std,
      evaluated,
      choices,
      candidates,
    }) => ({
      setting,
      method,
      shots: k,
      spearman_mean,
      spearman_std,
      kendall_mean,
      kendall_std,
      evaluated,
      ...(choices ? { choices } : {}),
      ...(candidates ? { candidates } : {}),
    }),
  );
  return `${JSON.stringify({ holdout: result.holdout, heldOut: result.heldOut, trainSettings: result.trainSettings, results: rows, budgets: result.budgets, seconds: result.seconds })}\n`;
}

export async function predictSearch(flags: SearchFlags): Promise<string> {
  const params = parseParams(flags.param);
  const r = await guidedSearchJob(
    {
      ...settingSelection(flags),
      holdout: flags.holdout,
      budget: flags.budget,
      seeds: flags.seeds,
      seed: flags.seed,
      params,
    },
    progressLog(flags),
  );
  const ref = r.oracle;
  if (flags.json) {
    return `${JSON.stringify({
      holdout: r.holdout,
      trainSettings: r.trainSettings,
      params: r.params,
      seeds: r.seeds,
      oracle_test: ref.bestValTest,
      oracle_val: ref.bestVal,
      best_test: ref.bestTest,
      results: r.summary,
      final_test: r.finalTest,
      search_seconds: Number(r.searchSeconds.toFixed(1)),
    })}\n`;
  }
  const lines = [
    `${r.holdout} · predictor meta-learned (Reptile) on ${r.trainSettings.length} other settings · ` +
      `${Object.entries(r.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')} · ${r.seeds} seeds`,
    'result at budget B = test metric of the best-validation architecture among the first B queries',
    '',
    'budget  mean test ± std     mean val  runs  gap to oracle',
    ...r.summary.map(
      (b) =>
        `${String(b.budget).padEnd(6)}  ${`${b.meanTest.toFixed(2)} ± ${b.stdTest.toFixed(2)}`.padEnd(18)}  ${b.meanVal.toFixed(2).padEnd(8)}  ${String(b.runs).padEnd(4)}  ${(ref.bestValTest - b.meanTest).toFixed(2)}`,
    ),
    '',
    `oracle: test of the best-validation architecture ${ref.bestValTest.toFixed(2)} (val ${ref.bestVal.toFixed(2)}); best test ${ref.bestTest.toFixed(2)}`,
    `search seconds: ${r.searchSeconds.toFixed(1)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `predict scores`: fill the score-feature caches of the selected settings' spaces; time per space. */
export async function predictScores(flags: ScoresFlags): Promise<string> {
  const log = progressLog(flags);
  const proxies = parseList(flags.scoreFeatures);
  const cacheDir = flags.cacheDir ?? defaultScoreCacheDir();
  const settings = await loadSettings(settingSelection(flags), log);
  const rows: { space: string; architectures: number; seconds: number; failed: Record<string, number> }[] =
    [];
  for (const space of [...new Set(settings.map((s) => s.space))]) {
    const archs = [...new Set(settings.filter((s) => s.space === space).flatMap((s) => s.archs))];
    const t0 = performance.now();
    const raw = await rawScores(space, archs, {
      proxies,
      cacheDir,
      ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
      seed: flags.scoreSeed,
      threads: flags.threads ?? 1,
      log,
    });
    const failed: Record<string, number> = {};
    for (const [name, values] of raw) failed[name] = values.filter((v) => v === null).length;
    rows.push({ space, architectures: archs.length, seconds: (performance.now() - t0) / 1000, failed });
  }
  if (flags.json) return `${JSON.stringify({ cacheDir, proxies, spaces: rows })}\n`;
  const lines = [`score caches in ${cacheDir} (${proxies.join(', ')})`];
  for (const r of rows) {
    const f = Object.entries(r.failed)
      .filter(([, n]) => n > 0)
      .map(([p, n]) => `${p} ${n}`);
    lines.push(
      `${r.space.padEnd(13)} ${String(r.architectures).padStart(6)} architectures  ${r.seconds.toFixed(1).padStart(8)} s` +
        (f.length > 0 ? `  failed or unavailable: ${f.join(', ')}` : ''),
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function predictSettings(flags: SettingFlags & { json?: boolean }): Promise<string> {
  const rows = await listSettings(settingSelection(flags));
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
    .option('--method <list>', `comma-separated methods: ${METHODS.join(', ')}`, DEFAULT_METHODS.join(','))
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
    .option(
      '--features <kind>',
      `what the GCN reads: ${FEATURES.join(' or ')} (graph+scores adds per-setting ranks of score features)`,
    )
    .option(
      '--score-features <list>',
      `proxies used as score features with --features graph+scores (default ${DEFAULT_SCORE_FEATURES.join(',')})`,
    )
    .option('--cache-dir <dir>', `score-feature caches (default ${defaultScoreCacheDir()})`)
    .option('--score-seed <n>', 'seed of the score proxies (part of the cache identity)', parseNonNegativeInt)
    .option(
      '--cv-starts <list>',
      `maml-cv / reptile-cv: starts that compete, of ${CV_STARTS.join(', ')} (default all)`,
    )
    .option(
      '--cv-folds <n>',
      `maml-cv / reptile-cv: folds over the shots (default ${DEFAULT_META_EVAL.cv.folds})`,
      parsePositiveInt,
    )
    .option(
      '--cv-repeats <n>',
      `maml-cv / reptile-cv: fold draws whose out-of-fold Spearman is averaged (default ${DEFAULT_META_EVAL.cv.repeats})`,
      parsePositiveInt,
    )
    .option(
      '--cv-candidates <list>',
      `maml-cv / reptile-cv: the candidates that compete (labels such as own:default, pooled:10@0.001, ensemble:10@0.001), or 'all' for the whole grid (default ${DEFAULT_META_EVAL.cv.only?.join(',') ?? 'all'})`,
    )
    .option(
      '--cv-report',
      'maml-cv / reptile-cv: also score every candidate on the query set, after the choice (a diagnostic)',
    )
    .option('--threads <n>', 'ONNX Runtime threads per predictor program (default 1)', parsePositiveInt)
    .option(
      '--workers <n>',
      `worker threads: the two start trainings run at once, then the support draws are shared out; 1 runs all on the main thread, same results (default: the ${availableParallelism()} cores)`,
      parsePositiveInt,
    )
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print one JSON object {holdout, results: [{method, shots, spearman_mean, ...}]}')
    .action(async (flags: MetaEvalFlags) => {
      process.stdout.write(await predictMetaEval(flags));
    });

  settingOptions(
    predict
      .command('scores')
      .description(
        "compute and cache the score features of the selected settings' architectures (resumable)",
      ),
  )
    .option('--score-features <list>', 'proxies to compute', DEFAULT_SCORE_FEATURES.join(','))
    .option('--cache-dir <dir>', `cache folder (default ${defaultScoreCacheDir()})`)
    .option('--score-seed <n>', 'seed of the proxies', parseNonNegativeInt, 0)
    .option('--threads <n>', 'ONNX Runtime threads per proxy program (default 1)', parsePositiveInt)
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print JSON')
    .action(async (flags: ScoresFlags) => {
      process.stdout.write(await predictScores(flags));
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
