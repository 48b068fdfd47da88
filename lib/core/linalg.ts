/**
 * Small batched linear algebra that tfjs lacks.
 *
 * - `inverseSpd` / `hermitianInverse` / `hermitianSolve`: on [..., n, n] (any leading axes),
 *   differentiable (custom gradient d(A⁻¹) = −A⁻¹ dA A⁻¹), batched Gauss–Jordan in tfjs ops, each
 *   in its own tidy (no intermediate tensor survives a call). Meant for the small K×K or M×M
 *   positive-definite systems of ZF, RZF and WMMSE; no pivoting is needed for positive-definite
 *   input, and pivots are floored at `eps`·(largest diagonal) so ill-conditioned input gives large
 *   but finite numbers, never NaN.
 * - `eighHermitian`: float64 cyclic Jacobi eigendecomposition of a batch of Hermitian matrices, in
 *   JavaScript on typed arrays (allocation-free kernel below). Not differentiable; for baselines that are never trained (the
 *   classic WMMSE bisection).
 */
import * as tf from '@tensorflow/tfjs';
import { checkComplexBatchF64, ComplexBatchF64 } from './complexF64';
import { Complex, fromRealEmbedMatrix, realEmbedMatrix, matmul, tidy } from './complex';

function checkSquare(shape: readonly number[], name: string): number {
  const r = shape.length;
  if (r < 2 || shape[r - 1] !== shape[r - 2]) {
    throw new Error(`${name} must be a batch of square matrices [..., n, n]; got [${shape.join(', ')}]`);
  }
  return shape[r - 1];
}

/** Gauss–Jordan on [A | I] without pivoting; A: [b, n, n] → A⁻¹. */
function gaussJordan(a: tf.Tensor3D, relEps: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [, n] = a.shape;
    const eye = tf.eye(n);
    // pivot floor relative to the largest diagonal entry of each matrix
    const diagMax = tf.max(tf.sum(tf.mul(a, eye), -1), -1).reshape([-1, 1, 1]);
    const floor = tf.maximum(tf.mul(diagMax, relEps), 1e-30);
    let m = tf.concat([a, tf.broadcastTo(eye, a.shape)], -1) as tf.Tensor3D; // [b, n, 2n]
    const basis = tf.unstack(eye); // e_k as [n]
    for (let k = 0; k < n; k++) {
      const row = tf.slice(m, [0, k, 0], [-1, 1, 2 * n]); // [b,1,2n]
      const pivotRaw = tf.slice(row, [0, 0, k], [-1, 1, 1]);
      // keep the sign, floor the magnitude
      const pivot = tf.where(tf.less(pivotRaw, 0), tf.minimum(pivotRaw, tf.neg(floor)), tf.maximum(pivotRaw, floor));
      const rowN = tf.div(row, pivot); // normalised pivot row
      const col = tf.slice(m, [0, 0, k], [-1, n, 1]); // [b,n,1]
      const ek = tf.reshape(basis[k], [1, n, 1]);
      // rows i≠k: m_i − m_ik·rowN; row k: rowN   ⇔   m − (col − e_k)·rowN
      m = tf.sub(m, tf.mul(tf.sub(col, ek), rowN)) as tf.Tensor3D;
    }
    return tf.slice(m, [0, 0, n], [-1, n, n]) as tf.Tensor3D;
  });
}

/**
 * Inverse of a batch of real symmetric positive-definite matrices, differentiable.
 * a: [..., n, n] → [..., n, n] (any leading axes). `relEps` floors pivots relative to the largest
 * diagonal entry.
 */
export function inverseSpd(a: tf.Tensor, relEps = 1e-7): tf.Tensor {
  const n = checkSquare(a.shape, 'inverseSpd(a)');
  const lead = a.shape.slice(0, -2);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const inv = gaussJordan(tf.reshape(x, [-1, n, n]) as tf.Tensor3D, relEps);
    const value = tf.reshape(inv, [...lead, n, n]);
    save([value]);
    // d(A⁻¹) = −A⁻¹ dA A⁻¹  ⇒  ∂L/∂A = −A⁻ᵀ G A⁻ᵀ
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const y = saved[0];
        return tf.neg(tf.matMul(tf.matMul(y, dy, true, false), y, false, true));
      },
    };
  });
  return tf.tidy(() => f(a));
}

/**
 * Inverse of a batch of Hermitian positive-definite complex matrices, differentiable, through the
 * real embedding (embed(A⁻¹) = embed(A)⁻¹). a: [..., n, n] complex → [..., n, n] complex.
 */
export function hermitianInverse(a: Complex, relEps = 1e-7): Complex {
  checkSquare(a.re.shape, 'hermitianInverse(a)');
  return tidy(() => fromRealEmbedMatrix(inverseSpd(realEmbedMatrix(a), relEps)));
}

/** Solve A X = B for Hermitian positive-definite A: a [..., n, n], b [..., n, k] → [..., n, k]. */
export function hermitianSolve(a: Complex, b: Complex, relEps = 1e-7): Complex {
  const n = checkSquare(a.re.shape, 'hermitianSolve(a)');
  if (b.re.rank < 2 || b.re.shape[b.re.rank - 2] !== n) {
    throw new Error(`hermitianSolve(b): needs [..., ${n}, k] to match a [${a.re.shape}]; got [${b.re.shape}]`);
  }
  return tidy(() => matmul(hermitianInverse(a, relEps), b));
}


/** Result of `eighHermitian`: A = V diag(λ) Vᴴ, eigenvalues ascending, eigenvectors as columns. */
export interface Eigh {
  batch: number;
  n: number;
  /** [batch, n], ascending in each matrix */
  values: Float64Array;
  /** [batch, n, n] row-major; column j is the eigenvector of values[j] */
  vectorsRe: Float64Array;
  vectorsIm: Float64Array;
  /** [batch]: rotating sweeps each matrix needed (the convergence check sweep not counted) */
  sweeps?: Int32Array;
}

/**
 * Eigendecomposition of a batch of Hermitian matrices by the cyclic complex Jacobi method
 * (float64, in JavaScript). Each 2×2 rotation first removes the phase of a_pq, then applies the
 * real Jacobi rotation (Numerical Recipes §11.1). Converges quadratically; `maxSweeps` bounds it.
 * The per-matrix kernel `jacobiHermitian` (below) allocates nothing; pass `out` (a previous result of
 * the same batch and n) to reuse its arrays as well. `sweeps[b]` is the number of rotating sweeps
 * matrix b needed (3–5 for n = 4 at tol 1e-14).
 */
export function eighHermitian(a: ComplexBatchF64, tol = 1e-14, maxSweeps = 60, out?: Eigh): Eigh {
  checkComplexBatchF64('eighHermitian(a)', a, { square: true });
  const { batch, rows: n } = a;
  const reuse = out !== undefined && out.batch === batch && out.n === n;
  const values = reuse ? out.values : new Float64Array(batch * n);
  const vectorsRe = reuse ? out.vectorsRe : new Float64Array(batch * n * n);
  const vectorsIm = reuse ? out.vectorsIm : new Float64Array(batch * n * n);
  const sweeps = reuse && out.sweeps?.length === batch ? out.sweeps : new Int32Array(batch);
  const s = jacobiScratch(n);
  const { ar, ai } = s;
  for (let b = 0; b < batch; b++) {
    const off = b * n * n;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        // symmetrise: use the Hermitian part so tiny asymmetries do not bias the result
        const re = 0.5 * (a.re[off + i * n + j] + a.re[off + j * n + i]);
        const im = 0.5 * (a.im[off + i * n + j] - a.im[off + j * n + i]);
        if (!Number.isFinite(re) || !Number.isFinite(im)) throw new Error(`eighHermitian(a): non-finite entry in matrix ${b}`);
        ar[i * n + j] = re;
        ai[i * n + j] = im;
        total += re * re + im * im;
      }
    }
    sweeps[b] = jacobiHermitian(s, total, tol, maxSweeps, values, b * n, vectorsRe, vectorsIm, off);
  }
  return { batch, n, values, vectorsRe, vectorsIm, sweeps };
}

/*
 * The per-matrix kernel of `eighHermitian`: cyclic complex Jacobi, allocation-free.
 *
 * Each 2×2 rotation first removes the phase of a_pq, then applies the real Jacobi rotation of
 * Numerical Recipes §11.1 (Press et al., 3rd ed., eqs. 11.1.8–11.1.18; Golub & Van Loan, Matrix
 * Computations, 4th ed., §8.5.2, the cyclic-by-row Jacobi method). The arithmetic is the same,
 * operation for operation, as the earlier version, so results are bit-for-bit unchanged; nothing is
 * allocated per matrix, rotation or sweep (the earlier inner loop built two small arrays per row and
 * rotation, and sorted with a closure). Cost: each sweep checks the off-diagonal norm (3 flops per
 * pair) and applies n(n−1)/2 rotations of ~20 flops for (c, s, e^{iφ}) plus 5 flops per updated real
 * entry (4n for A's columns, 4n for V's, 4n for A's rows): 20 + 60n per rotation.
 */

/** Scratch for one n×n matrix: the working copy of A, the accumulated rotations V, the sort order. */
interface JacobiScratch {
  n: number;
  ar: Float64Array;
  ai: Float64Array;
  vr: Float64Array;
  vi: Float64Array;
  order: Int32Array;
  /** sweeps that applied rotations in the last call (convergence checks excluded) */
  sweeps: number;
}

function jacobiScratch(n: number): JacobiScratch {
  const z = () => new Float64Array(n * n);
  return { n, ar: z(), ai: z(), vr: z(), vi: z(), order: new Int32Array(n), sweeps: 0 };
}

/**
 * Diagonalise the Hermitian matrix already loaded into `s.ar`/`s.ai` (row-major n×n, Hermitian part
 * taken by the caller); `total` = ‖A‖²_F for the relative stopping rule offNorm ≤ tol²·total.
 * Writes eigenvalues ascending into `values[vOff..]` and eigenvectors as columns into
 * `vecRe/vecIm[mOff..]` (row-major n×n). Returns the number of sweeps that rotated.
 */
function jacobiHermitian(
  s: JacobiScratch, total: number, tol: number, maxSweeps: number,
  values: Float64Array, vOff: number, vecRe: Float64Array, vecIm: Float64Array, mOff: number,
): number {
  const { n, ar, ai, vr, vi, order } = s;
  vr.fill(0);
  vi.fill(0);
  for (let i = 0; i < n; i++) vr[i * n + i] = 1;
  let sweeps = 0;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let offNorm = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offNorm += ar[p * n + q] ** 2 + ai[p * n + q] ** 2;
    if (offNorm <= tol * tol * total || total === 0) break;
    sweeps++;
    const skip = (tol * tol * total) / (n * n);
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const gr = ar[p * n + q];
        const gi = ai[p * n + q];
        // |a_pq| (Math.hypot is several times slower in V8; no overflow risk at these magnitudes)
        const g2 = gr * gr + gi * gi;
        // skip a pair already below its share of the stopping threshold (its rotation would change
        // the eigenvalues by O(|a_pq|²), below tol²·‖A‖²); the sweep check below still sees it
        if (g2 <= skip) continue;
        const g = Math.sqrt(g2);
        // phase e^{iφ} = a_pq/|a_pq|
        const er = gr / g;
        const ei = gi / g;
        const theta = (ar[q * n + q] - ar[p * n + p]) / (2 * g);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        // U = diag(1, e^{-iφ}) · [[c, s], [−s, c]]: u_pp = c, u_pq = s, u_qp = −s e^{-iφ}, u_qq = c e^{-iφ}
        const uqpR = -sn * er, uqpI = sn * ei;
        const uqqR = c * er, uqqI = -c * ei;
        // columns: A ← A U, V ← V U
        for (let k = 0; k < n; k++) {
          const kp = k * n + p, kq = k * n + q;
          let xpR = ar[kp], xpI = ai[kp], xqR = ar[kq], xqI = ai[kq];
          ar[kp] = c * xpR + (xqR * uqpR - xqI * uqpI);
          ai[kp] = c * xpI + (xqR * uqpI + xqI * uqpR);
          ar[kq] = sn * xpR + (xqR * uqqR - xqI * uqqI);
          ai[kq] = sn * xpI + (xqR * uqqI + xqI * uqqR);
          xpR = vr[kp]; xpI = vi[kp]; xqR = vr[kq]; xqI = vi[kq];
          vr[kp] = c * xpR + (xqR * uqpR - xqI * uqpI);
          vi[kp] = c * xpI + (xqR * uqpI + xqI * uqpR);
          vr[kq] = sn * xpR + (xqR * uqqR - xqI * uqqI);
          vi[kq] = sn * xpI + (xqR * uqqI + xqI * uqqR);
        }
        // rows: A ← Uᴴ A, with conj(u_qp) = −s e^{iφ}, conj(u_qq) = c e^{iφ}
        for (let k = 0; k < n; k++) {
          const pk = p * n + k, qk = q * n + k;
          const xpR = ar[pk], xpI = ai[pk];
          const xqR = ar[qk], xqI = ai[qk];
          ar[pk] = c * xpR + (xqR * uqpR + xqI * uqpI);
          ai[pk] = c * xpI + (xqI * uqpR - xqR * uqpI);
          ar[qk] = sn * xpR + (xqR * uqqR + xqI * uqqI);
          ai[qk] = sn * xpI + (xqI * uqqR - xqR * uqqI);
        }
        ar[p * n + q] = ar[q * n + p] = 0;
        ai[p * n + q] = ai[q * n + p] = 0;
        ai[p * n + p] = ai[q * n + q] = 0;
      }
    }
  }
  // ascending order of the diagonal (stable insertion sort, as Array.prototype.sort is stable)
  for (let j = 0; j < n; j++) {
    const d = ar[j * n + j];
    let i = j;
    while (i > 0 && ar[order[i - 1] * n + order[i - 1]] > d) {
      order[i] = order[i - 1];
      i--;
    }
    order[i] = j;
  }
  for (let j = 0; j < n; j++) {
    const src = order[j];
    values[vOff + j] = ar[src * n + src];
    for (let i = 0; i < n; i++) {
      vecRe[mOff + i * n + j] = vr[i * n + src];
      vecIm[mOff + i * n + j] = vi[i * n + src];
    }
  }
  s.sweeps = sweeps;
  return sweeps;
}
