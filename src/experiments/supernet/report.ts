/**
 * report.html of a supernet search: one self-contained page (inline SVG, no scripts).
 * - Differentiable search: per seed, the α heat map (softmax per edge and op, one panel per epoch
 *   column) and the collapse curve (true NB201 accuracy and parameter-free fraction of the derived
 *   cell per epoch).
 * - GeNAS: the validation loss against the noise level σ (σ = 0 is the unperturbed loss) of the
 *   top candidates by the search's objective.
 */
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../../runtime/checkpoint.js';
import { escapeHtml } from '../run/report/html.js';
import { renderVegaLite } from '../run/report/render.js';
import type { DartsResult } from './darts-job.js';
import type { CellRecord } from './scoring.js';

const CSS = `body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.4rem; } td, th { padding: .2rem .5rem; border-bottom: 1px solid #ddd; text-align: left; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .8rem; }`;

/** An SVG as an inline element of an HTML page (the namespace attributes are implied there). */
export const inline = (svg: string): string => svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');

/** A self-contained page: the title as heading, then the body. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${body}\n</body>\n</html>\n`;
}

export function alphaHeatmapSpec(run: DartsResult['runs'][number], ops: readonly string[]): TopLevelSpec {
  const values = run.alpha.flatMap((byName, epoch) =>
    Object.entries(byName).flatMap(([name, rows]) =>
      rows.flatMap((row, edge) =>
        row.map((w, k) => ({
          epoch: epoch + 1,
          edge: `${name.replace('alpha/', '')} ${edge}`,
          op: ops[k] ?? String(k),
          weight: w,
        })),
      ),
    ),
  );
  return {
    data: { values },
    facet: { column: { field: 'op', type: 'nominal', title: null } },
    spec: {
      width: 130,
      height: { step: 12 },
      mark: 'rect',
      encoding: {
        x: { field: 'epoch', type: 'ordinal', title: 'epoch', axis: { labelOverlap: true } },
        y: { field: 'edge', type: 'nominal', title: 'edge', sort: null },
        color: {
          field: 'weight',
          type: 'quantitative',
          title: 'softmax(α)',
          scale: { domain: [0, 1], scheme: 'viridis' },
        },
      },
    },
  } as TopLevelSpec;
}

/** One line of a collapse chart: a seed or a method, with its derived cell's measures per epoch (1-based). */
export interface CollapseLine {
  label: string;
  points: readonly { epoch: number; param_free: number; cifar10: number | null; decisiveness: number }[];
}

/**
 * Collapse curves: parameter-free share, true CIFAR-10 accuracy (where known) and α decisiveness of
 * the derived cell per epoch, one facet each, one colour per line.
 */
export function collapseChartSpec(lines: readonly CollapseLine[], legendBelow = false): TopLevelSpec {
  const values = lines.flatMap(({ label, points }) =>
    points.flatMap((p) => [
      { line: label, epoch: p.epoch, measure: 'parameter-free ops (%)', value: 100 * p.param_free },
      ...(p.cifar10 === null
        ? []
        : [{ line: label, epoch: p.epoch, measure: 'true CIFAR-10 test accuracy (%)', value: p.cifar10 }]),
      {
        line: label,
        epoch: p.epoch,
        measure: 'decisiveness (mean max softmax α, %)',
        value: 100 * p.decisiveness,
      },
    ]),
  );
  return {
    data: { values },
    facet: { column: { field: 'measure', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 220,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative', scale: { zero: false }, title: null },
        color: {
          field: 'line',
          type: 'nominal',
          title: null,
          ...(legendBelow ? { legend: { orient: 'bottom' } } : {}),
        },
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/** The collapse curve of every seed of one search. */
export function collapseSpec(result: DartsResult): TopLevelSpec {
  return collapseChartSpec(
    result.runs.map((run) => ({
      label: `seed ${run.seed}`,
      points: run.curve.map((p) => ({
        epoch: p.epoch + 1,
        param_free: p.param_free,
        cifar10: p.true?.cifar10 ?? null,
        decisiveness: p.decisiveness,
      })),
    })),
  );
}

export async function writeDartsReport(
  dir: string,
  result: DartsResult,
  ops: readonly string[],
): Promise<string> {
  const parts = [
    `<p>${escapeHtml(result.strategy)}${result.scheme ? ` (${escapeHtml(result.scheme)})` : ''}, order ${result.order}, ${escapeHtml(JSON.stringify(result.scale))}; J on ${result.J_images} validation images; ${result.compute} supernet-epochs per seed.</p>`,
    '<h2>Collapse curve: the derived cell per epoch</h2>',
    `<figure>${inline(await renderVegaLite(collapseSpec(result)))}</figure>`,
  ];
  for (const run of result.runs) {
    parts.push(
      `<h2>Seed ${run.seed}: <code>${escapeHtml(run.arch)}</code></h2>`,
      `<p>J ${run.J.toFixed(4)} ± ${run.J_se.toFixed(4)}, parameter-free ${(100 * run.param_free).toFixed(0)}%, decisiveness ${run.decisiveness.toFixed(3)}${run.true ? `, true ${run.true.cifar10.toFixed(2)} / ${run.true.cifar100.toFixed(2)} / ${run.true['ImageNet16-120'].toFixed(2)}` : ''}</p>`,
      run.trace.length ? `<pre>${escapeHtml(run.trace.join('\n'))}</pre>` : '',
      `<figure>${inline(await renderVegaLite(alphaHeatmapSpec(run, ops)))}<figcaption>softmax(α) per edge and op over epochs</figcaption></figure>`,
    );
  }
  const path = join(dir, 'report.html');
  writeFileAtomic(path, Buffer.from(page(`naskit ${result.strategy} on ${result.space}`, parts.join('\n'))));
  return path;
}

export function lossSigmaSpec(records: readonly CellRecord[], sigmas: readonly number[]): TopLevelSpec {
  const values = records.flatMap((r) => [
    { arch: r.arch, sigma: 0, loss: r.loss },
    ...r.levels.map((l, i) => ({ arch: r.arch, sigma: sigmas[i]!, loss: l })),
  ]);
  return {
    data: { values },
    width: 520,
    height: 300,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'sigma', type: 'quantitative', title: 'noise level σ (cumulative)' },
      y: { field: 'loss', type: 'quantitative', scale: { zero: false }, title: 'validation loss' },
      color: {
        field: 'arch',
        type: 'nominal',
        title: null,
        legend: { orient: 'bottom', columns: 1, labelLimit: 700 },
      },
    },
  } as TopLevelSpec;
}

export async function writeGenasReport(
  dir: string,
  title: string,
  summary: string,
  top: readonly CellRecord[],
  sigmas: readonly number[],
): Promise<string> {
  const body = [
    `<p>${escapeHtml(summary)}</p>`,
    '<h2>Loss against noise level, top candidates</h2>',
    `<figure>${inline(await renderVegaLite(lossSigmaSpec(top, sigmas)))}</figure>`,
  ].join('\n');
  const path = join(dir, 'report.html');
  writeFileAtomic(path, Buffer.from(page(title, body)));
  return path;
}
