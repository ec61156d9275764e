/**
 * RLNAS' angle-based score (ABS), as GeNAS uses it: the angle between the vector of a path's weights
 * at initialization and after supernet training, divided by π (so it lies in [0, 1]; larger = the
 * path's weights moved further). The vector is every trainable weight the path uses (stem, the ops on
 * its edges, reduction blocks, BN scale/shift, classifier). RLNAS also puts constant tensors for
 * parameter-free ops into the vector (an identity kernel for skip, a 1/9 kernel for pooling); naskit
 * leaves them out, so a path's angle is over its trainable weights only.
 */
import type { ParamSource } from '../../runtime/train-program.js';
import { NaskitError } from '../../util/errors.js';

export function angleOf(initial: ParamSource, final: ParamSource, active: ReadonlySet<string>): number {
  let dot = 0;
  let a2 = 0;
  let b2 = 0;
  for (const name of active) {
    const a = initial.get(name);
    const b = final.get(name);
    if (a.length !== b.length) {
      throw new NaskitError(
        'shape_mismatch',
        `angle: '${name}' has ${a.length} values at init but ${b.length} now`,
      );
    }
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * b[i]!;
      a2 += a[i]! * a[i]!;
      b2 += b[i]! * b[i]!;
    }
  }
  if (a2 === 0 || b2 === 0) return 0;
  const cos = Math.max(-1, Math.min(1, dot / Math.sqrt(a2 * b2)));
  return Math.acos(cos) / Math.PI;
}
