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
 *   JavaScript on typed arrays. Not differentiable; for baselines that are never trained (the
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
}

/**
 * Eigendecomposition of a batch of Hermitian matrices by the cyclic complex Jacobi method
 * (float64, in JavaScript). Each 2×2 rotation first removes the phase of a_pq, then applies the
 * real Jacobi rotation (Numerical Recipes §11.1). Converges quadratically; `maxSweeps` bounds it.
 */
export function eighHermitian(a: ComplexBatchF64, tol = 1e-14, maxSweeps = 60): Eigh {
  checkComplexBatchF64('eighHermitian(a)', a, { square: true });
  const { batch, rows: n } = a;
  const values = new Float64Array(batch * n);
  const vectorsRe = new Float64Array(batch * n * n);
  const vectorsIm = new Float64Array(batch * n * n);
  const ar = new Float64Array(n * n);
  const ai = new Float64Array(n * n);
  const vr = new Float64Array(n * n);
  const vi = new Float64Array(n * n);
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
        vr[i * n + j] = i === j ? 1 : 0;
        vi[i * n + j] = 0;
        total += re * re + im * im;
      }
    }
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      let offNorm = 0;
      for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offNorm += ar[p * n + q] ** 2 + ai[p * n + q] ** 2;
      if (offNorm <= tol * tol * total || total === 0) break;
      for (let p = 0; p < n - 1; p++) {
        for (let q = p + 1; q < n; q++) {
          const gr = ar[p * n + q];
          const gi = ai[p * n + q];
          const g = Math.hypot(gr, gi);
          if (g === 0) continue;
          // phase e^{iφ} = a_pq/|a_pq|
          const er = gr / g;
          const ei = gi / g;
          const theta = (ar[q * n + q] - ar[p * n + p]) / (2 * g);
          const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          const c = 1 / Math.sqrt(t * t + 1);
          const s = t * c;
          // U = diag(1, e^{-iφ}) · [[c, s], [−s, c]]:
          // u_pp = c, u_pq = s, u_qp = −s e^{-iφ}, u_qq = c e^{-iφ}
          const uqpR = -s * er, uqpI = s * ei;
          const uqqR = c * er, uqqI = -c * ei;
          // columns: A ← A U, V ← V U
          for (let k = 0; k < n; k++) {
            for (const [mr, mi] of [[ar, ai], [vr, vi]] as const) {
              const xpR = mr[k * n + p], xpI = mi[k * n + p];
              const xqR = mr[k * n + q], xqI = mi[k * n + q];
              mr[k * n + p] = c * xpR + (xqR * uqpR - xqI * uqpI);
              mi[k * n + p] = c * xpI + (xqR * uqpI + xqI * uqpR);
              mr[k * n + q] = s * xpR + (xqR * uqqR - xqI * uqqI);
              mi[k * n + q] = s * xpI + (xqR * uqqI + xqI * uqqR);
            }
          }
          // rows: A ← Uᴴ A
          for (let k = 0; k < n; k++) {
            const xpR = ar[p * n + k], xpI = ai[p * n + k];
            const xqR = ar[q * n + k], xqI = ai[q * n + k];
            // conj(u_qp) = −s e^{iφ}, conj(u_qq) = c e^{iφ}
            ar[p * n + k] = c * xpR + (xqR * uqpR + xqI * uqpI);
            ai[p * n + k] = c * xpI + (xqI * uqpR - xqR * uqpI);
            ar[q * n + k] = s * xpR + (xqR * uqqR + xqI * uqqI);
            ai[q * n + k] = s * xpI + (xqI * uqqR - xqR * uqqI);
          }
          ar[p * n + q] = ar[q * n + p] = 0;
          ai[p * n + q] = ai[q * n + p] = 0;
          ai[p * n + p] = ai[q * n + q] = 0;
        }
      }
    }
    // sort ascending
    const order = [...Array(n).keys()].sort((x, y) => ar[x * n + x] - ar[y * n + y]);
    for (let j = 0; j < n; j++) {
      const src = order[j];
      values[b * n + j] = ar[src * n + src];
      for (let i = 0; i < n; i++) {
        vectorsRe[off + i * n + j] = vr[i * n + src];
        vectorsIm[off + i * n + j] = vi[i * n + src];
      }
    }
  }
  return { batch, n, values, vectorsRe, vectorsIm };
}
