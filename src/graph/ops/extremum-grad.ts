/**
 * Shared VJP of elementwise n-ary Max and Min: each operand that attains the extremum gets the
 * gradient, split evenly among ties, so max(x, x) passes g (not 2g) back to x, like PyTorch.
 */
import type { VjpContext } from '../op.js';
import { cast } from './cast.js';
import { div } from './div.js';
import { equal } from './equal.js';
import { mul } from './mul.js';
import { sum } from './sum.js';

export function extremumVjp({ grads, inputs, outputs, needsGrad }: VjpContext) {
  const y = outputs[0]!;
  const masks = inputs.map((x) => cast(equal(x!, y), y.dtype));
  const share = div(grads[0]!, sum(masks));
  return masks.map((m, i) => (needsGrad(i) ? mul(share, m) : null));
}
