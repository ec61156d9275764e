/**
 * The contract every accuracy predictor must satisfy (`fit(archs, targets)` then `predict(archs)`), as
 * a reusable vitest suite in the style of `runSpaceContract`: a test file calls
 * `runPredictorContract(name, options)` per predictor. After fitting a small sample it predicts one
 * finite value per architecture, does so identically for a seed, ranks held-out architectures by a
 * trivially learnable target clearly right (Spearman > 0.5 by default), and refuses bad input (empty
 * training set, length mismatch, predicting before fitting) with a NaskitError.
 */
import { describe, expect, it } from 'vitest';
import type { Predictor } from '../../src/predictors/predictor.js';
import type { SearchSpace } from '../../src/spaces/space.js';
import { spearman } from '../../src/stats/correlation.js';
import { NaskitError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

export interface PredictorContractOptions<A> {
  space: SearchSpace<A>;
  /** A fresh, unfitted predictor whose randomness comes from `seed`. */
  create(seed: number): Predictor<A>;
  /** The target to learn, a simple function of the architecture (e.g. its number of conv ops). */
  target(arch: A): number;
  /** Training architectures (default 60) and held-out ones (default 60), sampled from the space. */
  train?: number;
  test?: number;
  /** Spearman the fitted predictor must exceed on the held-out architectures (default 0.5). */
  minSpearman?: number;
  /** Seed of the predictor (default 1) and of the sample (default 7). */
  seed?: number;
  sampleSeed?: number;
}

async function expectRejects(run: () => Promise<unknown>, what: string): Promise<NaskitError> {
  let thrown: unknown;
  try {
    await run();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `${what}: expected a NaskitError`).toBeInstanceOf(NaskitError);
  return thrown as NaskitError;
}

export function runPredictorContract<A>(name: string, options: PredictorContractOptions<A>): void {
  const { space } = options;
  const seed = options.seed ?? 1;
  const rng = new Rng(options.sampleSeed ?? 7);
  const draw = (n: number): A[] => Array.from({ length: n }, () => space.sample(rng));
  const train = draw(options.train ?? 60);
  const test = draw(options.test ?? 60);
  const targets = Float64Array.from(train, (a) => options.target(a));
  const truth = Float64Array.from(test, (a) => options.target(a));

  const fitPredict = async (s: number): Promise<Float64Array> => {
    const predictor = options.create(s);
    await predictor.fit(train, targets);
    return predictor.predict(test);
  };
  let first: Promise<Float64Array> | undefined;
  const predictions = (): Promise<Float64Array> => (first ??= fitPredict(seed));

  describe(`predictor contract: ${name} on ${space.name}`, () => {
    it('checks its own fixture: the target varies on both samples', () => {
      expect(new Set(targets).size).toBeGreaterThan(1);
      expect(new Set(truth).size).toBeGreaterThan(1);
    });

    it('predicts one finite value per architecture after fitting', async () => {
      const pred = await predictions();
      expect(pred).toHaveLength(test.length);
      pred.forEach((v, i) => expect(Number.isFinite(v), `prediction ${i}: ${v}`).toBe(true));
    });

    it('predicts identically for the same seed', async () => {
      const pred = await predictions();
      const again = await fitPredict(seed);
      again.forEach((v, i) =>
        expect(Object.is(v, pred[i]), `prediction ${i}: ${v} vs ${pred[i]}`).toBe(true),
      );
    });

    it(`ranks held-out architectures by a learnable target (Spearman > ${options.minSpearman ?? 0.5})`, async () => {
      const rho = spearman(await predictions(), truth, { nonFinite: 'throw' });
      expect(rho).toBeGreaterThan(options.minSpearman ?? 0.5);
    });

    it('refuses to predict before it is fitted', async () => {
      await expectRejects(() => options.create(seed).predict(test.slice(0, 3)), 'predict before fit');
    });

    it('refuses an empty training set', async () => {
      await expectRejects(() => options.create(seed).fit([], []), 'fit on no architectures');
    });

    it('refuses a different number of architectures and targets', async () => {
      await expectRejects(
        () => options.create(seed).fit(train.slice(0, 3), targets.slice(0, 2)),
        '3 architectures, 2 targets',
      );
      await expectRejects(
        () => options.create(seed).fit(train.slice(0, 2), targets.slice(0, 3)),
        '2 architectures, 3 targets',
      );
    });
  });
}
