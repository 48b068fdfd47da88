import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { systemAtSnr, weightsAndGains, wsr } from '../../../lib/papers/wmmse/system';
import { extendGamma, initialGamma, pgdTerms, projectPowerReal, unfoldedFlops, unfoldedForward, unfoldedLoss, wsrPerLayer } from '../../../lib/papers/wmmse/unfolded';
import { makeTestSet, trainUnfolded, evaluateUnfolded } from '../../../lib/papers/wmmse/training';
import { classicWmmse } from '../../../lib/papers/wmmse/wmmse';
import { backendTest, assertClose, arr } from '../../helpers';

backendTest('∇f(V) = 2(AV − B) of (12) equals the autodiff gradient of f(V) = Σ α_i w_i e_i', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 3, antennas: 4, alpha: [1, 2, 0.5] });
  const { h } = makeTestSet(new Rng(5), { count: 3, users: 3, antennas: 4 });
  const v0 = new Rng(6).complexNormal([3, 4, 3]);
  const { wgt, u } = weightsAndGains(h, v0, sys.noiseVar);
  const alpha = tf.tensor1d(sys.alpha);
  // f(V) with w, u fixed; e_i = |u_i|²(Σ_j |h_i v_j|² + σ²) − 2 Re(u_i* h_i v_i) + 1   (10), MSE of x̂ = u* y
  const f = (vr: tf.Tensor, vi: tf.Tensor) => {
    const g = C.matmul(h, { re: vr, im: vi });
    const total = tf.add(tf.sum(C.abs2(g), -1), sys.noiseVar);
    const d = C.diagPart(g);
    const e = tf.add(tf.sub(tf.mul(C.abs2(u), total), tf.mul(2, tf.add(tf.mul(u.re, d.re), tf.mul(u.im, d.im)))), 1);
    return tf.sum(tf.mul(tf.mul(alpha, wgt), e)) as tf.Scalar;
  };
  const [gr, gi] = tf.grads(f)([v0.re, v0.im]);
  const { a, b } = pgdTerms(h, wgt, u, alpha);
  const ours = C.scale(C.sub(C.matmul(a, v0), b), 2);
  assertClose(arr(ours.re), arr(gr), 2e-3 * Math.max(1, ...Array.from(arr(gr)).map(Math.abs)), 'Re ∇f');
  assertClose(arr(ours.im), arr(gi), 2e-3 * Math.max(1, ...Array.from(arr(gi)).map(Math.abs)), 'Im ∇f');
});

backendTest('projection (13): identity inside the ball, onto the sphere outside', async () => {
  // on the real embedding [Re V; Im V]: ‖·‖_F is that of V
  const v = new Rng(7).complexNormal([5, 4, 4]);
  const vs = tf.concat([v.re, v.im], 1);
  const n2 = arr(C.frobNorm2(v));
  const p = 3;
  const out = projectPowerReal(vs, p);
  const m2 = arr(tf.sum(tf.square(out), [1, 2]));
  for (let i = 0; i < 5; i++) {
    if (n2[i] <= p) assertClose(m2[i], n2[i], 1e-4);
    else assertClose(m2[i], p, 1e-4 * p);
  }
  // outside the ball the direction is kept: out = c·vs with c = √P/‖V‖
  for (let i = 0; i < 5; i++) {
    if (n2[i] > p) assertClose(arr(out.slice([i], [1])), arr(vs.slice([i], [1])).map((x) => x * Math.sqrt(p / n2[i])), 1e-5, `batch ${i}`);
  }
  const small = tf.mul(vs, 0.01);
  assertClose(arr(projectPowerReal(small, p)), arr(small), 1e-7, 'inside: unchanged');
});

backendTest('unfolded output satisfies Tr(VVᴴ) ≤ P for any step sizes, including negative and huge', async () => {
  const sys = systemAtSnr({ snrDb: 20, users: 4, antennas: 4 });
  const { h } = makeTestSet(new Rng(8), { count: 64, users: 4, antennas: 4 });
  for (const g of [[[1, 1, 1, 1], [0.5, 2, -3, 100]], [[-50, 1e4, 0, 1], [1, 1, 1, 1]]]) {
    const out = unfoldedForward(h, tf.tensor2d(g), sys, 4);
    for (const v of out.perLayer) {
      const p = arr(C.frobNorm2(v));
      assert.ok(p.every((x) => Number.isFinite(x) && x <= sys.power * (1 + 1e-5)), `max power ${Math.max(...p)} > P = ${sys.power}`);
    }
  }
});

backendTest('γ = 0 leaves V at the matched-filter initialisation', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 4, antennas: 4 });
  const { h } = makeTestSet(new Rng(9), { count: 10, users: 4, antennas: 4 });
  const out = unfoldedForward(h, tf.zeros([2, 4]), sys, 4);
  const w0 = wsrPerLayer(h, out, sys);
  const base = classicWmmse(makeTestSet(new Rng(9), { count: 10, users: 4, antennas: 4 }).f64, sys, { maxIter: 1, tol: 0 }).wsrTrace[0];
  assertClose(arr(w0).slice(0, 10), base, 1e-3, 'γ = 0 keeps the matched-filter WSR');
});

backendTest('many small PGD steps converge to the classic (5c) update: both implementations agree after one iteration', async () => {
  for (const snr of [10, 20]) {
    const sys = systemAtSnr({ snrDb: snr, users: 4, antennas: 4 });
    const set = makeTestSet(new Rng(`pgd${snr}`), { count: 8, users: 4, antennas: 4 });
    // γ below 1/L_f for these channels: the projected gradient iteration converges to the minimiser of (9)
    const steps = 1500;
    const gamma = tf.fill([1, 1], snr === 10 ? 0.02 : 0.2);
    const out = unfoldedForward(set.h, gamma, sys, steps);
    const unfolded = arr(wsrPerLayer(set.h, out, sys));
    const classic = classicWmmse(set.f64, sys, { maxIter: 1, tol: 0, powerTol: 1e-12 }).wsrTrace[1];
    // measured: ≤ 1e-5 bit/s/Hz (float32 PGD vs float64 eigendecomposition + bisection)
    assertClose(unfolded, classic, 2e-4, `SNR ${snr}: PGD limit vs (5c)`);
  }
});

backendTest('the loss (14) sums every layer; γ gradients are finite; extension keeps trained steps', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 4, antennas: 4 });
  const { h } = makeTestSet(new Rng(10), { count: 20, users: 4, antennas: 4 });
  const gamma = tf.tensor2d([[1, 0.5, 0.3, 0.2], [0.2, 0.1, 0.1, 0.1]]);
  const loss = arr(unfoldedLoss(h, gamma, sys, 4))[0];
  const per = wsrPerLayer(h, unfoldedForward(h, gamma, sys, 4), sys);
  assertClose(loss, -arr(tf.sum(tf.mean(per, 1)))[0], 1e-3, 'loss = −Σ_l mean WSR_l');
  const g = tf.grad((x: tf.Tensor) => unfoldedLoss(h, x, sys, 4))(gamma);
  assert.ok(arr(g).every(Number.isFinite));
  const ext = extendGamma(gamma);
  assert.deepEqual(ext.shape, [2, 5]);
  assertClose(arr(ext), [1, 0.5, 0.3, 0.2, 1, 0.2, 0.1, 0.1, 0.1, 1], 1e-7);
  assert.throws(() => unfoldedForward(h, tf.ones([2, 3]), sys, 4), /second axis must be 1 or pgdSteps=4/);
  assert.throws(() => initialGamma({ layers: 0, pgdSteps: 4, sameGamma: false }), /layers must be a positive integer/);
});

backendTest('training raises the WSR above the untrained network and keeps tf.memory flat', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 4, antennas: 4 });
  const shape = { layers: 1, pgdSteps: 4, sameGamma: false };
  const test = makeTestSet(new Rng('held-out'), { count: 500, users: 4, antennas: 4 });
  const before = tf.memory().numTensors;
  const trained = await trainUnfolded(shape, sys, { steps: 150, batch: 50, learningRate: 0.02 }, new Rng('train'));
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind by training');
  assert.ok(trained.history.numTensors.every((n) => n === trained.history.numTensors[0]));
  const untrained = evaluateUnfolded([[1, 1, 1, 1]], shape, sys, test.h)[0];
  const learned = evaluateUnfolded(trained.gamma, shape, sys, test.h)[0];
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
  assert.ok(mean(learned) > mean(untrained) + 0.1, `trained ${mean(learned)} vs untrained ${mean(untrained)}`);
});

backendTest('input checks: ragged or short γ, h that does not match sys (antennas, users), bad sys fields, mismatched v', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 4, antennas: 4 });
  const shape = { layers: 2, pgdSteps: 4, sameGamma: false };
  const h = new Rng(5).complexNormal([3, 4, 4]);
  assert.throws(() => evaluateUnfolded([[1, 1, 1, 1], [1, 1]], shape, sys, h), /evaluateUnfolded\(gamma\): row 1 needs 4 step sizes \(K = shape\.pgdSteps\); got 2/);
  assert.throws(() => evaluateUnfolded([[1, 1, 1, 1]], shape, sys, h), /evaluateUnfolded\(gamma\): needs 2 rows \(L = shape\.layers\); got 1/);
  assert.throws(() => evaluateUnfolded([[1, 1, 1, 1], [1, NaN, 1, 1]], shape, sys, h), /evaluateUnfolded: gamma\[1\]\[1\] must be a finite number; got NaN/);
  assert.throws(() => evaluateUnfolded([[1], [1]], { ...shape, sameGamma: true }, sys, h, 0), /evaluateUnfolded: chunk must be a positive integer; got 0/);
  const wide = new Rng(6).complexNormal([3, 4, 8]);
  assert.throws(() => evaluateUnfolded([[1, 1, 1, 1], [1, 1, 1, 1]], shape, sys, wide), /evaluateUnfolded\(h\): has M = 8 antennas but sys\.antennas = 4/);
  assert.throws(() => unfoldedForward(wide, tf.ones([2, 4]), sys, 4), /unfoldedForward\(h\): has M = 8 antennas but sys\.antennas = 4/);
  assert.throws(() => unfoldedForward(h, tf.ones([2, 4]), { ...sys, alpha: [1, 1] }, 4), /unfoldedForward\(h\): has N = 4 users but sys\.alpha has 2 priorities/);
  assert.throws(() => unfoldedForward(h, tf.ones([2, 4]), { ...sys, noiseVar: 0 }, 4), /unfoldedForward: sys\.noiseVar must be finite and > 0; got 0/);
  assert.throws(() => unfoldedForward(h, tf.ones([2, 4]), { ...sys, power: NaN }, 4), /unfoldedForward: sys\.power must be finite and > 0; got NaN/);
  const v = new Rng(7).complexNormal([3, 4, 3]);
  assert.throws(() => wsr(h, v, sys), /wsr\(v\): must be \[3, 4, 4\] complex \(batch, M, N\) to match h; got \[3,4,3\]/);
  assert.throws(() => wsr(wide, v, sys), /wsr\(h\): has M = 8 antennas/);
  assert.throws(() => unfoldedForward(h, tf.ones([2, 4]), sys, 4, v), /unfoldedForward\(v\): must be \[3, 4, 4\]/);
  C.dispose(v, wide, h);
});

backendTest('unfoldedFlops: each extra PGD step costs L·(the [2M,2M]·[2M,N] product + update + projection); cost is affine in L', async () => {
  const [m, n] = [6, 3];
  const f = (layers: number, pgdSteps: number) => unfoldedFlops({ antennas: m, users: n, layers, pgdSteps });
  // one real product [2M,2M]·[2M,N] is (2M)²N multiply-adds = 8M²N flops; V − γ∇ 4MN; projection (13) 8MN + 6
  const step = 2 * (2 * m) * (2 * m) * n + 12 * m * n + 6;
  assert.equal(f(3, 5) - f(3, 4), 3 * step);
  assert.equal(f(1, 4) - f(1, 3), step);
  assert.equal(f(4, 4) - f(3, 4), f(3, 4) - f(2, 4), 'every layer costs the same');
  assert.ok(f(1, 4) - (f(2, 4) - f(1, 4)) > 0, 'plus the matched-filter start once');
});
