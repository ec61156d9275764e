/**
 * The Vega-Lite charts of a run report, built from the summary and the store records:
 * proxy score against short-training validation accuracy (with Spearman ρ), the distribution of proxy
 * scores over every sampled architecture, the final training curves, and planned against measured
 * time per phase.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ScoredRecord } from '../search-phase.js';
import type { RunSummary } from '../summary.js';

const WIDTH = 460;
const HEIGHT = 260;

export function scatterSpec(summary: RunSummary, proxy: string): TopLevelSpec {
  const corr = summary.proxy_correlation.find((c) => c.proxy === proxy);
  const rho = corr?.spearman;
  const values = summary.candidates
    .filter((c) => c.scores[proxy] !== null && c.scores[proxy] !== undefined)
    .map((c) => ({
      score: c.scores[proxy],
      accuracy: c.val_accuracy,
      arch: c.arch,
      role: c.arch === summary.arch ? 'winner' : 'candidate',
    }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${proxy} score vs validation accuracy after short training`,
      subtitle: `Spearman ρ = ${rho === null || rho === undefined ? 'n/a' : rho.toFixed(3)} over ${corr?.n ?? 0} candidates`,
    },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    data: { values },
    mark: { type: 'point', filled: true, size: 90 },
    encoding: {
      x: { field: 'score', type: 'quantitative', title: `${proxy} (proxy score)`, scale: { zero: false } },
      y: {
        field: 'accuracy',
        type: 'quantitative',
        title: 'validation accuracy (%)',
        scale: { zero: false },
      },
      color: {
        field: 'role',
        type: 'nominal',
        scale: { domain: ['winner', 'candidate'], range: ['#d62728', '#1f77b4'] },
        title: null,
      },
      shape: {
        field: 'role',
        type: 'nominal',
        scale: { domain: ['winner', 'candidate'], range: ['diamond', 'circle'] },
        title: null,
      },
    },
  };
}

export function scoreHistogramSpec(
  scored: readonly ScoredRecord[],
  proxy: string,
  selected: ReadonlySet<string>,
): TopLevelSpec {
  const values = scored
    .filter((r) => r.scores[proxy] !== null && r.scores[proxy] !== undefined)
    .map((r) => ({
      score: r.scores[proxy],
      group: selected.has(r.arch) ? 'short-trained (top k)' : 'scored only',
    }));
  const missing = scored.length - values.length;
  const chosen = values.filter((v) => v.group !== 'scored only').map((v) => v.score as number);
  const cutoff = chosen.length > 0 ? [{ score: Math.min(...chosen), label: `top-k cutoff` }] : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${proxy} scores of ${scored.length} sampled architectures`,
      subtitle:
        missing > 0
          ? `${missing} architectures had no finite score (ranked last)`
          : 'every architecture got a finite score',
    },
    width: WIDTH,
    height: 200,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: 'bar',
        encoding: {
          x: { field: 'score', type: 'quantitative', bin: { maxbins: 40 }, title: proxy },
          y: { aggregate: 'count', type: 'quantitative', title: 'architectures' },
          color: {
            field: 'group',
            type: 'nominal',
            scale: { domain: ['scored only', 'short-trained (top k)'], range: ['#9ecae1', '#d62728'] },
            title: null,
            legend: { labelLimit: 300 },
          },
        },
      },
      {
        data: { values: cutoff },
        mark: { type: 'rule', color: '#d62728', strokeDash: [5, 4] },
        encoding: { x: { field: 'score', type: 'quantitative' } },
      },
      {
        data: { values: cutoff },
        mark: { type: 'text', color: '#d62728', align: 'right', dx: -4, y: 8 },
        encoding: { x: { field: 'score', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}

export function trainingCurveSpec(summary: RunSummary): TopLevelSpec {
  const loss = summary.final.history.flatMap((e) =>
    e.curve.map(([step, value]) => ({ step, value, series: 'training loss (window mean)' })),
  );
  const accuracy = summary.final.history.map((e) => ({
    epoch: e.completed,
    accuracy: e.accuracy,
    series: 'training (epoch mean)',
  }));
  const test = [{ accuracy: summary.test_accuracy, label: `test ${summary.test_accuracy.toFixed(2)}%` }];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Final training of the winner (${summary.final.epochs} epoch${summary.final.epochs > 1 ? 's' : ''} on ${summary.final.images} images)`,
    },
    background: 'white',
    hconcat: [
      {
        width: 300,
        height: 220,
        data: { values: loss },
        mark: { type: 'line', point: false },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step' },
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'training loss (window mean)',
            scale: { zero: false },
          },
        },
      },
      {
        width: 220,
        height: 220,
        layer: [
          {
            data: { values: accuracy },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
              y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } },
            },
          },
          {
            data: { values: test },
            mark: { type: 'rule', strokeDash: [5, 4], color: '#d62728' },
            encoding: { y: { field: 'accuracy', type: 'quantitative' } },
          },
          {
            data: { values: test },
            mark: { type: 'text', align: 'left', dx: 4, dy: -7, x: 0, color: '#d62728' },
            encoding: { y: { field: 'accuracy', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
}

export function shortTrainingSpec(summary: RunSummary): TopLevelSpec {
  // `?? []`: summaries of runs made before curves were recorded have none.
  const values = summary.candidates.flatMap((c, rank) =>
    (c.curve ?? []).map(([step, loss]) => ({
      step,
      loss,
      candidate: `#${rank + 1}${c.arch === summary.arch ? ' (winner)' : ''} ${c.val_accuracy.toFixed(1)}%`,
      winner: c.arch === summary.arch,
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Short training of the top ${summary.candidates.length} candidates`,
      subtitle: `${summary.plan.short_epochs} epoch(s) on ${summary.plan.short_images} images each; legend: rank by validation accuracy`,
    },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: {
        field: 'loss',
        type: 'quantitative',
        title: 'training loss (window mean)',
        scale: { zero: false },
      },
      color: { field: 'candidate', type: 'nominal', title: null, sort: null, legend: { labelLimit: 300 } },
      strokeWidth: { condition: { test: 'datum.winner', value: 3.5 }, value: 1.2 },
    },
  };
}

export function timingSpec(summary: RunSummary): TopLevelSpec {
  const e = summary.plan.estimate_s;
  const t = summary.timings_s;
  const rows = [
    { phase: 'proxies', kind: 'planned', seconds: e.proxy },
    { phase: 'proxies', kind: 'measured', seconds: t.proxy },
    { phase: 'short training', kind: 'planned', seconds: e.short },
    { phase: 'short training', kind: 'measured', seconds: t.short_train },
    { phase: 'final + test', kind: 'planned', seconds: e.final },
    { phase: 'final + test', kind: 'measured', seconds: t.final_train + t.test },
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Time per phase: planned by the cost model vs measured (whole run ${summary.elapsed_s.toFixed(0)} s)`,
    },
    width: WIDTH,
    height: 150,
    background: 'white',
    data: { values: rows },
    mark: 'bar',
    encoding: {
      y: { field: 'phase', type: 'nominal', title: null, sort: null },
      yOffset: { field: 'kind' },
      x: { field: 'seconds', type: 'quantitative', title: 'seconds' },
      color: {
        field: 'kind',
        type: 'nominal',
        scale: { domain: ['planned', 'measured'], range: ['#bdbdbd', '#3182bd'] },
        title: null,
      },
    },
  };
}
