import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../../lib/core/complex';
import type { Complex } from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { constellation } from '../../../lib/phy/constellation';
import { applyA, applyAhA, c2po, C2PO_ORIGINAL, c2poStep, initialIterate, prox } from '../../../lib/papers/c2po/c2po';
import { c2poSystem, disposeProblem, fromColumns, prepareProblem, toColumns } from '../../../lib/papers/c2po/system';
import { arr, assertClose, backendTest } from '../../helpers';

const U = 3, B = 12, N = 5;
const sys = c2poSystem({ users: U, antennas: B });

function data(seed: string, n = N): { h: Complex; s: Complex } {
  const rng = new Rng(seed);
  const h = rng.fork('h').complexNormal([n, U, B]);
  const s = constellation('16qam').randomSymbols(rng.fork('s'), [n, U]).symbols;
  return { h, s };
}

/** Explicit A = (I − ssᴴ/‖s‖²)H per sample, as complex matrices: [n, U, B]. */
function explicitA(h: Complex, s: Complex): Complex {
  return C.tidy(() => {
    const sc = C.expandDims(s, -1); // [n, U, 1]
    const n2 = tf.sum(C.abs2(s), -1).reshape([-1, 1, 1]);
    const proj = C.scale(C.matmul(sc, sc, false, true), tf.div(1, n2)); // ssᴴ/‖s‖²
    return C.matmul(C.sub(C.eye(U), proj), h);
  });
}

backendTest('x⁽⁰⁾ = Hᴴs, Ax and AᴴAx computed without AᴴA equal the explicit matrix products', () => {
  const { h, s } = data('a');
  const x = new Rng('x').complexNormal([N, B]);
  const p = prepareProblem(h, s, sys);
  const xr = toColumns(p, x);
  const a = explicitA(h, s);
  const ax = C.matmul(a, C.expandDims(x, -1)); // [n, U, 1]
  const aha = C.matmul(C.matmul(a, a, true, false), C.expandDims(x, -1)); // AᴴA formed explicitly: [n, B, 1]
  const ours = fromColumns(p, applyA(p, xr));
  assertClose(arr(ours.re), arr(ax.re), 1e-4, 'Re Ax');
  assertClose(arr(ours.im), arr(ax.im), 1e-4, 'Im Ax');
  const ours2 = fromColumns(p, applyAhA(p, xr));
  const scale = Math.max(...Array.from(arr(aha.re)).map(Math.abs));
  assertClose(arr(ours2.re), arr(aha.re), 1e-5 * scale, 'Re AᴴAx');
  assertClose(arr(ours2.im), arr(aha.im), 1e-5 * scale, 'Im AᴴAx');
  const x0 = fromColumns(p, initialIterate(p));
  const hs = C.matmul(h, C.expandDims(s, -1), true, false);
  assertClose(arr(x0.re), arr(hs.re), 1e-5, 'Re Hᴴs');
  assertClose(arr(x0.im), arr(hs.im), 1e-5, 'Im Hᴴs');
  // sᴴ A x = 0 for every x (the residual is orthogonal to s)
  const sAx = C.matmul(C.expandDims(s, -1), ax, true, false);
  assertClose(arr(sAx.re), new Float32Array(N), 1e-4, 'Re sᴴAx');
  assertClose(arr(sAx.im), new Float32Array(N), 1e-4, 'Im sᴴAx');
  disposeProblem(p);
});

backendTest('prox (2) equals clip of the scaled input, per real and imaginary part', () => {
  const z = new Rng('z').normal([4, 2 * B, 3], 0.3);
  for (const [rho, xi] of [[1.25, 0.2], [1, 0.05], [0.5, 1]]) {
    const got = arr(prox(z, rho, xi));
    const want = arr(z).map((v) => Math.min(Math.max(rho * v, -xi), xi));
    assertClose(got, want, 1e-7, `rho=${rho}, xi=${xi}`);
  }
  const got = arr(prox(z, tf.scalar(1.5), 0.1));
  assertClose(got, arr(z).map((v) => Math.min(Math.max(1.5 * v, -0.1), 0.1)), 1e-7, 'tensor ρ');
});

backendTest('with ρ = 1 and τ = 0 an iteration is the identity on the box [−ξ, ξ] (before quantisation)', () => {
  const { h, s } = data('b');
  const p = prepareProblem(h, s, sys);
  const x = new Rng('inbox').uniform([N, 2 * B, 1], -sys.xi, sys.xi);
  assertClose(arr(c2poStep(p, x, 0, 1)), arr(x), 0, 'step(x) = x');
  assertClose(arr(c2poStep(p, x, tf.scalar(0), tf.scalar(1))), arr(x), 0, 'tensor τ, ρ');
  disposeProblem(p);
});

backendTest('C2PO matches a reference written with explicit complex A and AᴴA; x_Q lies in X^B = {±ξ ± jξ}^B', () => {
  const { h, s } = data('c');
  const iterations = 4;
  const { tau, rho } = C2PO_ORIGINAL;
  const a = explicitA(h, s);
  const aha = C.matmul(a, a, true, false);
  let x = C.matmul(h, C.expandDims(s, -1), true, false); // Hᴴs: [n, B, 1]
  const clip = (t: tf.Tensor) => tf.clipByValue(tf.mul(t, rho), -sys.xi, sys.xi);
  for (let t = 0; t < iterations; t++) {
    const z = C.sub(x, C.scale(C.matmul(aha, x), tau));
    x = { re: clip(z.re), im: clip(z.im) };
  }
  const out = c2po(h, s, sys, { iterations });
  assert.deepEqual(out.x.re.shape, [N, B]);
  assertClose(arr(out.x.re), arr(x.re), 1e-5, 'Re x');
  assertClose(arr(out.x.im), arr(x.im), 1e-5, 'Im x');
  for (const part of [out.xq.re, out.xq.im]) {
    for (const v of arr(part)) assert.ok(Math.abs(Math.abs(v) - sys.xi) <= 1e-7 * sys.xi, `x_Q entry ${v} is not ±ξ = ±${sys.xi}`);
  }
  // ‖x_Q‖² = P exactly (the alphabet meets the power constraint with equality)
  assertClose(arr(C.frobNorm2(out.xq, [-1])), new Float32Array(N).fill(sys.power), 1e-5, '‖x_Q‖²');
  // signs of x_Q are those of x (sign(0) = +1)
  const xs = arr(out.x.re), qs = arr(out.xq.re);
  xs.forEach((v, i) => assert.equal(qs[i] > 0, v >= 0));
});

backendTest('the shared-channel block form (one H, s: [U, T] columns) equals the per-sample form', () => {
  const rng = new Rng('shared');
  const T = 7;
  const h1 = rng.fork('h').complexNormal([U, B]);
  const s = constellation('16qam').randomSymbols(rng.fork('s'), [T, U]).symbols; // rows, per sample
  const cols = C.transpose(s); // [U, T]
  const shared = c2po(h1, cols, sys, { iterations: 3 });
  assert.deepEqual(shared.x.re.shape, [B, T]);
  const tiled = { re: tf.tile(tf.expandDims(h1.re, 0), [T, 1, 1]), im: tf.tile(tf.expandDims(h1.im, 0), [T, 1, 1]) };
  const per = c2po(tiled, s, sys, { iterations: 3 });
  assertClose(arr(tf.transpose(shared.x.re)), arr(per.x.re), 1e-5, 'Re x');
  assertClose(arr(tf.transpose(shared.x.im)), arr(per.x.im), 1e-5, 'Im x');
  assert.throws(() => c2po(h1, s, sys, { iterations: 1 }), /s: \[U, T\] with U = 3/);
  // x_Q equal where x is not within rounding of a sign change
  const xr = arr(per.x.re), a = arr(tf.transpose(shared.xq.re)), b = arr(per.xq.re);
  xr.forEach((v, i) => { if (Math.abs(v) > 1e-5) assert.equal(a[i], b[i]); });
});

backendTest('homogeneity of the scale convention: (s, P) → (αs, α²P) scales x by α', () => {
  const { h, s } = data('scale');
  const alpha = 3;
  const big = c2poSystem({ users: U, antennas: B, power: alpha * alpha });
  const x1 = c2po(h, s, sys, { iterations: 3 }).x;
  const x2 = c2po(h, C.scale(s, alpha), big, { iterations: 3 }).x;
  assertClose(arr(x2.re), arr(x1.re).map((v) => alpha * v), 1e-5, 'Re');
  assertClose(arr(x2.im), arr(x1.im).map((v) => alpha * v), 1e-5, 'Im');
});

backendTest('no tensor leaks: c2po, prepareProblem/disposeProblem, applyA, applyAhA, prox, c2poStep', () => {
  const { h, s } = data('leak');
  const before = tf.memory().numTensors;
  const out = c2po(h, s, sys, { iterations: 3 });
  assert.equal(tf.memory().numTensors, before + 4, 'c2po returns exactly x and x_Q (4 tensors)');
  C.dispose(out.x, out.xq);
  const p = prepareProblem(h, s, sys);
  const x = initialIterate(p);
  const mid = tf.memory().numTensors;
  tf.dispose([applyA(p, x), applyAhA(p, x), prox(x, 1.2, sys.xi), c2poStep(p, x, 0.01, 1.2)]);
  C.dispose(fromColumns(p, x));
  assert.equal(tf.memory().numTensors, mid, 'applyA, applyAhA, prox, c2poStep, fromColumns leave only their results');
  x.dispose();
  disposeProblem(p);
  assert.equal(tf.memory().numTensors, before, 'prepareProblem/disposeProblem');
});
