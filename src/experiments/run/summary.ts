/**
 * `summary.json`: the answer of a run (winning architecture, test accuracy, exported files) with the
 * evidence behind it (candidates, proxy–accuracy correlation, plan against measured time). It is
 * computed from the results store only, so a resumed run summarizes all of its sessions.
 */
import { kendall, spearman } from '../../stats/correlation.js';
import type { LoadedDataset } from '../../data/catalog.js';
import type { FinalEpochRecord, FinalEvalRecord } from './final-phase.js';
import type { ResolvedRun } from './layout.js';
import { RUN_FILES } from './layout.js';
import type { ModelDescription } from './model-file.js';
import type { CurvePoint } from './loss-curve.js';
import type { RunPlan } from './plan.js';
import type { ArchScorer, ScoredRecord } from './search-phase.js';
import { rankScores, type RankMode } from './ranking.js';

/** Name of the rank score in proxy_correlation. */
export const RANK_SCORE = 'rank score';
import type { BaselineRecord } from './baselines.js';
import { shrinkLog, type DeadlineRecord, type RunClock, type RunSizes } from './deadline.js';
import type { ResultsStore, StoreRecord } from './store.js';
import type { CandidateRecord } from './train-phase.js';
import { pickWinner } from './train-phase.js';

export interface SessionRecord {
  type: 'session';
  pid: number;
  resumed: boolean;
  at: number;
}

export interface ExportedRecord {
  type: 'exported';
  onnx: string;
  checkpoint: string;
  onnx_bytes: number;
  onnx_max_abs_diff: number;
  seconds: number;
  at: number;
}

export interface RunSummary {
  run_id: string;
  run_dir: string;
  dataset: string;
  data_source: string;
  train_images: number;
  test_images: number;
  space: string;
  /** The network every candidate is built as: the space's skeleton at this width and depth, adapted to the input. */
  network: {
    channels: number;
    /** The config's `network.cells` (the name is NB201's, where it counts cells per stage). */
    cells_per_stage: number;
    input_shape: [number, number, number];
    classes: number;
  };
  seed: number;
  budget_minutes: number;
  plan: RunPlan;
  arch: string;
  params: number;
  test_accuracy: number;
  test_loss: number;
  val_accuracy: number;
  proxies: { name: string; direction: 'max' | 'min' }[];
  /** How the proxies' scores picked the top k (ranking.ts). */
  rank: RankMode;
  samples_scored: number;
  /** Rank correlation of each proxy with validation accuracy over the short-trained candidates. */
  proxy_correlation: { proxy: string; spearman: number | null; kendall: number | null; n: number }[];
  candidates: {
    arch: string;
    proxy_rank: number;
    scores: Record<string, number | null>;
    /** The score the top k were picked by (mean proxy quantile, or the first proxy's quantile). */
    rank_score: number | null;
    val_accuracy: number;
    params: number;
    seconds: number;
    /** Short-training loss (window means). */
    curve: CurvePoint[];
  }[];
  final: {
    epochs: number;
    images: number;
    train_on: string;
    history: Omit<FinalEpochRecord, 'type' | 'arch' | 'checkpoint' | 'at'>[];
  };
  /**
   * The winner against baselines trained and tested exactly like it (absent: --no-baselines), with the
   * proxy ranking's Spearman over the short-trained candidates beside it: did the search help?
   */
  baselines: {
    name: string;
    arch: string;
    same_as_winner: boolean;
    test_accuracy: number;
    test_loss: number;
    params: number;
    /** Winner's test accuracy minus this one's, percentage points. */
    winner_gain: number;
  }[];
  /** The budget as a deadline (deadline.ts): planned vs measured per phase and what was shrunk. */
  deadline: {
    budget_s: number;
    /** Run time as the run's clock counted it when the summary was written. */
    elapsed_s: number;
    /** The last measured time / cost-model time (null: the run made no deadline check). */
    factor: number | null;
    /** What was shrunk to meet the deadline, in the order it happened (empty: nothing). */
    shrunk: string[];
    /** Sizes in force at the end (the plan's when nothing was shrunk). */
    sizes: RunSizes;
    phases: { phase: string; planned_s: number; actual_s: number }[];
  };
  timings_s: {
    proxy: number;
    short_train: number;
    final_train: number;
    test: number;
    baselines: number;
    export: number;
  };
  sessions: number;
  elapsed_s: number;
  checkpoint: string;
  onnx: string;
  onnx_max_abs_diff: number;
  report: string;
}

export function buildSummary(
  dir: string,
  resolved: ResolvedRun,
  data: LoadedDataset,
  store: ResultsStore,
  scorers: readonly Pick<ArchScorer, 'name' | 'direction'>[],
  description: ModelDescription,
  clock?: RunClock,
): RunSummary {
  const scored = store.of<ScoredRecord>('scored');
  const candidates = store.of<CandidateRecord>('candidate');
  const winner = pickWinner(candidates);
  const epochs = store.of<FinalEpochRecord>('final_epoch').filter((r) => r.arch === winner.arch);
  const evaluation = store.of<FinalEvalRecord>('final_eval').find((r) => r.arch === winner.arch)!;
  const exported = store.of<ExportedRecord>('exported');
  const lastExport = exported[exported.length - 1]!;
  const scoreOf = new Map(scored.map((r) => [r.arch, r.scores]));
  const { config, plan } = resolved;
  const rankScore = rankScores(scored, scorers, config.search.rank);
  const accuracy = candidates.map((c) => c.val_accuracy);
  const correlate = (proxy: string, xs: number[]): RunSummary['proxy_correlation'][number] => {
    // Over the architectures both sides have a finite value for (one a proxy could not score has no
    // place in "how well does the proxy rank"); no figure from fewer than three.
    const finite = { nonFinite: 'drop', minPairs: 3 } as const;
    const rho = spearman(xs, accuracy, finite);
    const tau = kendall(xs, accuracy, finite);
    return {
      proxy,
      spearman: Number.isFinite(rho) ? rho : null,
      kendall: Number.isFinite(tau) ? tau : null,
      n: xs.filter(Number.isFinite).length,
    };
  };
  const proxyCorrelation = scorers.map((s) =>
    correlate(
      s.name,
      candidates.map((c) => (s.direction === 'max' ? 1 : -1) * (scoreOf.get(c.arch)?.[s.name] ?? Number.NaN)),
    ),
  );
  if (scorers.length > 1 && config.search.rank === 'combined') {
    proxyCorrelation.push(
      correlate(
        RANK_SCORE,
        candidates.map((c) => rankScore.get(c.arch) ?? Number.NaN),
      ),
    );
  }
  const baselines = store.of<BaselineRecord>('baseline');
  const checks = store.of<DeadlineRecord>('deadline');
  const timings = {
    proxy: round2(scored.reduce((s, r) => s + r.ms, 0) / 1000),
    short_train: round2(candidates.reduce((s, r) => s + r.seconds, 0)),
    final_train: round2(epochs.reduce((s, r) => s + r.seconds, 0)),
    test: round2(evaluation.seconds),
    baselines: round2(baselines.reduce((s, r) => s + (r.same_as_winner ? 0 : r.seconds), 0)),
    export: round2(lastExport.seconds),
  };
  const elapsed = round2(elapsedSeconds(store.records));
  const e = plan.estimate_s;
  const phases = [
    { phase: 'proxy scoring', planned_s: e.proxy, actual_s: timings.proxy },
    { phase: 'short training', planned_s: e.short, actual_s: timings.short_train },
    {
      phase: 'final training + test',
      planned_s: e.final,
      actual_s: round2(timings.final_train + timings.test),
    },
    { phase: 'baselines', planned_s: e.baselines ?? 0, actual_s: timings.baselines },
  ];
  const inPhases = phases.reduce((s, p) => s + p.actual_s, 0);
  phases.push({
    phase: 'other (data, proxy compilation, export, report)',
    planned_s: e.fixed,
    actual_s: round2(Math.max(elapsed - inPhases, 0)),
  });
  return {
    run_id: resolved.run_id,
    run_dir: dir,
    dataset: data.name,
    data_source: data.source,
    train_images: data.train.n,
    test_images: data.test.n,
    space: config.space,
    network: {
      channels: description.channels,
      cells_per_stage: description.cells,
      input_shape: description.input_shape,
      classes: description.classes,
    },
    seed: config.seed,
    budget_minutes: config.budget_minutes,
    plan,
    arch: winner.arch,
    params: winner.params,
    test_accuracy: evaluation.test_accuracy,
    test_loss: evaluation.test_loss,
    val_accuracy: winner.val_accuracy,
    proxies: scorers.map((s) => ({ name: s.name, direction: s.direction })),
    rank: config.search.rank,
    samples_scored: scored.length,
    proxy_correlation: proxyCorrelation,
    candidates: [...candidates]
      .sort((a, b) => b.val_accuracy - a.val_accuracy || a.proxy_rank - b.proxy_rank)
      .map((c) => ({
        arch: c.arch,
        proxy_rank: c.proxy_rank,
        scores: scoreOf.get(c.arch) ?? {},
        rank_score: rankScore.get(c.arch) ?? null,
        val_accuracy: c.val_accuracy,
        params: c.params,
        seconds: c.seconds,
        curve: c.curve,
      })),
    final: {
      epochs: epochs.at(-1)?.completed ?? plan.final_epochs,
      images: checks.at(-1)?.sizes.final_images ?? plan.final_images,
      train_on: config.final.train_on,
      history: epochs.map(({ epoch, loss, accuracy, seconds, lr, completed, curve }) => ({
        epoch,
        loss,
        accuracy,
        seconds,
        lr,
        completed,
        curve,
      })),
    },
    baselines: baselines.map((b) => ({
      name: b.name,
      arch: b.arch,
      same_as_winner: b.same_as_winner,
      test_accuracy: b.test_accuracy,
      test_loss: b.test_loss,
      params: b.params,
      winner_gain: round2(evaluation.test_accuracy - b.test_accuracy),
    })),
    deadline: {
      budget_s: config.budget_minutes * 60,
      elapsed_s: round2(clock?.elapsedS() ?? elapsed),
      factor: checks.at(-1)?.factor ?? null,
      shrunk: shrinkLog(store.records),
      sizes: checks.at(-1)?.sizes ?? {
        top_k: plan.top_k,
        short_images: plan.short_images,
        final_epochs: plan.final_epochs,
        final_images: plan.final_images,
        baselines: plan.baselines ?? 0,
      },
      phases,
    },
    timings_s: timings,
    sessions: store.of<SessionRecord>('session').length,
    elapsed_s: elapsed,
    checkpoint: RUN_FILES.model,
    onnx: RUN_FILES.onnx,
    onnx_max_abs_diff: lastExport.onnx_max_abs_diff,
    report: RUN_FILES.reportHtml,
  };
}

/**
 * Wall time the run was actually running: per session, from its start to its last record (the
 * current session runs to now). Time between an interruption and the resume is not counted.
 */
export function elapsedSeconds(records: readonly StoreRecord[], now = Date.now()): number {
  let total = 0;
  let start: number | null = null;
  let last = 0;
  for (const r of records as readonly (StoreRecord & { at?: number })[]) {
    if (r.type === 'session') {
      if (start !== null) total += last - start;
      start = r.at ?? null;
      last = start ?? 0;
    } else if (typeof r.at === 'number') last = r.at;
  }
  if (start !== null) total += Math.max(now, last) - start;
  return total / 1000;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
