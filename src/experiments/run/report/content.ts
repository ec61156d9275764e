/**
 * What a report says, independent of its format: the headline facts, the candidate table and the
 * timing table, as plain strings. The HTML and Markdown writers only lay these out.
 */
import type { RunSummary } from '../summary.js';

export interface Table {
  header: string[];
  rows: string[][];
  /** Index of a row to emphasize (the winner), if any. */
  highlight?: number;
}

export function headline(s: RunSummary): [string, string][] {
  const [c, h, w] = s.network.input_shape;
  const corr = s.proxy_correlation
    .map((p) => `${p.proxy}: ρ ${fmt(p.spearman, 3)}, τ ${fmt(p.kendall, 3)} (n = ${p.n})`)
    .join('; ');
  return [
    ['Winning architecture', s.arch],
    [
      'Test accuracy',
      `${s.test_accuracy.toFixed(2)}% on ${s.test_images} held-out test images (loss ${s.test_loss.toFixed(4)})`,
    ],
    [
      'Validation accuracy (short training)',
      `${s.val_accuracy.toFixed(2)}% on ${s.plan.val_images} images split off the training set`,
    ],
    ['Dataset', `${s.dataset} (${s.train_images} train / ${s.test_images} test; ${s.data_source})`],
    [
      'Network',
      `${s.space}: channels ${s.network.channels}, cells ${s.network.cells_per_stage} (the space's width and depth), ` +
        `input ${c}×${h}×${w}, ${s.network.classes} classes, ${s.params.toLocaleString('en-US')} parameters`,
    ],
    [
      'Search',
      `${s.samples_scored} distinct architectures scored by ${s.proxies.map((p) => p.name).join(', ')} ` +
        `(ranked by ${s.rank === 'combined' && s.proxies.length > 1 ? 'their mean quantile' : `${s.proxies[0]?.name} alone`}); top ${s.candidates.length} short-trained on ${s.deadline?.sizes.short_images ?? s.plan.short_images} images for ${s.plan.short_epochs} epoch${s.plan.short_epochs > 1 ? 's' : ''}`,
    ],
    ['Proxy vs accuracy (over the short-trained candidates)', corr || 'n/a'],
    ...(s.baselines?.length
      ? ([['Compared with baselines (trained and tested like the winner)', baselineText(s)]] as [
          string,
          string,
        ][])
      : []),
    [
      'Final training',
      `${s.final.epochs} epoch${s.final.epochs > 1 ? 's' : ''} on ${s.final.images} images (${s.final.train_on})`,
    ],
    [
      'Budget',
      `${s.budget_minutes} min; ran ${s.elapsed_s.toFixed(0)} s in ${s.sessions} session${s.sessions > 1 ? 's' : ''}; seed ${s.seed}`,
    ],
    ['Deadline', deadlineText(s)],
    [
      'Files',
      `${s.onnx} (ONNX, max |Δ| vs naskit ${s.onnx_max_abs_diff.toExponential(1)}), ${s.checkpoint}, summary.json, results.jsonl`,
    ],
  ];
}

export function candidateTable(s: RunSummary): Table {
  const proxies = s.proxies.map((p) => p.name);
  return {
    header: [
      '#',
      'architecture',
      ...proxies.map((p) => `${p} score`),
      'rank score',
      'proxy rank',
      'val acc (%)',
      'params',
      'time (s)',
    ],
    rows: s.candidates.map((c, i) => [
      String(i + 1),
      c.arch,
      ...proxies.map((p) => score(c.scores[p] ?? null)),
      fmt(c.rank_score, 3),
      String(c.proxy_rank + 1),
      c.val_accuracy.toFixed(2),
      c.params.toLocaleString('en-US'),
      c.seconds.toFixed(1),
    ]),
    highlight: s.candidates.findIndex((c) => c.arch === s.arch),
  };
}

/** The winner against each baseline, with the proxy ranking's Spearman beside it: did the search help? */
export function baselineText(s: RunSummary): string {
  const rows = s.baselines.map(
    (b) =>
      `${b.name} ${b.arch}${b.same_as_winner ? ' (the winner itself)' : ''}: ${b.test_accuracy.toFixed(2)}% ` +
      `(winner ${b.winner_gain >= 0 ? '+' : ''}${b.winner_gain.toFixed(2)} points)`,
  );
  const rho = s.proxy_correlation.find((p) => p.proxy === 'rank score') ?? s.proxy_correlation[0];
  const proxy = rho
    ? `; proxy ranking vs validation accuracy: ${rho.proxy} ρ ${fmt(rho.spearman, 2)} (n = ${rho.n})`
    : '';
  return `winner ${s.test_accuracy.toFixed(2)}%; ${rows.join('; ')}${proxy}`;
}

/** One line on the deadline: met as planned, or what was shrunk to meet it. */
export function deadlineText(s: RunSummary): string {
  const d = s.deadline;
  // summary.json files written before the deadline existed have no such block.
  if (!d) return 'not tracked (run made before deadline checks existed)';
  const pace = d.factor === null ? '' : `; last measured pace ${d.factor.toFixed(2)}× the cost model`;
  const used = `${d.elapsed_s.toFixed(0)} s of ${d.budget_s.toFixed(0)} s`;
  return d.shrunk.length === 0
    ? `met without shrinking (${used}${pace})`
    : `shrunk to fit: ${d.shrunk.join('; ')} (${used})`;
}

export function timingTable(s: RunSummary): Table {
  const e = s.plan.estimate_s;
  const t = s.timings_s;
  if (s.deadline) {
    return {
      header: ['phase', 'planned (s)', 'measured (s)'],
      rows: [
        ...s.deadline.phases.map((p) => [p.phase, p.planned_s.toFixed(1), p.actual_s.toFixed(1)]),
        ['whole run', e.total.toFixed(1), s.elapsed_s.toFixed(1)],
      ],
    };
  }
  return {
    header: ['phase', 'planned (s)', 'measured (s)'],
    rows: [
      ['proxy scoring', e.proxy.toFixed(1), t.proxy.toFixed(1)],
      ['short training', e.short.toFixed(1), t.short_train.toFixed(1)],
      ['final training', '', t.final_train.toFixed(1)],
      ['test evaluation', '', t.test.toFixed(1)],
      ['final training + test (planned together)', e.final.toFixed(1), (t.final_train + t.test).toFixed(1)],
      ['export + parity check', '', t.export.toFixed(1)],
      ['whole run (incl. data loading, report)', e.total.toFixed(1), s.elapsed_s.toFixed(1)],
    ],
  };
}

/** Integers as they are (e.g. a parameter count), other scores to 4 significant digits. */
function score(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

function fmt(x: number | null, digits: number): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
}
