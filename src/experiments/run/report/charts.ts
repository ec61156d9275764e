/**
 * The Vega-Lite charts of a run report, built from the summary and the store records:
 * proxy score against short-training validation accuracy (with Spearman ρ), the distribution of proxy
 * scores over every sampled architecture, the final training curves, and planned against measured
 * time per phase.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ScoredRecord } from '../search-phase.js';
import { rankScores } from '../ranking.js';
import { RANK_SCORE, type RunSummary } from '../summary.js';

const WIDTH = 460;
const HEIGHT = 260;

/** One panel per ranking signal (each proxy, and the combined rank score): score vs validation accuracy, with Spearman ρ. */
export function scatterSpec(summary: RunSummary): TopLevelSpec {
  const signals = summary.proxy_correlation.map((c) => c.proxy);
  const valueOf = (c: RunSummary['candidates'][number], signal: string): number | null =>
    signal === RANK_SCORE ? c.rank_score : (c.scores[signal] ?? null);
  const panels = signals.map((signal) => {
    const corr = summary.proxy_correlation.find((c) => c.proxy === signal)!;
    const values = summary.candidates
      .filter((c) => valueOf(c, signal) !== null)
      .map((c) => ({
        score: valueOf(c, signal),
        accuracy: c.val_accuracy,
        role: c.arch === summary.arch ? 'winner' : 'candidate',
      }));
    return {
      title: {
        text: signal,
        subtitle: `Spearman ρ = ${corr.spearman === null ? 'n/a' : corr.spearman.toFixed(3)} (n = ${corr.n})`,
      },
      width: signals.length > 1 ? 260 : WIDTH,
      height: 220,
      data: { values },
      mark: { type: 'point' as const, filled: true, size: 90 },
      encoding: {
        x: { field: 'score', type: 'quantitative' as const, title: signal, scale: { zero: false } },
        y: {
          field: 'accuracy',
          type: 'quantitative' as const,
          title: 'validation accuracy (%)',
          scale: { zero: false },
        },
        color: {
          field: 'role',
          type: 'nominal' as const,
          scale: { domain: ['winner', 'candidate'], range: ['#d62728', '#1f77b4'] },
          title: null,
        },
        shape: {
          field: 'role',
          type: 'nominal' as const,
          scale: { domain: ['winner', 'candidate'], range: ['diamond', 'circle'] },
          title: null,
        },
      },
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Proxy scores vs validation accuracy after short training (top ${summary.candidates.length})`,
    },
    background: 'white',
    hconcat: panels,
  };
}

/**
 * Distribution over every sampled architecture of the score the top k were picked by (the rank
 * score), the top k in red and the cutoff marked; the subtitle says how many each proxy could not score.
 */
export function scoreHistogramSpec(
  scored: readonly ScoredRecord[],
  summary: Pick<RunSummary, 'proxies' | 'rank'>,
  selected: ReadonlySet<string>,
): TopLevelSpec {
  const score = rankScores(scored, summary.proxies, summary.rank);
  const values = scored
    .filter((r) => score.get(r.arch) !== null)
    .map((r) => ({
      score: score.get(r.arch)!,
      group: selected.has(r.arch) ? 'short-trained (top k)' : 'scored only',
    }));
  const chosen = values.filter((v) => v.group !== 'scored only').map((v) => v.score);
  const cutoff = chosen.length > 0 ? [{ score: Math.min(...chosen), label: 'top-k cutoff' }] : [];
  const unscored = summary.proxies
    .map((p) => ({
      name: p.name,
      n: scored.filter((r) => !Number.isFinite(r.scores[p.name] ?? Number.NaN)).length,
    }))
    .map((u) => `${u.name}: ${u.n} without a finite score`)
    .join('; ');
  const proxy =
    summary.rank === 'combined' && summary.proxies.length > 1
      ? 'rank score (mean proxy quantile)'
      : `${summary.proxies[0]?.name} quantile`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${proxy} of ${scored.length} sampled architectures`,
      subtitle: unscored,
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
    ...(summary.baselines?.length
      ? [
          { phase: 'baselines', kind: 'planned', seconds: e.baselines ?? 0 },
          { phase: 'baselines', kind: 'measured', seconds: t.baselines },
        ]
      : []),
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
