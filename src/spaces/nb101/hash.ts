/**
 * The official NAS-Bench-101 module hash (nasbench `graph_util.hash_module` on the pruned spec, with
 * labels -1 = input, -2 = output, else the op's index in NB101_OPS). Each vertex starts from the MD5 of
 * the Python tuple text "(out_degree, in_degree, label)"; then, V times, every vertex hashes the sorted
 * hashes of its in-neighbours, '|', the sorted hashes of its out-neighbours, '|', its own hash. The
 * fingerprint is the MD5 of the Python list text of the sorted vertex hashes. Isomorphic cells share it.
 */
import { createHash } from 'node:crypto';
import { NB101_OPS } from './ops.js';
import type { Nb101CellOp, Nb101Label } from './ops.js';

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function label(op: Nb101Label): number {
  if (op === 'input') return -1;
  if (op === 'output') return -2;
  return NB101_OPS.indexOf(op as Nb101CellOp);
}

/** Hash of an already pruned spec (matrix and ops as nasbench's ModelSpec holds them after pruning). */
export function moduleHash(matrix: readonly (readonly number[])[], ops: readonly Nb101Label[]): string {
  const n = matrix.length;
  const inDegree = new Array<number>(n).fill(0);
  const outDegree = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (matrix[i]![j]) {
        outDegree[i]!++;
        inDegree[j]!++;
      }
    }
  }
  let hashes = ops.map((op, v) => md5(`(${outDegree[v]}, ${inDegree[v]}, ${label(op)})`));
  for (let round = 0; round < n; round++) {
    hashes = hashes.map((own, v) => {
      const ins: string[] = [];
      const outs: string[] = [];
      for (let w = 0; w < n; w++) {
        if (matrix[w]![v]) ins.push(hashes[w]!);
        if (matrix[v]![w]) outs.push(hashes[w]!);
      }
      return md5(`${ins.sort().join('')}|${outs.sort().join('')}|${own}`);
    });
  }
  const sorted = hashes.slice().sort();
  return md5(`[${sorted.map((h) => `'${h}'`).join(', ')}]`);
}
