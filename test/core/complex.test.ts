import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { Rng } from '../../lib/core/random';
import { backendTest, assertClose, arr } from '../helpers';

/** Reference complex matmul in float64 on flat row-major arrays. */
function refMatmul(a: C.ComplexArrays, b: C.ComplexArrays): { re: number[]; im: number[] } {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const re: number[] = [], im: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let sr = 0, si = 0;
    for (let l = 0; l < k; l++) {
      const ar = a.re[i * k + l], ai = a.im[i * k + l], br = b.re[l * n + j], bi = b.im[l * n + j];
      sr += ar * br - ai * bi;
      si += ar * bi + ai * br;
    }
    re.push(sr); im.push(si);
  }
  return { re, im };
}

backendTest('matmul matches a float64 reference, with and without adjoints', async () => {
  const rng = new Rng(1);
  const a = rng.complexNormal([3, 5]);
  const b = rng.complexNormal([5, 4]);
  const ref = refMatmul(C.toArrays(a), C.toArrays(b));
  const p = C.toArrays(C.matmul(a, b));
  assertClose(p.re, ref.re, 1e-5, 're');
  assertClose(p.im, ref.im, 1e-5, 'im');
  // (aᴴ)ᴴ b with adjA on the adjoint equals a b
  const ah = C.adjoint(a);
  assertClose(C.toArrays(C.matmul(ah, b, true)).re, ref.re, 1e-5, 'adjA re');
  assertClose(C.toArrays(C.matmul(ah, b, true)).im, ref.im, 1e-5, 'adjA im');
  const bh = C.adjoint(b);
  const pb = C.toArrays(C.matmul(a, bh, false, true));
  assertClose(pb.re, ref.re, 1e-5, 'adjB re');
  assertClose(pb.im, ref.im, 1e-5, 'adjB im');
  const pab = C.toArrays(C.matmul(ah, bh, true, true));
  assertClose(pab.re, ref.re, 1e-5, 'adjA adjB re');
  assertClose(pab.im, ref.im, 1e-5, 'adjA adjB im');
});

backendTest('matmul broadcasts a shared channel over a batch of symbol blocks', async () => {
  const rng = new Rng(2);
  const h = rng.complexNormal([4, 8]);
  const x = rng.complexNormal([6, 8, 3]);
  const y = C.matmul(C.expandDims(h, 0), x);
  assert.deepEqual(y.re.shape, [6, 4, 3]);
  const y2 = C.matmul(h, C.slice(x, [2, 0, 0], [1, 8, 3]));
  assertClose(arr(C.slice(y, [2, 0, 0], [1, 4, 3]).re), arr(y2.re), 1e-5);
});

backendTest('real embedding (eq. 8 of NNO-C2PO) commutes with complex matmul and adjoint, and inverts', async () => {
  const rng = new Rng(3);
  const a = rng.complexNormal([2, 3, 5]);
  const b = rng.complexNormal([2, 5, 4]);
  const lhs = C.realEmbedMatrix(C.matmul(a, b));
  const rhs = tf.matMul(C.realEmbedMatrix(a), C.realEmbedMatrix(b));
  assertClose(arr(lhs), arr(rhs), 1e-5, 'embed(AB) = embed(A)embed(B)');
  assertClose(arr(C.realEmbedMatrix(C.adjoint(a))), arr(tf.transpose(C.realEmbedMatrix(a), [0, 2, 1])), 0, 'embed(Aᴴ)=embed(A)ᵀ');
  const back = C.fromRealEmbedMatrix(C.realEmbedMatrix(a));
  assertClose(arr(back.re), arr(a.re), 0);
  assertClose(arr(back.im), arr(a.im), 0);
  // vector embedding: embed(A) [xr; xi] = [(Ax)r; (Ax)i]
  const x = rng.complexNormal([2, 5, 1]);
  const yv = C.realEmbedVector(C.matmul(a, x));
  assertClose(arr(yv), arr(tf.matMul(C.realEmbedMatrix(a), C.realEmbedVector(x))), 1e-5, 'embed vector');
  const xv = C.fromRealEmbedVector(C.realEmbedVector(x));
  assertClose(arr(xv.im), arr(x.im), 0);
});

backendTest('elementwise ops, norms and traces agree with their definitions', async () => {
  const a = C.complexFromArrays([1, 2], [3, -4], [2]);
  const b = C.complexFromArrays([0.5, -1], [2, 1], [2]);
  const p = C.toArrays(C.mul(a, b));
  // (1+3i)(0.5+2i) = 0.5-6 + i(2+1.5) ; (2-4i)(-1+i) = -2+4 + i(2+4)
  assertClose(p.re, [-5.5, 2], 1e-6);
  assertClose(p.im, [3.5, 6], 1e-6);
  const q = C.toArrays(C.mulConj(a, b));
  // (1+3i)(0.5-2i) = 0.5+6 + i(-2+1.5)
  assertClose([q.re[0], q.im[0]], [6.5, -0.5], 1e-6);
  assertClose(arr(C.abs2(a)), [10, 20], 1e-6);
  assertClose(arr(C.abs(a)), [Math.sqrt(10), Math.sqrt(20)], 1e-6);
  const m = C.complexFromArrays([1, 2, 3, 4], [1, 0, 0, -1], [2, 2]);
  assertClose(arr(C.frobNorm2(m)), 1 + 1 + 4 + 9 + 16 + 1, 1e-5);
  assertClose(arr(C.traceRe(m)), 5, 1e-6);
  assertClose(arr(C.diagPart(m).im), [1, -1], 1e-6);
});

backendTest('bad shapes are rejected with the parameter named', async () => {
  const a = C.complex(tf.zeros([2, 3]));
  const b = C.complex(tf.zeros([2, 3]));
  assert.throws(() => C.matmul(a, b), /matmul: inner dimensions differ/);
  assert.throws(() => C.complex(tf.zeros([2]), tf.zeros([3])), /re shape \[2\] and im shape \[3\]/);
  assert.throws(() => C.fromRealEmbedMatrix(tf.zeros([3, 4])), /must be even/);
});

backendTest('gradients flow through complex matmul and |.|²', async () => {
  const rng = new Rng(4);
  const h = rng.complexNormal([3, 4]);
  const wr = rng.normal([4, 3]);
  const wi = rng.normal([4, 3]);
  // f(W) = ||H W||_F² ; ∂f/∂W* = Hᴴ H W  ⇒ real-parameter gradients 2·Re/Im(HᴴHW)
  const g = tf.grads((r: tf.Tensor, i: tf.Tensor) => C.frobNorm2(C.matmul(h, { re: r, im: i })) as tf.Scalar)([wr, wi]);
  const hhw = C.matmul(h, C.matmul(h, { re: wr, im: wi }), true);
  assertClose(arr(g[0]), arr(tf.mul(hhw.re, 2)), 1e-4, 'dRe');
  assertClose(arr(g[1]), arr(tf.mul(hhw.im, 2)), 1e-4, 'dIm');
});

backendTest('matmul broadcasts batch axes numpy-style ([2, 1, m, k] · [3, k, n] → [2, 3, m, n]) and rejects what does not broadcast', () => {
  const rng = new Rng(5);
  const a = rng.complexNormal([2, 1, 3, 4]);
  const b = rng.complexNormal([3, 4, 5]);
  const p = C.matmul(a, b);
  assert.deepEqual(p.re.shape, [2, 3, 3, 5]);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) {
    const ref = refMatmul(C.toArrays(C.slice(a, [i, 0, 0, 0], [1, 1, 3, 4])), C.toArrays(C.slice(b, [j, 0, 0], [1, 4, 5])));
    const got = C.toArrays(C.slice(p, [i, j, 0, 0], [1, 1, 3, 5]));
    assertClose(got.re, ref.re, 1e-5, `re [${i}, ${j}]`);
    assertClose(got.im, ref.im, 1e-5, `im [${i}, ${j}]`);
  }
  assert.throws(() => C.matmul(rng.complexNormal([2, 3, 4]), rng.complexNormal([3, 4, 5])), /matmul: batch axes do not broadcast/);
  // flattenBatch / batchShape: [..., m, n] ↔ [B, m, n]
  assert.deepEqual(C.flattenBatch(p).re.shape, [6, 3, 5]);
  assert.deepEqual(C.batchShape(p), [2, 3]);
  assert.deepEqual(C.batchShape(C.eye(2)), []);
});

backendTest('results are new tensors: disposing a result never frees an argument', () => {
  const a = new Rng(6).complexNormal([2, 3]);
  for (const r of [C.conj(a), C.reshape(a, [2, 3]), C.expandDims(a, 0), C.scale(a, 1)]) C.dispose(r);
  assert.ok(!a.re.isDisposed && !a.im.isDisposed);
  assert.equal(arr(a.re).length, 6);
});
