import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../../lib/core/complex';
import type { Complex } from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { constellation } from '../../../lib/phy/constellation';
import { c2po } from '../../../lib/papers/c2po/c2po';
import { c2poSystem, disposeProblem, fromColumns, prepareProblem } from '../../../lib/papers/c2po/system';
import { estimateSymbols, precodingFactor, startingValues, mseLoss, unfoldedForward } from '../../../lib/papers/c2po/unfolded';
import { arr, assertClose, backendTest } from '../../helpers';

const U = 4, B = 16, N = 32;
const sys = c2poSystem({ users: U, antennas: B });

function data(seed: string, n = N): { h: Complex; s: Complex } {
  const rng = new Rng(seed);
  return { h: rng.fork('h').complexNormal([n, U, B]), s: constellation('16qam').randomSymbols(rng.fork('s'), [n, U]).symbols };
}

const tensors = (v: { tau: number[]; rho: number[] }) => ({ tau: tf.tensor1d(v.tau), rho: tf.tensor1d(v.rho) });

backendTest('at the original τ = 2⁻⁸, ρ = 1.25 the unfolded graph (both variants) computes Algorithm 1', () => {
  const { h, s } = data('orig');
  const p = prepareProblem(h, s, sys);
  const ref = c2po(h, s, sys, { iterations: 3 });
  for (const variant of ['nno', 'tied'] as const) {
    const out = unfoldedForward(p, tensors(startingValues({ variant, iterations: 3 })), 3);
    const x = fromColumns(p, out.x), xq = fromColumns(p, out.xq);
    assertClose(arr(x.re), arr(ref.x.re), 1e-6, `${variant} Re x`);
    assertClose(arr(xq.im), arr(ref.xq.im), 0, `${variant} Im x_Q`);
  }
  // per-iteration values (a trained NNO-C2PO at inference): c2po with arrays = the unfolded graph
  const v = { tau: [0.01, 0.002, 0.005], rho: [1.1, 1.4, 1.2] };
  const net = unfoldedForward(p, tensors(v), 3);
  const alg = c2po(h, s, sys, { iterations: 3, ...v });
  assertClose(arr(fromColumns(p, net.x).re), arr(alg.x.re), 1e-6, 'per-iteration Re x');
  assertClose(arr(fromColumns(p, net.xq).im), arr(alg.xq.im), 0, 'per-iteration Im x_Q');
  disposeProblem(p);
});

backendTest('ρ = 1, τ = 0: every iterate equals x⁽¹⁾ = clip(Hᴴs, ±ξ); quantised outputs lie in X^B', () => {
  const { h, s } = data('id');
  const p = prepareProblem(h, s, sys);
  const out = unfoldedForward(p, tensors(startingValues({ variant: 'nno', iterations: 4, tau: 0, rho: 1 })), 4, { keepIterates: true });
  assert.equal(out.iterates?.length, 4);
  const x0 = C.matmul(h, C.expandDims(s, -1), true, false);
  const first = fromColumns(p, out.iterates![0]);
  assertClose(arr(first.re), arr(x0.re).map((v) => Math.min(Math.max(v, -sys.xi), sys.xi)), 1e-5, 'x⁽¹⁾');
  for (const it of out.iterates!) assertClose(arr(it), arr(out.iterates![0]), 0, 'x⁽ᵗ⁾ = x⁽¹⁾');
  for (const v of arr(out.xq)) assert.ok(v === Math.fround(sys.xi) || v === -Math.fround(sys.xi), `x_Q entry ${v} is not ±ξ`);
  disposeProblem(p);
});

backendTest('β̂ and ŝ of (7) equal the complex formulas β̂ = ‖s‖²/(sᴴHx_Q), ŝ = β̂Hx_Q', () => {
  const { h, s } = data('beta', 6);
  const p = prepareProblem(h, s, sys);
  const xq = { re: tf.sign(new Rng('q').normal([6, B, 1])).mul(sys.xi), im: tf.sign(new Rng('q2').normal([6, B, 1])).mul(sys.xi) };
  const v = C.matmul(h, xq); // [6, U, 1]
  const shv = C.matmul(C.expandDims(s, -1), v, true, false); // sᴴv: [6, 1, 1]
  const n2 = tf.sum(C.abs2(s), -1).reshape([6, 1, 1]);
  const d = C.abs2(shv);
  const beta = { re: tf.div(tf.mul(n2, shv.re), d), im: tf.div(tf.mul(n2, tf.neg(shv.im)), d) };
  const want = C.mul(beta, v);
  const xqr = tf.concat([xq.re, xq.im], 1);
  const b = precodingFactor(p, xqr);
  assertClose(arr(b.re), arr(beta.re), 1e-4 * Math.max(...Array.from(arr(beta.re)).map(Math.abs)), 'Re β̂');
  assertClose(arr(b.im), arr(beta.im), 1e-4 * Math.max(...Array.from(arr(beta.re)).map(Math.abs)), 'Im β̂');
  assert.throws(() => estimateSymbols(p, tf.zeros([6, B, 1])), /estimateSymbols\(xq\): must be \[6,32,1\]/);
  const got = fromColumns(p, estimateSymbols(p, xqr));
  assertClose(arr(got.re), arr(want.re), 1e-4, 'Re ŝ');
  assertClose(arr(got.im), arr(want.im), 1e-4, 'Im ŝ');
  disposeProblem(p);
});

backendTest('gradients of the MSE (10) reach every τ⁽ᵗ⁾ and ρ⁽ᵗ⁾ (finite, non-zero), NNO and tied', () => {
  const { h, s } = data('grad');
  const p = prepareProblem(h, s, sys);
  for (const variant of ['nno', 'tied'] as const) {
    const v = startingValues({ variant, iterations: 3 });
    const [gTau, gRho] = tf.grads((tau: tf.Tensor, rho: tf.Tensor) => mseLoss(p, { tau, rho }, 3))([tf.tensor1d(v.tau), tf.tensor1d(v.rho)]);
    for (const [name, g] of [['τ', gTau], ['ρ', gRho]] as const) {
      assert.deepEqual(g.shape, [variant === 'nno' ? 3 : 1]);
      for (const x of arr(g)) assert.ok(Number.isFinite(x) && x !== 0, `${variant}: ∂C/∂${name} = ${x}`);
    }
  }
  disposeProblem(p);
});

backendTest('shared-channel block: unfolded ŝ and the loss equal the per-sample form', () => {
  const rng = new Rng('blk');
  const T = 9;
  const h1 = rng.fork('h').complexNormal([U, B]);
  const s = constellation('16qam').randomSymbols(rng.fork('s'), [T, U]).symbols;
  const tiled = { re: tf.tile(tf.expandDims(h1.re, 0), [T, 1, 1]), im: tf.tile(tf.expandDims(h1.im, 0), [T, 1, 1]) };
  const ps = prepareProblem(h1, C.transpose(s), sys), pp = prepareProblem(tiled, s, sys);
  assert.equal(ps.layout, 'shared');
  assert.equal(pp.layout, 'perSample');
  const params = tensors(startingValues({ variant: 'nno', iterations: 2, tau: [0.01, 0.003], rho: [1.1, 1.3] }));
  const a = fromColumns(ps, unfoldedForward(ps, params, 2).sHat), b = fromColumns(pp, unfoldedForward(pp, params, 2).sHat);
  assert.deepEqual(a.re.shape, [U, T]);
  assertClose(arr(tf.transpose(a.re)), arr(b.re), 1e-4, 'Re ŝ');
  assertClose(arr(tf.transpose(a.im)), arr(b.im), 1e-4, 'Im ŝ');
  assertClose(arr(mseLoss(ps, params, 2)), arr(mseLoss(pp, params, 2)), 1e-5, 'C');
  disposeProblem(ps);
  disposeProblem(pp);
});

backendTest('no tensor leaks: unfoldedForward, mseLoss, estimateSymbols, tf.grads of the loss', () => {
  const { h, s } = data('leak', 8);
  const p = prepareProblem(h, s, sys);
  const params = tensors(startingValues({ variant: 'nno', iterations: 3 }));
  const xq = tf.fill([8, 2 * B, 1], sys.xi);
  const before = tf.memory().numTensors;
  const out = unfoldedForward(p, params, 3);
  assert.equal(tf.memory().numTensors, before + 3, 'x, x_Q, ŝ');
  tf.dispose([out.x, out.xq, out.sHat]);
  const withIt = unfoldedForward(p, params, 3, { keepIterates: true });
  assert.equal(tf.memory().numTensors, before + 5, 'x_Q, ŝ and 3 iterates (x is the last iterate)');
  assert.equal(withIt.x, withIt.iterates![2]);
  tf.dispose([withIt.x, withIt.xq, withIt.sHat, ...withIt.iterates!]);
  tf.dispose([mseLoss(p, params, 3), estimateSymbols(p, xq)]);
  C.dispose(precodingFactor(p, xq));
  tf.dispose(tf.grads((tau: tf.Tensor, rho: tf.Tensor) => mseLoss(p, { tau, rho }, 3))([params.tau, params.rho]));
  assert.equal(tf.memory().numTensors, before);
  disposeProblem(p);
});
