/**
 * BANANAS-style predictor-guided search (White et al. 2021): after `init` random queries, repeatedly fit
 * an ensemble of MLPs on the (encoding, validation) pairs seen so far, make candidates by mutating the
 * best architectures, score them with an acquisition function on the ensemble's mean and spread, and
 * query the `batch` best-scoring candidates.
 */
import type { EncodingKind, SearchSpace } from '../../spaces/space.js';
import { scaledRanks } from '../../stats/rank.js';
import { NaskitError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import {
  drawUnseen,
  numParam,
  strParam,
  type SearchContext,
  type StrategyDefinition,
  type StrategyParams,
} from '../strategy.js';
import { MlpEnsemble } from './ensemble.js';

export const bananas: StrategyDefinition = {
  name: 'bananas',
  aliases: ['predictor'],
  description:
    'BANANAS-style: MLP-ensemble predictor on path/one-hot encodings, Thompson-sampling or UCB acquisition, ' +
    'candidates from mutations of the best architectures',
  params: {
    init: {
      default: 10,
      description: 'random architectures queried before the predictor is used',
      min: 2,
      integer: true,
    },
    batch: { default: 10, description: 'architectures queried per predictor fit', min: 1, integer: true },
    candidates: { default: 100, description: 'candidates scored per iteration', min: 1, integer: true },
    parents: {
      default: 10,
      description: 'best architectures mutated to make candidates',
      min: 1,
      integer: true,
    },
    pool: {
      default: 'neighbors',
      description:
        "'neighbors': all one-change neighbors of the best parents first; 'mutations': random mutations",
      choices: ['neighbors', 'mutations'],
    },
    bootstrap: {
      default: 'off',
      description: "'on': each MLP trains on a bootstrap resample, for a wider ensemble spread",
      choices: ['on', 'off'],
    },
    greedy: {
      default: 0,
      description:
        "slots of each batch given to the incumbent's unseen neighbors with the best predicted mean",
      min: 0,
      integer: true,
    },
    randomCandidates: {
      default: 0,
      description:
        'extra candidates sampled uniformly from the space (NASLib mutation_random), for other basins',
      min: 0,
      integer: true,
    },
    mutations: {
      default: 1,
      description: 'a candidate is 1..mutations random mutations of a parent',
      min: 1,
      integer: true,
    },
    encoding: {
      default: 'path',
      description: 'architecture encoding fed to the MLPs',
      choices: ['path', 'onehot', 'adjacency'],
    },
    acquisition: {
      default: 'its',
      description: "'its': independent Thompson sampling; 'ucb': mean + beta * std",
      choices: ['its', 'ucb'],
    },
    beta: { default: 0.5, description: 'exploration weight of UCB', min: 0 },
    members: { default: 5, description: 'MLPs in the ensemble', min: 1, integer: true },
    width: { default: 32, description: 'hidden units per layer', min: 1, integer: true },
    layers: { default: 2, description: 'hidden layers', min: 1, integer: true },
    epochs: { default: 150, description: 'training epochs per fit', min: 1, integer: true },
    lr: { default: 0.01, description: 'Adam learning rate', min: 0 },
    weightDecay: { default: 0.0001, description: 'decoupled weight decay', min: 0 },
    target: {
      default: 'rank',
      description:
        "what the MLPs fit: 'rank' (rank of the validation metric, scaled to 0..1: the few poor outliers " +
        "do not squash the differences among the best) or 'value' (the standardized metric)",
      choices: ['value', 'rank'],
    },
  },
  create: (params: StrategyParams) => ({
    async run<A>(ctx: SearchContext<A>): Promise<void> {
      const { space, evaluator, rng } = ctx;
      const p = (name: string): number => numParam(params, name);
      const encoding = strParam(params, 'encoding') as EncodingKind;
      const encode = encoder(space, encoding);
      const dims = encode.length;
      const seen: { arch: A; val: number }[] = [];
      const query = async (arch: A): Promise<void> => {
        seen.push({ arch, val: (await evaluator.evaluate(arch)).val });
      };

      while (seen.length < p('init') && evaluator.canQuery()) {
        await query(drawUnseen(ctx, () => space.sample(rng)));
      }
      for (let iteration = 0; evaluator.canQuery(); iteration++) {
        const iterRng = rng.fork(`iteration-${iteration}`);
        const ensemble = new MlpEnsemble(dims, {
          members: p('members'),
          hidden: Array.from({ length: p('layers') }, () => p('width')),
          epochs: p('epochs'),
          batchSize: 32,
          learningRate: p('lr'),
          weightDecay: p('weightDecay'),
          bootstrap: strParam(params, 'bootstrap') === 'on',
        });
        const y = Float64Array.from(seen, (s) => s.val);
        ensemble.fit(
          encode.matrix(seen.map((s) => s.arch)),
          strParam(params, 'target') === 'rank' ? scaledRanks(y) : y,
          seen.length,
          iterRng,
        );

        const pool = candidates(
          ctx,
          seen,
          {
            parents: p('parents'),
            count: p('candidates'),
            maxMutations: p('mutations'),
            mode: strParam(params, 'pool'),
          },
          iterRng,
        );
        const poolKeys = new Set(pool.map((a) => space.key(a)));
        for (let t = 0, added = 0; added < p('randomCandidates') && t < 20 * p('randomCandidates'); t++) {
          const arch = space.sample(iterRng);
          const key = space.key(arch);
          if (poolKeys.has(key) || evaluator.known(key) !== undefined) continue;
          poolKeys.add(key);
          pool.push(arch);
          added++;
        }
        if (pool.length === 0) {
          await query(drawUnseen(ctx, () => space.sample(rng)));
          continue;
        }
        const { mean, std } = ensemble.predict(encode.matrix(pool), pool.length);
        const score = acquisition(strParam(params, 'acquisition'), mean, std, p('beta'), iterRng);
        const chosen = refinementPicks(space, seen, pool, mean, Math.min(p('greedy'), p('batch')));
        const order = Array.from(score.keys()).sort((a, b) => score[b]! - score[a]!);
        for (const i of order) {
          if (chosen.length >= p('batch')) break;
          if (!chosen.includes(i)) chosen.push(i);
        }
        for (const i of chosen) {
          if (!evaluator.canQuery()) break;
          await query(pool[i]!);
        }
      }
    },
  }),
};

/**
 * Unseen, distinct candidates around the `parents` best architectures: with 'neighbors', every one-change
 * neighbor of the best parent first, then of the next; with 'mutations' (or to fill up), chains of
 * 1..maxMutations random mutations of the parents in turn.
 */
function candidates<A>(
  ctx: SearchContext<A>,
  seen: readonly { arch: A; val: number }[],
  options: { parents: number; count: number; maxMutations: number; mode: string },
  rng: Rng,
): A[] {
  const { space, evaluator } = ctx;
  const { count } = options;
  const best = seen
    .slice()
    .sort((a, b) => b.val - a.val)
    .slice(0, options.parents);
  const out: A[] = [];
  const keys = new Set<string>();
  const offer = (arch: A): void => {
    const key = space.key(arch);
    if (keys.has(key) || evaluator.known(key) !== undefined) return;
    keys.add(key);
    out.push(arch);
  };
  if (options.mode === 'neighbors') {
    for (const parent of best) {
      for (const n of rng.shuffle(space.neighbors(parent.arch))) if (out.length < count) offer(n);
    }
  }
  for (let t = 0; out.length < count && t < count * 20; t++) {
    let arch = best[t % best.length]!.arch;
    const steps = 1 + rng.int(options.maxMutations);
    for (let s = 0; s < steps; s++) arch = space.mutate(arch, rng);
    offer(arch);
  }
  return out;
}

/**
 * Local refinement: the `count` unseen neighbors of the incumbent (best validation so far) with the highest
 * predicted mean, so the best region is searched exhaustively instead of left to the acquisition's luck.
 */
function refinementPicks<A>(
  space: SearchContext<A>['space'],
  seen: readonly { arch: A; val: number }[],
  pool: readonly A[],
  mean: Float64Array,
  count: number,
): number[] {
  if (count <= 0 || seen.length === 0) return [];
  const incumbent = seen.reduce((a, b) => (b.val > a.val ? b : a));
  const near = new Set(space.neighbors(incumbent.arch).map((a) => space.key(a)));
  return Array.from(pool.keys())
    .filter((i) => near.has(space.key(pool[i]!)))
    .sort((a, b) => mean[b]! - mean[a]!)
    .slice(0, count);
}

function acquisition(
  kind: string,
  mean: Float64Array,
  std: Float64Array,
  beta: number,
  rng: Rng,
): Float64Array {
  const out = new Float64Array(mean.length);
  for (let i = 0; i < mean.length; i++) {
    out[i] = kind === 'ucb' ? mean[i]! + beta * std[i]! : rng.normal(mean[i]!, std[i]!);
  }
  return out;
}

function encoder<A>(space: SearchSpace<A>, kind: EncodingKind) {
  const info = space.encodings.find((e) => e.kind === kind);
  if (info === undefined) {
    throw new NaskitError(
      'invalid_argument',
      `${space.name} has no '${kind}' encoding; choose one of: ${space.encodings.map((e) => e.kind).join(', ')}`,
    );
  }
  const length = info.length;
  return {
    length,
    matrix(archs: readonly A[]): Float64Array {
      const out = new Float64Array(archs.length * length);
      archs.forEach((a, i) => out.set(space.encode(a, kind), i * length));
      return out;
    },
  };
}
