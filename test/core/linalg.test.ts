import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { eighHermitian, hermitianInverse, hermitianSolve, inverseSpd } from '../../lib/core/linalg';
import { Rng } from '../../lib/core/random';
import { backendTest, assertClose, arr } from '../helpers';

/** A batch of well-conditioned Hermitian PD matrices G Gᴴ + n I. */
function hpd(rng: Rng, batch: number, n: number): C.Complex {
  const g = rng.complexNormal([batch, n, n]);
  return C.add(C.matmul(g, g, false, true), C.scale(C.eye(n), n));
}

backendTest('hermitianInverse: A·A⁻¹ = I for a batch of Hermitian PD matrices', async () => {
  const a = hpd(new Rng(5), 7, 4);
  const prod = C.matmul(a, hermitianInverse(a));
  assertClose(arr(prod.re), arr(tf.broadcastTo(tf.eye(4), [7, 4, 4])), 2e-5, 'Re(A A⁻¹)');
  assertClose(arr(prod.im), new Float32Array(7 * 16), 2e-5, 'Im(A A⁻¹)');
});

backendTest('hermitianSolve solves A X = B', async () => {
  const rng = new Rng(6);
  const a = hpd(rng, 3, 5);
  const x = rng.complexNormal([3, 5, 2]);
  const b = C.matmul(a, x);
  const xs = hermitianSolve(a, b);
  assertClose(arr(xs.re), arr(x.re), 1e-4);
  assertClose(arr(xs.im), arr(x.im), 1e-4);
  assert.throws(() => hermitianSolve(a, rng.complexNormal([3, 4, 2])), /hermitianSolve\(b\)/);
  assert.throws(() => hermitianInverse(rng.complexNormal([3, 4, 2])), /square matrices/);
});

backendTest('inverseSpd gradient matches central finite differences', async () => {
  const rng = new Rng(7);
  const g = rng.normal([3, 3]);
  const a = tf.add(tf.matMul(g, g, false, true), tf.mul(tf.eye(3), 3));
  const c = rng.normal([3, 3]);
  const f = (x: tf.Tensor) => tf.sum(tf.mul(inverseSpd(x), c)) as tf.Scalar;
  const grad = arr(tf.grad(f)(a));
  const av = arr(a);
  const h = 1e-2;
  for (const idx of [0, 1, 4, 5, 8]) {
    const plus = av.slice(), minus = av.slice();
    plus[idx] += h; minus[idx] -= h;
    const fd = (f(tf.tensor(plus, [3, 3])).dataSync()[0] - f(tf.tensor(minus, [3, 3])).dataSync()[0]) / (2 * h);
    assert.ok(Math.abs(fd - grad[idx]) < 2e-3 * Math.max(1, Math.abs(fd)), `entry ${idx}: fd ${fd} vs grad ${grad[idx]}`);
  }
});

backendTest('inverse of a singular matrix is finite (no NaN on ill-conditioned channels)', async () => {
  const a = tf.tensor([[1, 1], [1, 1]], [2, 2]);
  const inv = arr(inverseSpd(a));
  assert.ok(inv.every(Number.isFinite), `got ${inv}`);
});

test('eighHermitian reconstructs A = V Λ Vᴴ with orthonormal V and ascending λ', () => {
  const rng = new Rng(8);
  const batch = 5, n = 6;
  const re = new Float64Array(batch * n * n), im = new Float64Array(batch * n * n);
  for (let b = 0; b < batch; b++) {
    const g = { re: rng.normalArray(n * n), im: rng.normalArray(n * n) };
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let sr = 0, si = 0; // (G Gᴴ)_ij
      for (let k = 0; k < n; k++) {
        sr += g.re[i * n + k] * g.re[j * n + k] + g.im[i * n + k] * g.im[j * n + k];
        si += g.im[i * n + k] * g.re[j * n + k] - g.re[i * n + k] * g.im[j * n + k];
      }
      re[b * n * n + i * n + j] = sr;
      im[b * n * n + i * n + j] = si;
    }
  }
  const e = eighHermitian({ batch, rows: n, cols: n, re, im });
  let worst = 0, worstOrtho = 0;
  for (let b = 0; b < batch; b++) {
    const o = b * n * n;
    for (let j = 1; j < n; j++) assert.ok(e.values[b * n + j] >= e.values[b * n + j - 1], 'ascending');
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let sr = 0, si = 0, or = 0, oi = 0;
      for (let k = 0; k < n; k++) {
        const lam = e.values[b * n + k];
        const vr = e.vectorsRe[o + i * n + k], vi = e.vectorsIm[o + i * n + k];
        const wr = e.vectorsRe[o + j * n + k], wi = e.vectorsIm[o + j * n + k];
        sr += lam * (vr * wr + vi * wi); // v_ik λ conj(v_jk)
        si += lam * (vi * wr - vr * wi);
        // (Vᴴ V)_ij = Σ_k conj(v_ki) v_kj
        const ar = e.vectorsRe[o + k * n + i], ai = e.vectorsIm[o + k * n + i];
        const br = e.vectorsRe[o + k * n + j], bi = e.vectorsIm[o + k * n + j];
        or += ar * br + ai * bi;
        oi += ar * bi - ai * br;
      }
      worst = Math.max(worst, Math.abs(sr - re[o + i * n + j]), Math.abs(si - im[o + i * n + j]));
      worstOrtho = Math.max(worstOrtho, Math.abs(or - (i === j ? 1 : 0)), Math.abs(oi));
    }
  }
  assert.ok(worst < 1e-10, `reconstruction error ${worst}`);
  assert.ok(worstOrtho < 1e-12, `orthonormality error ${worstOrtho}`);
});

test('eighHermitian gives the known spectrum of a 2×2 Hermitian matrix', () => {
  // [[2, 1+i], [1-i, 3]]: λ = (5 ± √(1 + 8))/2 = 1, 4
  const e = eighHermitian({ batch: 1, rows: 2, cols: 2, re: Float64Array.from([2, 1, 1, 3]), im: Float64Array.from([0, 1, -1, 0]) });
  assertClose(e.values, [1, 4], 1e-12);
  assert.throws(() => eighHermitian({ batch: 1, rows: 2, cols: 2, re: new Float64Array(3), im: new Float64Array(4) }), /expected 1·2·2 float64 values/);
});
