/**
 * The run report: `report.html` (one self-contained file: inline SVG charts and CSS, no scripts, no
 * external URLs, opens offline) and `report.md` (the same content, with the charts written beside it
 * as SVG files). Rebuilt from summary.json and the results store by `naskit report DIR`.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../../runtime/checkpoint.js';
import { RUN_FILES } from '../layout.js';
import type { ScoredRecord } from '../search-phase.js';
import type { StoreRecord } from '../store.js';
import type { RunSummary } from '../summary.js';
import { getSpace } from '../../../spaces/index.js';
import { cellGraphSpec } from './cell-graph.js';
import {
  scatterSpec,
  scoreHistogramSpec,
  shortTrainingSpec,
  timingSpec,
  trainingCurveSpec,
} from './charts.js';
import { reportHtml } from './html.js';
import { reportMarkdown } from './markdown.js';
import { renderVega, renderVegaLite } from './render.js';

export interface ReportChart {
  /** File name of the SVG beside report.md. */
  file: string;
  title: string;
  svg: string;
}

export async function renderCharts(
  summary: RunSummary,
  records: readonly StoreRecord[],
): Promise<ReportChart[]> {
  const scored = records.filter((r): r is ScoredRecord => r.type === 'scored');
  const selected = new Set(summary.candidates.map((c) => c.arch));
  const cell = cellGraphSpec(getSpace(summary.space), summary.arch);
  return [
    ...(cell ? [{ file: 'report-cell.svg', title: 'Winning cell', svg: await renderVega(cell) }] : []),
    {
      file: 'report-proxy-vs-accuracy.svg',
      title: 'Proxy score vs short-training accuracy',
      svg: await renderVegaLite(scatterSpec(summary)),
    },
    {
      file: 'report-proxy-scores.svg',
      title: 'Rank scores of all sampled architectures',
      svg: await renderVegaLite(scoreHistogramSpec(scored, summary, selected)),
    },
    {
      file: 'report-short-training.svg',
      title: 'Short training of the candidates',
      svg: await renderVegaLite(shortTrainingSpec(summary)),
    },
    {
      file: 'report-training.svg',
      title: 'Final training of the winner',
      svg: await renderVegaLite(trainingCurveSpec(summary)),
    },
    { file: 'report-timings.svg', title: 'Timings', svg: await renderVegaLite(timingSpec(summary)) },
  ];
}

export async function writeReports(
  dir: string,
  summary: RunSummary,
  records: readonly StoreRecord[],
): Promise<void> {
  const charts = await renderCharts(summary, records);
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  for (const chart of charts) writeFileAtomic(join(dir, chart.file), encode(chart.svg));
  writeFileAtomic(join(dir, RUN_FILES.reportMd), encode(reportMarkdown(summary, charts)));
  writeFileAtomic(join(dir, RUN_FILES.reportHtml), encode(reportHtml(summary, charts)));
}
