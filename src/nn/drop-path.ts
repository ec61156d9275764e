/**
 * Drop-path (DARTS / FractalNet): in training, zero a branch's output for a random subset of the
 * examples, with probability `prob` each, and scale the kept ones by 1/(1 - prob). The mask is drawn
 * inside the compiled model (RandomUniform), fresh on every step; outside training it is the identity.
 */
import type { Tensor } from '../graph/graph.js';
import type { NetContext } from '../graph/network.js';
import { cast } from '../graph/ops/cast.js';
import { less } from '../graph/ops/less.js';
import { mul } from '../graph/ops/mul.js';
import { randomUniform } from '../graph/ops/random-uniform.js';
import { NaskitError } from '../util/errors.js';

/** Key of the base seed (an integer) of the drop-path masks in `NetContext.options`. */
export const DROP_PATH_SEED_OPTION = 'dropPathSeed';

export function dropPath(ctx: NetContext, x: Tensor, prob: number, name: string): Tensor {
  if (!(prob >= 0 && prob < 1)) {
    throw new NaskitError(
      'invalid_argument',
      `dropPath '${name}': probability must be in [0, 1), got ${prob}`,
    );
  }
  if (!ctx.training || prob === 0) return x;
  const base = ctx.options[DROP_PATH_SEED_OPTION] ?? 0;
  if (!Number.isInteger(base) || (base as number) < 0) {
    throw new NaskitError(
      'invalid_argument',
      `dropPath '${name}': ctx.options.${DROP_PATH_SEED_OPTION} must be a non-negative integer, got ${String(base)}`,
    );
  }
  const keep = 1 - prob;
  // One generator per mask, seeded from the base seed and the branch's name, so masks are independent
  // of each other and reproducible for a given seed.
  const seed =
    ((Math.imul(base as number, 2654435761) ^ hashName(ctx.graph.uniqueName(`${name}/drop_path`))) >>> 0) %
    2 ** 24;
  const u = randomUniform(ctx.graph, [x.shape[0]!, 1, 1, 1], { seed });
  const mask = cast(less(u, keep), x.dtype);
  return mul(x, mul(mask, 1 / keep));
}

function hashName(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}
