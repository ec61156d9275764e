/** report.md: the same content as report.html, with the charts as SVG files next to it. */
import type { RunSummary } from '../summary.js';
import { candidateTable, headline, timingTable, type Table } from './content.js';
import type { ReportChart } from './index.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function table(t: Table): string {
  const lines = [`| ${t.header.map(cell).join(' | ')} |`, `|${t.header.map(() => ' --- ').join('|')}|`];
  t.rows.forEach((row, i) => {
    const cells = row.map(cell).map((c) => (i === t.highlight ? `**${c}**` : c));
    lines.push(`| ${cells.join(' | ')} |`);
  });
  return lines.join('\n');
}

export function reportMarkdown(summary: RunSummary, charts: readonly ReportChart[]): string {
  const image = (file: string): string => {
    const chart = charts.find((c) => c.file === file);
    return chart ? `![${chart.title}](${chart.file})` : '';
  };
  const facts = headline(summary)
    .map(([k, v]) => `- **${k}:** ${k === 'Winning architecture' ? `\`${v}\`` : v}`)
    .join('\n');
  return [
    `# naskit run ${summary.run_id}`,
    '',
    facts,
    '',
    ...(image('report-cell.svg') ? ['## Winning cell', '', image('report-cell.svg'), ''] : []),
    '## Proxy scores and short-training accuracy',
    '',
    image('report-proxy-vs-accuracy.svg'),
    '',
    image('report-proxy-scores.svg'),
    '',
    '## Top candidates',
    '',
    'Ranked by validation accuracy after short training; the winner is in bold.',
    '',
    table(candidateTable(summary)),
    '',
    '## Training curves',
    '',
    image('report-short-training.svg'),
    '',
    image('report-training.svg'),
    '',
    '## Timings',
    '',
    image('report-timings.svg'),
    '',
    table(timingTable(summary)),
    '',
  ].join('\n');
}
