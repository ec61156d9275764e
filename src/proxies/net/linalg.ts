/**
 * Small dense linear algebra in float64 for the proxies' batch×batch matrices: row correlation
 * matrices (numpy.corrcoef), eigenvalues of symmetric matrices (cyclic Jacobi) and log|det| (LU with
 * partial pivoting, numpy.linalg.slogdet). Matrices are row-major Float64Arrays of n×n.
 */

/**
 * numpy.corrcoef(rows): Pearson correlation between the rows of an n×d matrix. A row with zero
 * variance gives NaN entries, as numpy does (0/0).
 */
export function corrcoef(data: ArrayLike<number>, n: number, d: number): Float64Array {
  const centred = new Float64Array(n * d);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let k = 0; k < d; k++) mean += data[i * d + k]!;
    mean /= d;
    let ss = 0;
    for (let k = 0; k < d; k++) {
      const v = data[i * d + k]! - mean;
      centred[i * d + k] = v;
      ss += v * v;
    }
    norms[i] = Math.sqrt(ss);
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += centred[i * d + k]! * centred[j * d + k]!;
      let r = dot / (norms[i]! * norms[j]!);
      // numpy clips to [-1, 1] against rounding.
      if (r > 1) r = 1;
      else if (r < -1) r = -1;
      out[i * n + j] = r;
      out[j * n + i] = r;
    }
  }
  return out;
}

/** Eigenvalues of a symmetric n×n matrix (ascending), by cyclic Jacobi rotations; NaN input gives NaNs. */
export function symmetricEigenvalues(matrix: ArrayLike<number>, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  if (a.some((x) => !Number.isFinite(x))) return new Float64Array(n).fill(Number.NaN);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => a[i * n + i]!).sort();
}

/** log|det(A)| of an n×n matrix (numpy.linalg.slogdet's second value); -Infinity when singular. */
export function logAbsDet(matrix: ArrayLike<number>, n: number): number {
  const a = Float64Array.from(matrix);
  let logDet = 0;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    const pv = a[pivot * n + col]!;
    if (pv === 0) return -Infinity;
    if (Number.isNaN(pv)) return Number.NaN;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) {
        const t = a[col * n + k]!;
        a[col * n + k] = a[pivot * n + k]!;
        a[pivot * n + k] = t;
      }
    }
    logDet += Math.log(Math.abs(pv));
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col]! / pv;
      if (f === 0) continue;
      for (let k = col; k < n; k++) a[r * n + k] = a[r * n + k]! - f * a[col * n + k]!;
    }
  }
  return logDet;
}
