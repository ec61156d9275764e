/**
 * Side-by-side comparison of differentiable-search output folders (`naskit search --strategy darts |
 * darts-global --out DIR`): one row per folder (a method at one setting) with the figures issue 19's
 * table asks for — final J, parameter-free fraction, parameters, α decisiveness, true NB201 accuracy
 * (mean ± std over seeds), compute — and the collapse curve of every method (true CIFAR-10 accuracy
 * and parameter-free fraction of the derived cell per epoch, mean over seeds).
 *
 * Seeds are read from `seed-*\/result.json`, so a folder whose search is still going contributes the
 * seeds it has finished (marked as such); the folder's summary JSON, once written, names the method.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { NB201_DATASETS } from '../../benchmarks/nb201.js';
import { writeFileAtomic } from '../../runtime/checkpoint.js';
import { spearman } from '../../stats/correlation.js';
import { meanStd, type MeanStd } from '../../stats/summary.js';
import { NaskitError } from '../../util/errors.js';
import { escapeHtml } from '../run/report/html.js';
import { renderVegaLite } from '../run/report/render.js';
import type { DartsResult, DartsRun } from './darts-job.js';
import { collapseChartSpec, inline, page } from './report.js';
import type { Truth } from './truth.js';

export interface MethodSummary {
  dir: string;
  /** e.g. `darts order 1 · FOLDER`, `darts order 1 best-of-2 · FOLDER`, `darts-global (halving) · FOLDER`. */
  method: string;
  /** False while the folder has no summary JSON (its search is still running or was stopped). */
  finished: boolean;
  scale: DartsResult['scale'] | null;
  seeds: number[];
  J: MeanStd;
  param_free: MeanStd;
  params: MeanStd;
  decisiveness: MeanStd;
  /** Null unless every seed has table truth (NB201). */
  true: Record<keyof Truth, MeanStd> | null;
  /** Supernet-epochs per seed (mean). */
  compute: number;
  /** Per epoch (1-based), mean over the seeds that reached it. */
  curve: { epoch: number; param_free: number; cifar10: number | null; decisiveness: number }[];
  runs: DartsRun[];
}

export interface Comparison {
  methods: MethodSummary[];
  /**
   * Spearman ρ between J and true CIFAR-10 accuracy over every run of every method (a search can only
   * trust J if lower J goes with higher accuracy, i.e. ρ < 0); null without table truth.
   */
  J_vs_true_cifar10: { rho: number; n: number } | null;
}

const SUMMARY_NAME = /^darts(-global)?(-restarts)?(-2nd)?(-best-of-\d+)?\.json$/;

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new NaskitError(
      'data_corrupt',
      `${path} is not readable JSON (${(e as Error).message}); rerun the search into that folder to rewrite it`,
    );
  }
}

function methodName(result: DartsResult): string {
  if (result.strategy === 'darts-global') return `darts-global (${result.scheme ?? 'halving'})`;
  const parts = [`darts order ${result.order}`];
  if (result.best_of > 1) parts.push(`best-of-${result.best_of}`);
  return parts.join(' ');
}

/** Everything one search output folder holds about its finished seeds. */
export function summarizeSearchDir(dirArg: string): MethodSummary {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new NaskitError(
      'not_found',
      `${dirArg} is not a folder; pass the --out folder of a 'naskit search --strategy darts|darts-global' run`,
    );
  const files = readdirSync(dir);
  const summaryFile = files.find((f) => SUMMARY_NAME.test(f));
  const summary = summaryFile ? readJson<DartsResult>(join(dir, summaryFile)) : null;
  const runs = files
    .filter((f) => /^seed-\d+$/.test(f) && existsSync(join(dir, f, 'result.json')))
    .map((f) => readJson<DartsRun>(join(dir, f, 'result.json')))
    .sort((a, b) => a.seed - b.seed);
  if (runs.length === 0)
    throw new NaskitError(
      'not_found',
      `${dirArg} holds no finished seed (no seed-*/result.json); pass the --out folder of a differentiable search that has finished at least one seed`,
    );
  const of = (f: (r: DartsRun) => number | null): MeanStd =>
    meanStd(runs.map(f).filter((x): x is number => x !== null));
  const withTruth = runs.every((r) => r.true !== null);
  return {
    dir,
    method: `${summary ? methodName(summary) : 'in progress'} · ${basename(dir)}`,
    finished: summary !== null,
    scale: summary?.scale ?? null,
    seeds: runs.map((r) => r.seed),
    J: of((r) => r.J),
    param_free: of((r) => r.param_free),
    params: of((r) => r.params),
    decisiveness: of((r) => r.decisiveness),
    true: withTruth
      ? (Object.fromEntries(NB201_DATASETS.map((d) => [d, of((r) => r.true![d])])) as Record<
          keyof Truth,
          MeanStd
        >)
      : null,
    compute: runs.reduce((s, r) => s + r.compute, 0) / runs.length,
    curve: meanCurve(runs),
    runs,
  };
}

function meanCurve(runs: readonly DartsRun[]): MethodSummary['curve'] {
  const epochs = Math.max(...runs.map((r) => r.curve.length));
  const out: MethodSummary['curve'] = [];
  for (let e = 0; e < epochs; e++) {
    const points = runs.map((r) => r.curve[e]).filter((p) => p !== undefined);
    const accs = points.map((p) => p.true?.cifar10).filter((x): x is number => x !== undefined);
    out.push({
      epoch: e + 1,
      param_free: meanStd(points.map((p) => p.param_free)).mean,
      cifar10: accs.length === points.length ? meanStd(accs).mean : null,
      decisiveness: meanStd(points.map((p) => p.decisiveness)).mean,
    });
  }
  return out;
}

export function compareSearches(dirs: readonly string[]): Comparison {
  if (dirs.length === 0)
    throw new NaskitError('invalid_argument', 'name at least one search output folder to compare');
  const methods = dirs.map(summarizeSearchDir);
  const all = methods.flatMap((m) => m.runs);
  const truthful = all.every((r) => r.true !== null);
  return {
    methods,
    J_vs_true_cifar10: truthful
      ? {
          rho: spearman(
            all.map((r) => r.J),
            all.map((r) => r.true!.cifar10),
            { nonFinite: 'drop' },
          ),
          n: all.length,
        }
      : null,
  };
}

const pm = (s: MeanStd, digits: number, scale = 1): string =>
  Number.isNaN(s.mean) ? '—' : `${(scale * s.mean).toFixed(digits)} ± ${(scale * s.std).toFixed(digits)}`;

const COLUMNS = [
  'method',
  'seeds',
  'J',
  'parameter-free %',
  'params (M)',
  'decisiveness',
  'CIFAR-10',
  'CIFAR-100',
  'ImageNet16-120',
  'compute (supernet-epochs)',
] as const;

function rowCells(m: MethodSummary): string[] {
  return [
    m.method,
    String(m.seeds.length),
    pm(m.J, 4),
    pm(m.param_free, 0, 100),
    pm(m.params, 3),
    pm(m.decisiveness, 3),
    ...NB201_DATASETS.map((d) => (m.true ? pm(m.true[d], 2) : '—')),
    m.compute.toFixed(0),
  ];
}

/** The comparison as a Markdown table (also what the CLI prints). */
export function comparisonTable(c: Comparison): string {
  const head = `| ${COLUMNS.join(' | ')} |`;
  const rule = `|${COLUMNS.map(() => '---').join('|')}|`;
  const rows = c.methods.map((m) => `| ${rowCells(m).join(' | ')} |`);
  const lines = [head, rule, ...rows];
  if (c.J_vs_true_cifar10)
    lines.push(
      '',
      `Spearman ρ(J, true CIFAR-10) over all ${c.J_vs_true_cifar10.n} runs: ${c.J_vs_true_cifar10.rho.toFixed(3)} (negative: lower J, better cell)`,
    );
  return lines.join('\n');
}

export function collapseComparisonSpec(c: Comparison): TopLevelSpec {
  return collapseChartSpec(
    c.methods.map((m) => ({ label: m.method, points: m.curve })),
    true,
  );
}

/** A self-contained HTML page: the table, the collapse curves, and each method's derived cells. */
export async function writeComparisonPage(path: string, c: Comparison): Promise<void> {
  const row = (cells: readonly string[], tag: 'th' | 'td'): string =>
    `<tr>${cells.map((x) => `<${tag}>${escapeHtml(x)}</${tag}>`).join('')}</tr>`;
  const table = ['<table>', row(COLUMNS, 'th'), ...c.methods.map((m) => row(rowCells(m), 'td')), '</table>'];
  const rho = c.J_vs_true_cifar10
    ? [
        `<p>Spearman ρ(J, true CIFAR-10) over all ${c.J_vs_true_cifar10.n} runs: ${c.J_vs_true_cifar10.rho.toFixed(3)} (negative: lower J, better cell).</p>`,
      ]
    : [];
  const cells = c.methods.map(
    (m) =>
      `<h2>${escapeHtml(m.method)}</h2>\n<p><code>${escapeHtml(m.dir)}</code>${m.scale ? `; scale ${escapeHtml(JSON.stringify(m.scale))}` : ''}</p>\n<ul>${m.runs
        .map(
          (r) =>
            `<li>seed ${r.seed}: <code>${escapeHtml(r.arch)}</code> J ${r.J.toFixed(4)}${r.true ? `, true CIFAR-10 ${r.true.cifar10.toFixed(2)}` : ''}</li>`,
        )
        .join('')}</ul>`,
  );
  const body = [
    ...table,
    ...rho,
    '<h2>Collapse curves (mean over seeds)</h2>',
    `<figure>${inline(await renderVegaLite(collapseComparisonSpec(c)))}</figure>`,
    ...cells,
  ].join('\n');
  writeFileAtomic(path, Buffer.from(page('naskit: differentiable searches compared', body)));
}
