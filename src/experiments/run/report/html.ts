/** report.html: one self-contained page (inline CSS and SVG; no scripts, fonts or links to fetch). */
import type { RunSummary } from '../summary.js';
import { candidateTable, headline, timingTable, type Table } from './content.js';
import type { ReportChart } from './index.js';

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .3rem; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } tr.winner td { background: #fff3cd; font-weight: 600; }
td.mono, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .8rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
figure { margin: 1rem 0; } figcaption { font-size: .85rem; color: #555; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function table(t: Table, monoColumn = -1): string {
  const head = `<tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map(
      (row, i) =>
        `<tr${i === t.highlight ? ' class="winner"' : ''}>${row.map((cell, j) => `<td${j === monoColumn ? ' class="mono"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

/** Inline SVG needs no namespace declarations inside HTML; dropping them leaves no URL in the page. */
function inlineSvg(svg: string): string {
  return svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
}

function figure(chart: ReportChart | undefined): string {
  return chart
    ? `<figure>${inlineSvg(chart.svg)}<figcaption>${escapeHtml(chart.title)}</figcaption></figure>`
    : '';
}

export function reportHtml(summary: RunSummary, charts: readonly ReportChart[]): string {
  const chart = (file: string): ReportChart | undefined => charts.find((c) => c.file === file);
  const facts = headline(summary)
    .map(
      ([k, v]) =>
        `<dt>${escapeHtml(k)}</dt><dd>${k === 'Winning architecture' ? `<code>${escapeHtml(v)}</code>` : escapeHtml(v)}</dd>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>naskit run ${escapeHtml(summary.run_id)}: ${summary.test_accuracy.toFixed(2)}% on ${escapeHtml(summary.dataset)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>naskit run ${escapeHtml(summary.run_id)}</h1>
<dl>
${facts}
</dl>
${chart('report-cell.svg') ? `<h2>Winning cell</h2>\n${figure(chart('report-cell.svg'))}\n` : ''}<h2>Proxy scores and short-training accuracy</h2>
<div class="charts">
${figure(chart('report-proxy-vs-accuracy.svg'))}
${figure(chart('report-proxy-scores.svg'))}
</div>
<h2>Top candidates</h2>
<p>Ranked by validation accuracy after short training; the highlighted row is the winner.</p>
${table(candidateTable(summary), 1)}
<h2>Training curves</h2>
<div class="charts">
${figure(chart('report-short-training.svg'))}
${figure(chart('report-training.svg'))}
</div>
<h2>Timings</h2>
${figure(chart('report-timings.svg'))}
${table(timingTable(summary))}
</body>
</html>
`;
}
