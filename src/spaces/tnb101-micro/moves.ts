/** TransNAS-Bench-101 micro moves: uniform over all 4,096 cells; single-edge op changes (as NASLib). */
import type { Rng } from '../../util/rng.js';
import { TNB_MICRO_EDGES, TNB_MICRO_OPS, TNB_MICRO_SIZE, makeTnbMicroArch } from './ops.js';
import type { TnbMicroArch, TnbMicroOp } from './ops.js';

export function sampleTnbMicro(rng: Rng): TnbMicroArch {
  return makeTnbMicroArch(Array.from({ length: TNB_MICRO_EDGES }, () => rng.pick(TNB_MICRO_OPS)));
}

export function mutateTnbMicro(arch: TnbMicroArch, rng: Rng): TnbMicroArch {
  const edge = rng.int(TNB_MICRO_EDGES);
  const op = rng.pick(TNB_MICRO_OPS.filter((o) => o !== arch.edges[edge]));
  return withEdge(arch, edge, op);
}

/** All 6 × 3 = 18 single-edge op changes. */
export function neighborsTnbMicro(arch: TnbMicroArch): TnbMicroArch[] {
  const out: TnbMicroArch[] = [];
  for (let edge = 0; edge < TNB_MICRO_EDGES; edge++) {
    for (const op of TNB_MICRO_OPS) if (op !== arch.edges[edge]) out.push(withEdge(arch, edge, op));
  }
  return out;
}

/** Every cell, digits read as a base-4 number from 000000 to 333333 (the order of the benchmark tables). */
export function* enumerateTnbMicro(): Iterable<TnbMicroArch> {
  for (let code = 0; code < TNB_MICRO_SIZE; code++) {
    const edges = new Array<TnbMicroOp>(TNB_MICRO_EDGES);
    let rest = code;
    for (let e = TNB_MICRO_EDGES - 1; e >= 0; e--) {
      edges[e] = TNB_MICRO_OPS[rest % TNB_MICRO_OPS.length]!;
      rest = Math.floor(rest / TNB_MICRO_OPS.length);
    }
    yield makeTnbMicroArch(edges);
  }
}

function withEdge(arch: TnbMicroArch, edge: number, op: TnbMicroOp): TnbMicroArch {
  const edges = arch.edges.slice();
  edges[edge] = op;
  return makeTnbMicroArch(edges);
}
