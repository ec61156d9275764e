/**
 * Test-time adaptation chosen by cross-validation on the k support architectures only. Candidates:
 * from the method's own (meta-learned) start and from the pooled start, no weight steps (the zero-shot
 * / context-only prediction), the method's default adaptation and a grid of steps × rates; and the
 * ensemble of both starts at the same steps and rate. Each candidate is trained on k − k/F shots and
 * predicts the remaining k/F, over F folds; the out-of-fold predictions of all k shots, each fold
 * model's standardized over its scores of the k support architectures, are ranked against the support
 * targets (Spearman). With R repeats the folds are drawn R times and the R Spearman values averaged
 * (less noise from which shots share a fold, at R times the cost). The best candidate (first in a fixed
 * order on ties, simplest first) is then adapted on all k shots; `only` narrows the candidates. Nothing
 * here reads a target outside the support: callers pass targets that are NaN elsewhere, and a NaN that
 * reached a loss would fail loudly.
 */
import type { ParamStore } from '../runtime/params.js';
import { spearman } from '../stats/correlation.js';
import { NaskitError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { EncodedSet } from './encoding.js';
import { predictRaw } from './engine.js';
import { type AdaptConfig, adaptSnapshots } from './meta.js';
import type { ModelDef } from './models.js';

export const CV_STARTS = ['own', 'pooled', 'ensemble'] as const;
export type CvStart = (typeof CV_STARTS)[number];

export interface CvConfig {
  /** Folds F (at most k). */
  folds: number;
  /** Independent fold draws R whose out-of-fold Spearman values are averaged (1 = plain k-fold). */
  repeats: number;
  /** Below this many shots there is nothing to cross-validate: the method's default adaptation. */
  minShots: number;
  /** Weight-step counts of the grid (0 and the defaults are always candidates). */
  steps: readonly number[];
  /** Adam rates of the grid. */
  lrs: readonly number[];
  /** Which starts compete: the method's own, the pooled one, and their ensemble. */
  starts: readonly CvStart[];
  /**
   * Only these candidates compete (labels as `cvCandidates` makes them; `own:default` and
   * `pooled:default` name a start's default adaptation); absent: the whole grid. Fewer candidates
   * mean less of the noise of picking the best of many out-of-fold scores measured on k shots.
   */
  only?: readonly string[];
}

/** An initialization and how a method adapts from it by default. */
export interface CvStartSpec {
  /** Names the start in memo keys and random streams ('maml', 'reptile', 'pooled'). */
  name: string;
  init: ParamStore;
  adapt: AdaptConfig;
}

export interface CvCandidate {
  start: CvStart;
  steps: number;
  lr: number;
  /** e.g. 'own:0', 'pooled:100@0.003', 'ensemble:30@0.001'. */
  label: string;
}

export interface CvChoice {
  candidate: CvCandidate;
  /** Out-of-fold Spearman of every candidate (NaN when CV was skipped). */
  scores: ReadonlyMap<string, number>;
}

export function checkCvConfig(c: CvConfig): void {
  if (!Number.isInteger(c.folds) || c.folds < 2)
    throw new NaskitError('invalid_config', `CV adaptation: folds must be an integer >= 2, got ${c.folds}`);
  if (!Number.isInteger(c.repeats) || c.repeats < 1)
    throw new NaskitError(
      'invalid_config',
      `CV adaptation: repeats must be an integer >= 1, got ${c.repeats}`,
    );
  if (!Number.isInteger(c.minShots) || c.minShots < c.folds) {
    throw new NaskitError(
      'invalid_config',
      `CV adaptation: minShots must be an integer >= folds (${c.folds}), got ${c.minShots}`,
    );
  }
  for (const s of c.steps) {
    if (!Number.isInteger(s) || s < 1)
      throw new NaskitError('invalid_config', `CV adaptation: grid steps must be integers >= 1, got ${s}`);
  }
  for (const lr of c.lrs) {
    if (!(lr > 0)) throw new NaskitError('invalid_config', `CV adaptation: rates must be > 0, got ${lr}`);
  }
  if (c.starts.length === 0 || c.starts.some((s) => !(CV_STARTS as readonly string[]).includes(s))) {
    throw new NaskitError(
      'invalid_config',
      `CV adaptation: starts must be a non-empty subset of ${CV_STARTS.join(', ')}, got ${c.starts.join(', ') || 'none'}`,
    );
  }
}

function label(start: CvStart, steps: number, lr: number): string {
  return steps === 0 ? `${start}:0` : `${start}:${steps}@${lr}`;
}

/**
 * Candidates in the tie-break order: own, pooled, ensemble; each 0 steps, default, grid by steps then
 * rate; then `only` keeps those it names (an unknown name is refused, listing the grid).
 */
export function cvCandidates(c: CvConfig, own: AdaptConfig, pooled: AdaptConfig | undefined): CvCandidate[] {
  const all = gridCandidates(c, own, pooled);
  if (!c.only) return all;
  const alias = (start: 'own' | 'pooled', d: AdaptConfig | undefined): [string, string] => [
    `${start}:default`,
    d ? label(start, d.steps, d.lr) : '',
  ];
  const aliases = new Map([alias('own', own), alias('pooled', pooled)]);
  const wanted = new Set(c.only.map((l) => aliases.get(l) ?? l));
  const known = new Set(all.map((x) => x.label));
  for (const l of c.only) {
    if (!known.has(aliases.get(l) ?? l)) {
      throw new NaskitError(
        'invalid_config',
        `CV candidate '${l}' is not in the grid; choose among own:default, pooled:default, ${[...known].join(', ')}`,
      );
    }
  }
  return all.filter((x) => wanted.has(x.label));
}

function gridCandidates(c: CvConfig, own: AdaptConfig, pooled: AdaptConfig | undefined): CvCandidate[] {
  const points = (dflt: AdaptConfig | undefined): { steps: number; lr: number }[] => {
    const list = [{ steps: 0, lr: 0 }];
    if (dflt && dflt.steps > 0) list.push({ steps: dflt.steps, lr: dflt.lr });
    for (const steps of [...c.steps].sort((a, b) => a - b))
      for (const lr of [...c.lrs].sort((a, b) => a - b)) list.push({ steps, lr });
    const seen = new Set<string>();
    return list.filter((p) => {
      const key = label('own', p.steps, p.lr);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  const out: CvCandidate[] = [];
  const add = (start: CvStart, list: { steps: number; lr: number }[]) => {
    for (const p of list) out.push({ start, ...p, label: label(start, p.steps, p.lr) });
  };
  if (c.starts.includes('own')) add('own', points(own));
  if (pooled && c.starts.includes('pooled')) add('pooled', points(pooled));
  if (pooled && c.starts.includes('ensemble')) {
    const ownKeys = new Set(points(own).map((p) => label('own', p.steps, p.lr)));
    add(
      'ensemble',
      points(pooled).filter((p) => ownKeys.has(label('own', p.steps, p.lr))),
    );
  }
  return out;
}

function standardize(x: Float64Array, reference: Float64Array): Float64Array {
  let mean = 0;
  for (const v of reference) mean += v / reference.length;
  let variance = 0;
  for (const v of reference) variance += (v - mean) ** 2 / reference.length;
  const sd = Math.sqrt(variance) || 1;
  return x.map((v) => (v - mean) / sd);
}

/**
 * CV for one support draw: folds and per-start fold predictions are computed once and shared by every
 * method asking (MAML and Reptile share the pooled start's folds).
 */
export class ShotCv {
  /** Per repeat, the folds (indices into the support). */
  private readonly folds: number[][][];
  private readonly memo = new Map<string, Promise<Float64Array>>();
  /** Step counts some candidate needs, by `${start name}|${rate}` (one fold run serves them all). */
  private readonly plan = new Map<string, Set<number>>();
  private readonly truth: Float64Array;

  /**
   * `targets` is indexed like `set` and must be NaN outside `support` (the caller's guarantee that no
   * query label is read); `rng` draws the folds and the adaptation streams.
   */
  constructor(
    private readonly model: ModelDef,
    private readonly set: EncodedSet,
    private readonly support: readonly number[],
    private readonly targets: Float64Array,
    private readonly config: CvConfig,
    private readonly rng: Rng,
  ) {
    checkCvConfig(config);
    for (const r of support) {
      if (!Number.isFinite(targets[r]!)) {
        throw new NaskitError(
          'non_finite',
          `CV adaptation: support architecture ${r} has target ${targets[r]}`,
        );
      }
    }
    this.truth = Float64Array.from(support, (r) => targets[r]!);
    const f = Math.min(config.folds, support.length);
    // Repeat 0 keeps the streams of plain k-fold, so R = 1 gives what it gave before repeats existed.
    this.folds = Array.from({ length: config.repeats }, (_, r) => {
      const order = rng.fork(r === 0 ? 'folds' : `folds${r}`).shuffle(support.map((_, i) => i));
      const folds = Array.from({ length: f }, () => [] as number[]);
      order.forEach((i, j) => folds[j % f]!.push(i));
      return folds;
    });
  }

  /** Whether the support is large enough to cross-validate. */
  get active(): boolean {
    return this.support.length >= this.config.minShots;
  }

  /** The candidate with the best out-of-fold Spearman (the default adaptation of `own` when inactive). */
  async choose(own: CvStartSpec, pooled?: CvStartSpec): Promise<CvChoice> {
    if (!this.active) {
      const d = own.adapt;
      return {
        candidate: { start: 'own', steps: d.steps, lr: d.lr, label: 'own:default' },
        scores: new Map(),
      };
    }
    const candidates = cvCandidates(this.config, own.adapt, pooled?.adapt);
    for (const cand of candidates) {
      const specs = cand.start === 'own' ? [own] : cand.start === 'pooled' ? [pooled!] : [own, pooled!];
      for (const spec of specs) {
        const key = `${spec.name}|${cand.steps === 0 ? spec.adapt.lr : cand.lr}`;
        const steps = this.plan.get(key) ?? new Set<number>();
        steps.add(cand.steps);
        this.plan.set(key, steps);
      }
    }
    const scores = new Map<string, number>();
    let best: CvCandidate | undefined;
    let bestScore = -Infinity;
    for (const cand of candidates) {
      let score = 0;
      for (let r = 0; r < this.folds.length; r++) {
        const oof = await this.outOfFold(cand, own, pooled, r);
        const rho = spearman(oof, this.truth, { nonFinite: 'throw' });
        score += (Number.isNaN(rho) ? 0 : rho) / this.folds.length;
      }
      scores.set(cand.label, score);
      if (score > bestScore) {
        bestScore = score;
        best = cand;
      }
    }
    return { candidate: best!, scores };
  }

  /** Scores of `rows` by the chosen candidate adapted on the whole support. */
  async predict(
    choice: CvChoice,
    own: CvStartSpec,
    pooled: CvStartSpec | undefined,
    rows: readonly number[],
  ) {
    const c = choice.candidate;
    const all = [...this.support, ...rows];
    const k = this.support.length;
    const run = async (spec: CvStartSpec): Promise<Float64Array> => {
      const adapt =
        c.label === 'own:default' ? spec.adapt : { ...spec.adapt, steps: c.steps, lr: c.lr || spec.adapt.lr };
      const [params] = await adaptSnapshots(
        this.model,
        spec.init,
        this.set,
        this.support,
        this.targets,
        adapt,
        [adapt.steps],
        this.rng.fork(`${spec.name}/final/${adapt.lr}`),
      );
      const pred = await predictRaw(this.model, params!, this.set, all);
      return standardize(pred.subarray(k), pred.subarray(0, k));
    };
    if (c.start === 'own') return run(own);
    if (!pooled) throw new NaskitError('invalid_argument', `CV choice ${c.label} needs the pooled start`);
    if (c.start === 'pooled') return run(pooled);
    const [a, b] = [await run(own), await run(pooled)];
    return a.map((v, i) => v + b[i]!);
  }

  private async outOfFold(
    cand: CvCandidate,
    own: CvStartSpec,
    pooled: CvStartSpec | undefined,
    repeat: number,
  ): Promise<Float64Array> {
    if (cand.start === 'own') return this.startOutOfFold(own, cand.steps, cand.lr, repeat);
    const p = await this.startOutOfFold(pooled!, cand.steps, cand.lr, repeat);
    if (cand.start === 'pooled') return p;
    const o = await this.startOutOfFold(own, cand.steps, cand.lr, repeat);
    return o.map((v, i) => v + p[i]!);
  }

  /**
   * Out-of-fold predictions (index i = support[i]) of a start adapted with `steps` at `lr` over one
   * repeat's folds: every fold's model standardized over its scores of all k support architectures. One
   * adaptation run per (start, rate, repeat, fold) serves every step count of the grid.
   */
  private startOutOfFold(
    spec: CvStartSpec,
    steps: number,
    lr: number,
    repeat: number,
  ): Promise<Float64Array> {
    const rate = steps === 0 ? spec.adapt.lr : lr;
    const key = `${spec.name}|${steps}|${rate}|${repeat}`;
    let p = this.memo.get(key);
    if (!p) {
      p = this.runFolds(spec, rate, repeat).then((byStep) => {
        for (const [s, oof] of byStep) {
          const k = `${spec.name}|${s}|${rate}|${repeat}`;
          if (!this.memo.has(k)) this.memo.set(k, Promise.resolve(oof));
        }
        return byStep.get(steps)!;
      });
      this.memo.set(key, p);
    }
    return p;
  }

  private async runFolds(spec: CvStartSpec, lr: number, repeat: number): Promise<Map<number, Float64Array>> {
    // Only the step counts the candidates ask for at this rate (see choose()).
    const stepCounts = [...(this.plan.get(`${spec.name}|${lr}`) ?? [])];
    const k = this.support.length;
    const out = new Map(stepCounts.map((s) => [s, new Float64Array(k)]));
    const folds = this.folds[repeat]!;
    for (let f = 0; f < folds.length; f++) {
      const held = new Set(folds[f]);
      const train = this.support.filter((_, i) => !held.has(i));
      const snapshots = await adaptSnapshots(
        this.model,
        spec.init,
        this.set,
        train,
        this.targets,
        { ...spec.adapt, lr },
        stepCounts,
        this.rng.fork(`${spec.name}/fold${f}/${lr}${repeat === 0 ? '' : `/r${repeat}`}`),
      );
      for (let j = 0; j < stepCounts.length; j++) {
        const pred = await predictRaw(this.model, snapshots[j]!, this.set, this.support);
        const z = standardize(pred, pred);
        const oof = out.get(stepCounts[j]!)!;
        for (const i of folds[f]!) oof[i] = z[i]!;
      }
    }
    return out;
  }
}
