import { describe, expect, it } from 'vitest';
import { DEFAULT_META_EVAL } from '../../predictors/meta-eval.js';
import { metaEvalConfig } from './meta-eval-job.js';

const JOB = { holdout: 'nb201/cifar10', methods: ['maml-cv'] as const, shots: [20], seeds: 5, seed: 0 };

describe('meta-eval job settings', () => {
  it('CV candidates: the default five, the whole grid, a list, and the starts that compete', () => {
    expect(metaEvalConfig(JOB).cv.only).toEqual(DEFAULT_META_EVAL.cv.only);
    expect(metaEvalConfig({ ...JOB, cvCandidates: 'all' }).cv.only).toBeUndefined();
    expect(metaEvalConfig({ ...JOB, cvCandidates: ['pooled:0'] }).cv.only).toEqual(['pooled:0']);
    // with only the own start competing, the default candidates of the other starts drop out
    const own = metaEvalConfig({ ...JOB, cvStarts: ['own'] }).cv;
    expect(own.starts).toEqual(['own']);
    expect(own.only).toEqual(DEFAULT_META_EVAL.cv.only!.filter((l) => l.startsWith('own:')));
    expect(own.only!.length).toBeGreaterThan(0);
    // the defaults themselves are untouched
    expect(DEFAULT_META_EVAL.cv.starts).toEqual(['own', 'pooled', 'ensemble']);
    const repeated = metaEvalConfig({ ...JOB, cvRepeats: 3, cvFolds: 4 }).cv;
    expect([repeated.repeats, repeated.folds]).toEqual([3, 4]);
  });
});
