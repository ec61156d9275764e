/**
 * Less-local DARTS: global schemes over (α, w) that keep the DARTS problem unchanged (same relaxation,
 * same bilevel objective) and change only how it is optimized — where it starts, how many starts are
 * explored, and which one is kept — judging every start by the DARTS upper-level objective J (the
 * relaxed supernet's validation loss). Nothing here reads test data or a benchmark table.
 *
 * The paper's own scheme is not public; this is the reconstruction of the spec (§4, "R"):
 * R1 successive halving over K starts with diverse α scales and weight seeds, and R2 optional basin
 * hopping on the survivor (perturb α, train T epochs, keep if J improves; Metropolis acceptance with
 * an annealed temperature as a variant). Beside it, plain random restarts (spec §4 (a)): the same
 * diverse starts, each trained to the end, the lowest final J kept — the control that shows whether
 * the halving adds anything over restarts. A scheme talks to its starts only through `GlobalContext`,
 * so the paper's scheme can be added beside it when it is known.
 */
import { pairedStandardError } from '../../stats/noise.js';
import type { Rng } from '../../util/rng.js';

/** One (α, w) start: trained by DARTS updates, judged by J. */
export interface Start {
  readonly index: number;
  readonly alphaScale: number;
  /** Epochs trained so far. */
  epoch(): number;
  /** Continue DARTS training up to epoch `end` (exclusive). */
  trainTo(end: number): Promise<void>;
  /** J at the current state. */
  objective(): Promise<number>;
  /** Per-image losses behind the last `objective()` (for the noise of gaps between starts), if known. */
  objectiveLosses?(): ArrayLike<number> | undefined;
  /** Keep the current state / go back to it (basin hopping). */
  save(): unknown;
  restore(state: unknown): void;
  /** Add N(0, std²) to α. */
  perturb(std: number, rng: Rng): void;
  /** Persist the state as the start's checkpoint. */
  checkpoint(): void;
}

export interface GlobalContext {
  /** Create (or resume) start `index` with its α scale. */
  start(index: number, alphaScale: number): Promise<Start>;
  /** Epochs of the full schedule (the cosine schedule spans them). */
  epochs: number;
  rng: Rng;
  /** Persisted decisions (J at rungs, hop outcomes), so a resumed scheme takes the same path. */
  memo: Map<string, number>;
  saveMemo(): void;
  log(message: string): void;
}

export interface GlobalResult {
  best: Start;
  J: number;
  /** Supernet-epochs spent, all starts and hop attempts included. */
  compute: number;
  trace: string[];
}

export interface GlobalScheme {
  readonly name: string;
  run(ctx: GlobalContext): Promise<GlobalResult>;
}

export interface HalvingSettings {
  starts: number;
  eta: number;
  /** α scales, cycled over the starts (start 0 keeps DARTS' 1e-3). */
  alphaScales: readonly number[];
  /** Rungs as fractions of the schedule (the spec's 6, 12, 25, 50 of 50 epochs). */
  rungs: readonly number[];
  /** Basin-hopping attempts on the survivor after the last halving (0 = R1 only). */
  hops: number;
  hopEpochs: number;
  hopStd: number;
  /** Metropolis acceptance exp(−ΔJ/τ) with τ annealed linearly from this to 0 (0 = accept only improvements). */
  temperature: number;
}

export const DEFAULT_HALVING: HalvingSettings = {
  starts: 4,
  eta: 2,
  alphaScales: [1e-3, 0.5, 1, 2],
  rungs: [0.12, 0.24, 0.5, 1],
  hops: 0,
  hopEpochs: 5,
  hopStd: 0.5,
  temperature: 0,
};

/** Rung epochs of a schedule: distinct, increasing, the last at its end. */
export function rungEpochs(fractions: readonly number[], epochs: number): number[] {
  const out: number[] = [];
  for (const f of fractions) {
    const e = Math.min(epochs, Math.max(1, Math.round(f * epochs)));
    if (out.length === 0 || e > out[out.length - 1]!) out.push(e);
  }
  if (out[out.length - 1] !== epochs) out.push(epochs);
  return out;
}

/** The global schemes `--scheme` chooses from. */
export const GLOBAL_SCHEMES = ['halving', 'restarts'] as const;
export type GlobalSchemeName = (typeof GLOBAL_SCHEMES)[number];

export function globalScheme(name: GlobalSchemeName, settings: HalvingSettings): GlobalScheme {
  return name === 'restarts' ? randomRestarts(settings) : successiveHalving(settings);
}

/**
 * Random restarts: every start (diverse α scales, own weight seeds) trained through the whole
 * schedule and judged once, by its final J — successive halving with its only rung at the end.
 */
export function randomRestarts(settings: Pick<HalvingSettings, 'starts' | 'alphaScales'>): GlobalScheme {
  const halving = successiveHalving({ ...DEFAULT_HALVING, ...settings, rungs: [1], hops: 0 });
  return { name: 'restarts', run: (ctx) => halving.run(ctx) };
}

export function successiveHalving(settings: HalvingSettings): GlobalScheme {
  return {
    name: settings.hops > 0 ? 'halving+hopping' : 'halving',
    async run(ctx) {
      const trace: string[] = [];
      const note = (m: string): void => {
        trace.push(m);
        ctx.log(m);
      };
      const all: Start[] = [];
      for (let k = 0; k < settings.starts; k++) {
        all.push(await ctx.start(k, settings.alphaScales[k % settings.alphaScales.length]!));
      }
      let survivors = all;
      const rungs = rungEpochs(settings.rungs, ctx.epochs);
      // Hops take the schedule's last hops × hopEpochs epochs (at most half of it): the halving ends there.
      const hopEpochs =
        settings.hops > 0
          ? Math.max(1, Math.min(settings.hopEpochs, Math.floor(ctx.epochs / 2 / settings.hops)))
          : 0;
      const lastRung = Math.max(1, ctx.epochs - hopEpochs * settings.hops);
      const plan = rungs.map((r) => Math.min(r, lastRung)).filter((r, i, a) => i === 0 || r > a[i - 1]!);
      let scores = new Map<Start, number>();
      for (let i = 0; i < plan.length; i++) {
        const rung = plan[i]!;
        scores = new Map();
        const losses = new Map<Start, ArrayLike<number>>();
        for (const s of survivors) {
          await s.trainTo(rung);
          const key = `J/${s.index}/${rung}`;
          let J = ctx.memo.get(key);
          if (J === undefined) {
            J = await s.objective();
            const l = s.objectiveLosses?.();
            if (l) losses.set(s, l);
            ctx.memo.set(key, J);
            ctx.saveMemo();
          }
          scores.set(s, J);
        }
        const ranked = [...survivors].sort((a, b) => scores.get(a)! - scores.get(b)! || a.index - b.index);
        note(
          `rung epoch ${rung}: ${ranked.map((s) => `start ${s.index} (α scale ${s.alphaScale}) J ${scores.get(s)!.toFixed(4)}`).join(', ')}` +
            gapNoise(ranked, scores, losses),
        );
        if (i < plan.length - 1)
          survivors = ranked.slice(0, Math.max(1, Math.ceil(ranked.length / settings.eta)));
        else survivors = ranked.slice(0, 1);
      }
      const best = survivors[0]!;
      let J = scores.get(best)!;
      // Hops already decided in an earlier (interrupted) run are not taken again.
      const done = ctx.memo.get('hops/done') ?? 0;
      if (done > 0) J = ctx.memo.get('hops/J')!;
      for (let h = done; h < settings.hops; h++) {
        const end = Math.min(ctx.epochs, best.epoch() + hopEpochs);
        if (end <= best.epoch()) break;
        const before = best.save();
        const start = best.epoch();
        best.perturb(settings.hopStd, ctx.rng.fork(`hop/${h}`));
        await best.trainTo(end);
        const candidate = await best.objective();
        const tau = settings.temperature * (1 - h / settings.hops);
        const accept =
          candidate < J || (tau > 0 && ctx.rng.fork(`accept/${h}`).next() < Math.exp(-(candidate - J) / tau));
        note(
          `hop ${h + 1}: J ${candidate.toFixed(4)} vs ${J.toFixed(4)} → ${accept ? 'accepted' : 'rejected'}`,
        );
        if (accept) J = candidate;
        else {
          best.restore(before);
          ctx.memo.set('hops/wasted', (ctx.memo.get('hops/wasted') ?? 0) + (end - start));
        }
        best.checkpoint();
        ctx.memo.set('hops/done', h + 1);
        ctx.memo.set('hops/J', J);
        ctx.saveMemo();
      }
      // A rejected last hop leaves the survivor before the schedule's end: finish it.
      if (best.epoch() < ctx.epochs) {
        await best.trainTo(ctx.epochs);
        J = await best.objective();
      }
      // Every epoch any start trained, rejected hops included (the same figure after a resume).
      const compute = all.reduce((sum, s) => sum + s.epoch(), 0) + (ctx.memo.get('hops/wasted') ?? 0);
      return { best, J, compute, trace };
    },
  };
}

/** The gap between the two best starts at a rung and its paired standard error (same images). */
function gapNoise(
  ranked: readonly Start[],
  scores: ReadonlyMap<Start, number>,
  losses: ReadonlyMap<Start, ArrayLike<number>>,
): string {
  const [a, b] = ranked;
  if (!a || !b) return '';
  const la = losses.get(a);
  const lb = losses.get(b);
  if (!la || !lb || la.length !== lb.length) return '';
  const gap = scores.get(b)! - scores.get(a)!;
  return `; gap ${gap.toFixed(4)} ± ${pairedStandardError(lb, la).toFixed(4)} (paired SE)`;
}
