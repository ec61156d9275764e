/**
 * The part of an NB201 cell that reaches its output. An edge whose source node is identically zero
 * (all its inputs are `none`) adds exact zeros (skip, pool, and ReLU-conv-BN of zeros are all 0), and
 * an edge into a node that feeds nothing but `none` edges never reaches the output; both can be
 * replaced by `none` without changing a single bit of the network output under constant weights
 * with batch-statistics BN. Cells with the same live form therefore get the same constant-weight
 * scores, which lets the epsilon proxies score each live form once.
 */
import { NB201_EDGES } from './network.js';
import { makeNb201Arch, type Nb201Arch, type Nb201Op } from './ops.js';

export function liveNb201Cell(arch: Nb201Arch): Nb201Arch {
  const ops: Nb201Op[] = [...arch.edges];
  for (;;) {
    let changed = false;
    // A node is zero when every incoming edge is none or comes from a zero node (node 0 never is).
    const zero = [false, false, false, false];
    for (let j = 1; j <= 3; j++) {
      zero[j] = NB201_EDGES.every(([from, to], e) => to !== j || ops[e] === 'none' || zero[from]!);
    }
    // A node is dead when every outgoing edge is none or goes to a dead node (node 3 never is).
    const dead = [false, false, false, false];
    for (let i = 2; i >= 1; i--) {
      dead[i] = NB201_EDGES.every(([from, to], e) => from !== i || ops[e] === 'none' || dead[to]!);
    }
    NB201_EDGES.forEach(([from, to], e) => {
      if (ops[e] !== 'none' && (zero[from] || dead[to])) {
        ops[e] = 'none';
        changed = true;
      }
    });
    if (!changed) return makeNb201Arch(ops);
  }
}
