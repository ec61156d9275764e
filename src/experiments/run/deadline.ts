/**
 * The budget as a deadline. The plan (plan.ts) is made from the cost model before anything runs; at
 * fixed points of the run (after proxy scoring, after each short-trained candidate, before the final
 * training, after each of its epochs, before each baseline) the run compares the time it has used with
 * what the cost model planned for the work done so far (the measured factor), projects the rest at that
 * factor, and when the projection passes the budget shrinks what remains, in this order: fewer
 * short-trained candidates (never below 2), fewer final epochs, a smaller final training subset, fewer
 * short-training images (only before the first candidate, so candidates stay comparable), and last
 * fewer baselines.
 *
 * Every check is a `deadline` record in the store, written before the run acts on it; a resumed run
 * replays the records of the points it already passed instead of deciding again, so it agrees with the
 * uninterrupted run on everything decided. Time is read through a RunClock, which tests scale to make
 * the run believe it is k× slower without being slower.
 */
import type { RunPlan, PlanRates } from './plan.js';
import type { ResultsStore, StoreRecord } from './store.js';

/** The sizes the deadline may shrink. */
export interface RunSizes {
  top_k: number;
  short_images: number;
  final_epochs: number;
  final_images: number;
  baselines: number;
}

export interface DeadlineRecord {
  type: 'deadline';
  /** The check point, e.g. 'after-proxy', 'candidate-3', 'before-final', 'final-epoch-2', 'baseline-1'. */
  point: string;
  /** Run time used so far (as the run's clock measured it), s. */
  elapsed_s: number;
  /** Measured time / cost-model time for the work done so far. */
  factor: number;
  /** Projected run time at this factor with the sizes before the decision, s. */
  projected_s: number;
  budget_s: number;
  /** What was done when the check was made. */
  progress: RunProgress;
  /** Sizes in force from this point on. */
  sizes: RunSizes;
  /** A decision within the final training: the new final_epochs applies from this epoch on. */
  from_epoch?: number;
  /** What was shrunk here, for people ('short-trained candidates 8 → 5', …); empty when all fits. */
  shrunk: string[];
  at: number;
}

/** How far the run has got: what the projection counts as done. */
export interface RunProgress {
  scored: boolean;
  candidates: number;
  /** Epochs of the winner's final training completed; null before it started. */
  final_epochs: number | null;
  final_tested: boolean;
  /** Baselines completely trained and tested. */
  baselines: number;
}

/** Seconds the run believes it has used: wall time, times `scale` in tests (RunIo.timeScale). */
export interface RunClock {
  elapsedS(): number;
}

export function runClock(priorS: number, sessionStart: number, scale = 1): RunClock {
  return { elapsedS: () => priorS + (scale * (Date.now() - sessionStart)) / 1000 };
}

/** The check point before the winner's final training. */
export const BEFORE_FINAL = 'before-final';

/** Share of cost.fixed_s kept for the end of the run: export, parity check, summary, reports. */
export const TAIL_SHARE = 0.5;

interface Shape {
  samples: number;
  short_epochs: number;
  val_images: number;
  test_images: number;
  short_batch: number;
  final_batch: number;
}

/** Cost-model seconds of the pieces of work (factor 1). */
function unitCosts(r: PlanRates, shape: Shape, s: RunSizes) {
  const candidate =
    r.compile_s +
    (shape.short_epochs * s.short_images * r.train_ms_per_image + shape.val_images * r.eval_ms_per_image) /
      1000;
  const epoch = (s.final_images * r.train_ms_per_image) / 1000;
  const test = r.compile_s + (shape.test_images * r.eval_ms_per_image) / 1000;
  const training = r.compile_s + s.final_epochs * epoch + test;
  return {
    candidate,
    epoch,
    test,
    training,
    head: r.fixed_s * (1 - TAIL_SHARE),
    tail: r.fixed_s * TAIL_SHARE,
  };
}

/** Cost-model seconds of the work already done. */
export function plannedDone(r: PlanRates, shape: Shape, s: RunSizes, p: RunProgress): number {
  const u = unitCosts(r, shape, s);
  return (
    u.head +
    (p.scored ? (shape.samples * r.proxy_ms_per_arch) / 1000 : 0) +
    p.candidates * u.candidate +
    (p.final_epochs !== null ? r.compile_s + p.final_epochs * u.epoch : 0) +
    (p.final_tested ? u.test : 0) +
    p.baselines * u.training
  );
}

/** Cost-model seconds of the work left with these sizes. */
export function plannedRest(r: PlanRates, shape: Shape, s: RunSizes, p: RunProgress): number {
  const u = unitCosts(r, shape, s);
  const winner =
    p.final_epochs === null
      ? u.training
      : Math.max(s.final_epochs - p.final_epochs, 0) * u.epoch + (p.final_tested ? 0 : u.test);
  return (
    (p.scored ? 0 : (shape.samples * r.proxy_ms_per_arch) / 1000) +
    Math.max(s.top_k - p.candidates, 0) * u.candidate +
    winner +
    Math.max(s.baselines - p.baselines, 0) * u.training +
    u.tail
  );
}

/**
 * The largest sizes, shrunk in the stated order, whose projection fits the budget (or the smallest
 * allowed when nothing fits: the run then ends late rather than without an answer). Pure.
 */
export function shrinkToFit(
  r: PlanRates,
  shape: Shape,
  sizes: RunSizes,
  p: RunProgress,
  elapsedS: number,
  factor: number,
  budgetS: number,
): { sizes: RunSizes; shrunk: string[] } {
  const fits = (s: RunSizes): boolean => elapsedS + factor * plannedRest(r, shape, s, p) <= budgetS;
  const s = { ...sizes };
  const shrunk: string[] = [];
  const lower = (key: keyof RunSizes, min: number, label: string, step = 1): void => {
    if (fits(s) || s[key] <= min) return;
    const from = s[key];
    // Largest value in [min, from] (a multiple of `step` above min) that fits; min when none does.
    let lo = min;
    let hi = from;
    while (hi - lo > step) {
      const mid = Math.max(lo, Math.floor((lo + hi) / 2 / step) * step);
      if (mid <= lo) break;
      if (fits({ ...s, [key]: mid })) lo = mid;
      else hi = mid;
    }
    s[key] = fits({ ...s, [key]: hi }) && hi < from ? hi : lo;
    if (s[key] < from) shrunk.push(`${label} ${from} → ${s[key]}`);
  };
  const shortOpen = p.candidates < s.top_k;
  if (shortOpen) lower('top_k', Math.max(Math.min(2, s.top_k), p.candidates), 'short-trained candidates');
  // Baselines follow the winner's schedule, so its epochs are only changed while it trains.
  if (!p.final_tested) lower('final_epochs', Math.max(1, p.final_epochs ?? 0), 'final epochs');
  if (p.final_epochs === null)
    lower(
      'final_images',
      Math.min(shape.final_batch, s.final_images),
      'final training images',
      shape.final_batch,
    );
  if (p.candidates === 0)
    lower(
      'short_images',
      Math.min(shape.short_batch, s.short_images),
      'short-training images',
      shape.short_batch,
    );
  lower('baselines', p.baselines, 'baselines');
  return { sizes: s, shrunk };
}

/** The deadline checks of one run session (see the top of this file). */
export class Deadline {
  private readonly shape: Shape;
  private readonly budgetS: number;

  constructor(
    private readonly plan: RunPlan,
    shape: Omit<Shape, 'samples' | 'short_epochs' | 'val_images'>,
    budgetMinutes: number,
    private readonly store: ResultsStore,
    private readonly clock: RunClock,
  ) {
    this.shape = {
      ...shape,
      samples: plan.samples,
      short_epochs: plan.short_epochs,
      val_images: plan.val_images,
    };
    this.budgetS = budgetMinutes * 60;
  }

  private records(): DeadlineRecord[] {
    return this.store.of<DeadlineRecord>('deadline');
  }

  /** The sizes in force: the plan's, as the last recorded decision left them. */
  sizes(): RunSizes {
    const last = this.records().at(-1);
    if (last) return last.sizes;
    const p = this.plan;
    return {
      top_k: p.top_k,
      short_images: p.short_images,
      final_epochs: p.final_epochs,
      final_images: p.final_images,
      baselines: p.baselines ?? 0,
    };
  }

  /**
   * The final epochs in force once `completed` epochs are done: the value the final training started
   * with, changed by the decisions taken during it. The baselines replay the winner's decisions.
   */
  finalEpochsAt(completed: number): number {
    const records = this.records();
    let epochs = records.find((r) => r.point === BEFORE_FINAL)?.sizes.final_epochs ?? this.plan.final_epochs;
    for (const r of records) {
      if (r.from_epoch !== undefined && r.from_epoch <= completed) epochs = r.sizes.final_epochs;
    }
    return epochs;
  }

  /**
   * finalEpochsAt as a schedule of [from_epoch, epochs] pairs (what a final training on a worker
   * replays): the count the winner's final training started with, then each change decided during it.
   */
  finalSchedule(): [fromEpoch: number, epochs: number][] {
    const records = this.records();
    const start = records.find((r) => r.point === BEFORE_FINAL)?.sizes.final_epochs ?? this.plan.final_epochs;
    const schedule: [number, number][] = [[0, start]];
    for (const r of records)
      if (r.from_epoch !== undefined) schedule.push([r.from_epoch, r.sizes.final_epochs]);
    return schedule;
  }

  /**
   * Check at `point`: replay its record if this run already decided there, else measure, decide, record
   * (before acting) and return the sizes in force from here on.
   */
  check(point: string, progress: RunProgress, fromEpoch?: number): RunSizes {
    const recorded = this.records().find((r) => r.point === point);
    if (recorded) return recorded.sizes;
    const rates = this.plan.rates;
    if (!rates) return this.sizes(); // a run planned before deadlines existed
    const sizes = this.sizes();
    const elapsed = this.clock.elapsedS();
    const factor = elapsed / Math.max(plannedDone(rates, this.shape, sizes, progress), 1e-9);
    const projected = elapsed + factor * plannedRest(rates, this.shape, sizes, progress);
    const decided = shrinkToFit(rates, this.shape, sizes, progress, elapsed, factor, this.budgetS);
    const record: DeadlineRecord = {
      type: 'deadline',
      point,
      elapsed_s: round2(elapsed),
      factor: round2(factor),
      projected_s: round2(projected),
      budget_s: this.budgetS,
      progress,
      sizes: decided.sizes,
      ...(fromEpoch !== undefined && decided.sizes.final_epochs !== sizes.final_epochs
        ? { from_epoch: fromEpoch }
        : {}),
      shrunk: decided.shrunk,
      at: Date.now(),
    };
    this.store.append(record);
    return decided.sizes;
  }
}

/** What the deadline shrank over the whole run, for people: 'short-trained candidates 8 → 5 (after-proxy, 3.02× the cost model)'. */
export function shrinkLog(records: readonly StoreRecord[]): string[] {
  return (records.filter((r) => r.type === 'deadline') as DeadlineRecord[]).flatMap((r) =>
    r.shrunk.map((s) => `${s} (at ${r.point}, ${r.factor.toFixed(2)}× the cost model)`),
  );
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
