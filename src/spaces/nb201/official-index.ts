/**
 * The official NAS-Bench-201 / NATS-Bench-TSS index (0..15,624).
 *
 * NAS-Bench-201 generated its architectures with `CellStructure.gen_all`, which lists them as the
 * base-5 number of the six edge ops (string order, first edge most significant, ops in NB201_OPS
 * order), and then fixed the official order with `random.seed(88); random.shuffle(archs)`. So
 * official index i holds the architecture whose base-5 code is shuffled[i]. The shuffle is replayed
 * with a CPython-exact Mersenne Twister (python-shuffle.ts) and checked against every row of the
 * benchmark table in the tests.
 */
import { NaskitError } from '../../util/errors.js';
import { NB201_NUM_EDGES, NB201_OPS, NB201_SIZE, makeNb201Arch, opIndices } from './ops.js';
import type { Nb201Arch, Nb201Op } from './ops.js';
import { pythonShuffle } from './python-shuffle.js';

const NB201_SHUFFLE_SEED = 88;

let officialToCode: Int32Array | null = null;
let codeToOfficial: Int32Array | null = null;

function tables(): { officialToCode: Int32Array; codeToOfficial: Int32Array } {
  if (!officialToCode || !codeToOfficial) {
    const order = pythonShuffle(
      Array.from({ length: NB201_SIZE }, (_, i) => i),
      NB201_SHUFFLE_SEED,
    );
    officialToCode = Int32Array.from(order);
    codeToOfficial = new Int32Array(NB201_SIZE);
    order.forEach((code, official) => {
      codeToOfficial![code] = official;
    });
  }
  return { officialToCode, codeToOfficial };
}

/** Position of an architecture in `gen_all` order: its base-5 edge code. */
export function generationCode(arch: Nb201Arch): number {
  return opIndices(arch).reduce((code, op) => code * NB201_OPS.length + op, 0);
}

export function fromGenerationCode(code: number): Nb201Arch {
  const edges = new Array<Nb201Op>(NB201_NUM_EDGES);
  let rest = code;
  for (let e = NB201_NUM_EDGES - 1; e >= 0; e--) {
    edges[e] = NB201_OPS[rest % NB201_OPS.length]!;
    rest = Math.floor(rest / NB201_OPS.length);
  }
  return makeNb201Arch(edges);
}

export function officialIndex(arch: Nb201Arch): number {
  return tables().codeToOfficial[generationCode(arch)]!;
}

export function fromOfficialIndex(index: number): Nb201Arch {
  if (!Number.isInteger(index) || index < 0 || index >= NB201_SIZE) {
    throw new NaskitError(
      'invalid_argument',
      `nb201: index ${index} is out of range; official indices are integers 0..${NB201_SIZE - 1}`,
    );
  }
  return fromGenerationCode(tables().officialToCode[index]!);
}
