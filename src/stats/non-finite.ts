/**
 * What a statistic over paired values does with a NaN or ±Infinity entry (a proxy that failed, a run
 * that diverged). The policy is always an explicit argument, so every caller states it:
 * - 'throw': an error naming the entry — for inputs that must be finite (predictions, accuracies);
 * - 'drop': leave out every pair with a non-finite side — the published-paper view of a proxy;
 * - 'worst': a non-finite entry ties with the others below every finite value of its list — where a
 *   search has to place the failed architectures somewhere.
 */
import { NaskitError } from '../util/errors.js';

export type NonFinitePolicy = 'throw' | 'drop' | 'worst';

export interface NonFiniteOptions {
  nonFinite: NonFinitePolicy;
}

type Numbers = ArrayLike<number>;

/**
 * The two lists a paired statistic works on after applying the policy. Lists of different lengths are
 * an error under every policy. `what` names the statistic in error messages.
 */
export function finitePairs(
  a: Numbers,
  b: Numbers,
  what: string,
  options: NonFiniteOptions,
): { x: Numbers; y: Numbers } {
  if (a.length !== b.length) {
    throw new NaskitError(
      'shape_mismatch',
      `${what}: the two score lists have ${a.length} and ${b.length} entries; pass one score per architecture on both sides`,
    );
  }
  switch (options.nonFinite) {
    case 'throw':
      requireFinite(a, 'first', what);
      requireFinite(b, 'second', what);
      return { x: a, y: b };
    case 'worst':
      return { x: failuresAsWorst(a), y: failuresAsWorst(b) };
    case 'drop': {
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < a.length; i++) {
        if (Number.isFinite(a[i]!) && Number.isFinite(b[i]!)) {
          x.push(a[i]!);
          y.push(b[i]!);
        }
      }
      return { x, y };
    }
  }
}

/** Replace every non-finite value by one value below every finite value (0 when none is finite). */
export function failuresAsWorst(xs: Numbers): Float64Array {
  let min = Infinity;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]!) && xs[i]! < min) min = xs[i]!;
  const floor = Number.isFinite(min) ? min - Math.max(1, Math.abs(min)) : 0;
  return Float64Array.from({ length: xs.length }, (_, i) => (Number.isFinite(xs[i]!) ? xs[i]! : floor));
}

function requireFinite(xs: Numbers, name: string, what: string): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]!)) {
      throw new NaskitError(
        'non_finite',
        `${what}: entry ${i} of the ${name} list is ${xs[i]}; drop it or fix the scores`,
      );
    }
  }
}
