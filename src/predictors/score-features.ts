/**
 * Space-agnostic score features: per architecture, quantities that mean the same in every search
 * space (parameters, FLOPs, zero-cost proxy scores), computed by naskit on each setting's networks.
 * Raw values live on incomparable scales (an NB101 network has 100× the parameters of an NB201 one),
 * so each feature is replaced by the normal score of its mid-rank within the setting's own table,
 * Φ⁻¹((rank − ½) / n) as for rank targets: "the 90th percentile of this table by FLOPs" transfers
 * between spaces where "3 MFLOPs" does not. Failed or unavailable values get 0, the median.
 * Standardization reads only the architectures (never a target), so it is allowed on held-out settings.
 */
import { NaskitError } from '../util/errors.js';
import type { Setting } from './settings.js';
import { transformTargets } from './targets.js';

/** Raw values of one feature over a setting's graphs (null = failed or unavailable). */
export type RawFeature = readonly (number | null)[];

/** One feature standardized within its table: rank normal scores of the finite values, 0 elsewhere. */
export function standardizeFeature(raw: RawFeature): Float32Array {
  const finite: number[] = [];
  for (const v of raw) if (v !== null && Number.isFinite(v)) finite.push(v);
  const out = new Float32Array(raw.length);
  if (finite.length === 0) return out;
  const ranked = transformTargets('rank', finite, finite);
  let j = 0;
  raw.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) out[i] = ranked[j++]!;
  });
  return out;
}

/** The setting with standardized score features attached (one raw column per name, one value per graph). */
export function withScores(
  setting: Setting,
  names: readonly string[],
  columns: readonly RawFeature[],
): Setting {
  if (names.length === 0 || names.length !== columns.length) {
    throw new NaskitError(
      'invalid_argument',
      `score features of ${setting.name}: ${names.length} names for ${columns.length} columns; give one name per column, at least one`,
    );
  }
  const n = setting.graphs.length;
  const dim = names.length;
  const values = new Float32Array(n * dim);
  columns.forEach((column, f) => {
    if (column.length !== n) {
      throw new NaskitError(
        'shape_mismatch',
        `score feature ${names[f]} of ${setting.name}: ${column.length} values for ${n} graphs`,
      );
    }
    standardizeFeature(column).forEach((v, i) => {
      values[i * dim + f] = v;
    });
  });
  return { ...setting, scores: { names: [...names], matrix: { dim, values } } };
}

/** The score-feature names every setting carries, refusing settings without or with other features. */
export function commonScoreNames(settings: readonly Setting[]): readonly string[] {
  const first = settings[0]?.scores?.names;
  for (const s of settings) {
    if (!s.scores || !first || s.scores.names.join(',') !== first.join(',')) {
      throw new NaskitError(
        'invalid_argument',
        `setting ${s.name} has score features [${s.scores?.names.join(', ') ?? 'none'}], expected ` +
          `[${first?.join(', ') ?? 'some'}]; attach the same features to every setting (--features graph+scores)`,
      );
    }
  }
  return first ?? [];
}
