/**
 * Isomorphism classes of NB201 cells: encodings that compute the same function. NB201's table trains
 * every encoding separately, so isomorphic cells have nearly (not exactly) the same accuracy, while a
 * weight-sharing supernet evaluates each encoding with other weights; averaging a supernet's scores
 * over a class smooths the noise of weight sharing (docs/benchmarks.md, session 15).
 *
 * The rule is NB201's own notion of a unique cell ("consider zero"), with sums taken as unordered and
 * flattened: a `none` edge adds nothing, any op applied to an identically zero node gives zero,
 * `skip_connect` adds its input's terms, the other ops are opaque functions of their input's sum.
 * (A trained supernet's ReLU-conv-BN of zeros is its BN shift, not zero; the rule follows the
 * benchmark, which counts such a cell as the one without the edge.)
 */
import type { IsomorphClasses } from '../space.js';
import { NB201_EDGES } from './network.js';
import { fromOfficialIndex } from './official-index.js';
import { NB201_SIZE, type Nb201Arch } from './ops.js';

/** The cell's function as a canonical string: equal strings, isomorphic cells. 'zero' for a cut cell. */
export function nb201CellFunction(arch: Nb201Arch): string {
  // terms[j]: the summands of node j, each a canonical string; an empty list is the zero node.
  const terms: string[][] = [['input']];
  for (let j = 1; j <= 3; j++) {
    const sum: string[] = [];
    NB201_EDGES.forEach(([from, to], e) => {
      const op = arch.edges[e]!;
      const source = terms[from]!;
      if (to !== j || op === 'none' || source.length === 0) return;
      if (op === 'skip_connect') sum.push(...source);
      else sum.push(`${op}(${source.join('+')})`);
    });
    terms.push(sum.sort());
  }
  const out = terms[3]!;
  return out.length === 0 ? 'zero' : out.join('+');
}

/**
 * The 15,625 encodings grouped by function. Building it runs every cell's function once (tens of
 * milliseconds), so a caller that looks up many cells builds it once and keeps it.
 */
export function nb201IsomorphClasses(): IsomorphClasses<Nb201Arch> {
  const classes = new Map<string, Nb201Arch[]>();
  for (let i = 0; i < NB201_SIZE; i++) {
    const cell = fromOfficialIndex(i);
    const f = nb201CellFunction(cell);
    const members = classes.get(f);
    if (members) members.push(cell);
    else classes.set(f, [cell]);
  }
  return {
    // Every encoding isomorphic to `arch`, itself included, in official index order.
    of: (arch) => [...classes.get(nb201CellFunction(arch))!],
    count: classes.size,
  };
}
