import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../lib/core/random';
import { Complex, dispose } from '../../lib/core/complex';
import {
  rayleigh, ulaSteering, superposePaths, losChannel, losResponse, clusteredChannel, squeezeRx,
  imperfectCsi, geometricChannel, geometricScenario,
} from '../../lib/phy/channels';
import { backendTest, arr, assertClose } from '../helpers';

const RAD = Math.PI / 180;

/** mean and standard error of the mean */
function meanSe(xs: ArrayLike<number>): { mean: number; se: number } {
  const n = xs.length;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) { s += xs[i]; s2 += xs[i] * xs[i]; }
  const mean = s / n;
  const v = Math.max(s2 / n - mean * mean, 0);
  return { mean, se: Math.sqrt(v / (n - 1)) };
}

/** squared norm of each row of length `len` */
function rowEnergy(h: Complex, len: number): Float64Array {
  const re = arr(h.re), im = arr(h.im);
  const out = new Float64Array(re.length / len);
  for (let i = 0; i < re.length; i++) out[Math.floor(i / len)] += re[i] ** 2 + im[i] ** 2;
  return out;
}

function assertWithin(x: number, target: number, tol: number, what: string): void {
  assert.ok(Math.abs(x - target) <= tol, `${what}: ${x} vs ${target} (tol ${tol.toExponential(2)})`);
}

backendTest('rayleigh: E|h|² = variance per entry, ½·variance per component, uncorrelated parts', async () => {
  const v = 2, batch = 4000, K = 2, M = 3;
  const h = rayleigh(new Rng(5), { batch, users: K, antennas: M, variance: v });
  assert.deepEqual(h.re.shape, [batch, K, M]);
  const re = arr(h.re), im = arr(h.im);
  const n = re.length;
  let sr = 0, si = 0, sri = 0;
  const perEntry = new Float64Array(K * M);
  for (let i = 0; i < n; i++) {
    sr += re[i] ** 2; si += im[i] ** 2; sri += re[i] * im[i];
    perEntry[i % (K * M)] += re[i] ** 2 + im[i] ** 2;
  }
  // Re² has mean v/2 and std (v/2)√2; |h|² is exponential with mean = std = v
  assertWithin(sr / n, v / 2, 5 * (v / 2) * Math.sqrt(2 / n), 'E[Re²]');
  assertWithin(si / n, v / 2, 5 * (v / 2) * Math.sqrt(2 / n), 'E[Im²]');
  assertWithin(sri / n, 0, 5 * (v / 2) / Math.sqrt(n), 'E[Re·Im]');
  for (let e = 0; e < K * M; e++) assertWithin(perEntry[e] / batch, v, 5 * v / Math.sqrt(batch), `E|h|² of entry ${e}`);
  assert.deepEqual(arr(rayleigh(new Rng(5), { batch: 2, users: 2, antennas: 2 }).re), arr(rayleigh(new Rng(5), { batch: 2, users: 2, antennas: 2 }).re));
  assert.notDeepEqual(arr(rayleigh(new Rng(5), { batch: 2, users: 2, antennas: 2 }).re), arr(rayleigh(new Rng(6), { batch: 2, users: 2, antennas: 2 }).re));
  dispose(h);
});

test('rayleigh: bad arguments are named', () => {
  const r = new Rng(1);
  assert.throws(() => rayleigh(r, { batch: 0, users: 2, antennas: 2 }), /batch must be a positive integer; got 0/);
  assert.throws(() => rayleigh(r, { batch: 1, users: 1.5, antennas: 2 }), /users \(K\) must be a positive integer/);
  assert.throws(() => rayleigh(r, { batch: 1, users: 1, antennas: 2, variance: -1 }), /variance must be finite and >= 0; got -1/);
});

backendTest('ulaSteering: closed form, norms, tensor path = number path, endfire(φ) = broadside(90° − φ)', async () => {
  const n = 64, d = 0.5;
  const angles = [-80, -33.3, 0, 17, 60, 89.9].map((a) => a * RAD);
  const a = ulaSteering(angles, n);
  const re = arr(a.re), im = arr(a.im);
  for (let l = 0; l < angles.length; l++) {
    for (let m = 0; m < n; m++) {
      const ph = 2 * Math.PI * d * m * Math.sin(angles[l]);
      assert.ok(Math.abs(re[l * n + m] - Math.cos(ph)) < 1e-6 && Math.abs(im[l * n + m] - Math.sin(ph)) < 1e-6, `a_${m}(θ_${l})`);
    }
  }
  // ‖a‖² = n, or 1 with unitNorm
  const unit = ulaSteering(angles, n, { unitNorm: true });
  assertClose(rowEnergy(a, n), new Array(angles.length).fill(n), 1e-3, '‖a‖²');
  assertClose(rowEnergy(unit, n), new Array(angles.length).fill(1), 1e-5, '‖a‖² unit norm');
  // tensor path (float32 phases, differentiable) agrees with the float64 path
  const t = tf.tensor1d(angles);
  const at = ulaSteering(tf.reshape(t, [2, 3]), n, { unitNorm: true });
  assert.deepEqual(at.re.shape, [2, 3, n]);
  assertClose(arr(at.re), arr(unit.re), 1e-4, 'tensor vs number path (re)');
  assertClose(arr(at.im), arr(unit.im), 1e-4, 'tensor vs number path (im)');
  // endfire reference: u = cos φ, so a(φ; endfire) = a(90° − φ; broadside)
  const phis = [0, 30, 90, 145];
  const e = ulaSteering(phis.map((p) => p * RAD), 8, { reference: 'endfire', spacing: 0.7 });
  const b = ulaSteering(phis.map((p) => (90 - p) * RAD), 8, { spacing: 0.7 });
  assertClose(arr(e.re), arr(b.re), 1e-6, 'endfire vs broadside');
  assertClose(arr(e.im), arr(b.im), 1e-6, 'endfire vs broadside');
  dispose(a, unit, at, e, b);
  t.dispose();
  assert.throws(() => ulaSteering([0], 0), /n \(antennas\) must be a positive integer/);
  assert.throws(() => ulaSteering([0], 4, { spacing: 0 }), /spacing \(wavelengths\) must be finite and > 0/);
  assert.throws(() => ulaSteering([NaN], 4), /anglesRad\[0\] must be finite/);
});

backendTest('superposePaths: one path = g·a_r a_tᴴ (checks the recurrence against direct trig); sums add up', async () => {
  const nRx = 3, nTx = 40, th = 0.4, ar = -1.1, g = { re: 0.3, im: -0.8 };
  const out = superposePaths({
    groups: 1, paths: 1, nRx, nTx, gainRe: Float64Array.of(g.re), gainIm: Float64Array.of(g.im),
    txAngleRad: Float64Array.of(th), rxAngleRad: Float64Array.of(ar), tx: { unitNorm: true }, rx: { unitNorm: true },
  });
  for (let r = 0; r < nRx; r++) {
    for (let m = 0; m < nTx; m++) {
      // g e^{jπ r sin ar} e^{−jπ m sin th} / √(nRx nTx)
      const ph = Math.PI * (r * Math.sin(ar) - m * Math.sin(th));
      const s = 1 / Math.sqrt(nRx * nTx);
      const wr = s * (g.re * Math.cos(ph) - g.im * Math.sin(ph)), wi = s * (g.re * Math.sin(ph) + g.im * Math.cos(ph));
      assert.ok(Math.abs(out.re[r * nTx + m] - wr) < 1e-6 && Math.abs(out.im[r * nTx + m] - wi) < 1e-6, `entry ${r},${m}`);
    }
  }
  // two groups × two paths: each group is the sum of its single-path matrices
  const two = superposePaths({
    groups: 2, paths: 2, nRx: 1, nTx: 5, gainRe: Float64Array.of(1, 2, 3, 4), gainIm: Float64Array.of(0, 1, 0, -1),
    txAngleRad: Float64Array.of(0.1, 0.2, 0.3, 0.4),
  });
  const one = (i: number) => superposePaths({
    groups: 1, paths: 1, nRx: 1, nTx: 5, gainRe: Float64Array.of([1, 2, 3, 4][i]), gainIm: Float64Array.of([0, 1, 0, -1][i]),
    txAngleRad: Float64Array.of([0.1, 0.2, 0.3, 0.4][i]),
  });
  const sum = (a: Float32Array, b: Float32Array) => a.map((x, i) => x + b[i]);
  assertClose(two.re.subarray(5, 10), sum(one(2).re, one(3).re), 1e-5, 'group 1 = path 2 + path 3');
  assertClose(two.im.subarray(0, 5), sum(one(0).im, one(1).im), 1e-5, 'group 0 = path 0 + path 1');
  assert.throws(() => superposePaths({ groups: 2, paths: 2, nRx: 1, nTx: 5, gainRe: new Float64Array(3), gainIm: new Float64Array(4), txAngleRad: new Float64Array(4) }),
    /gainRe must have groups·paths = 4 entries; got 3/);
  assert.throws(() => superposePaths({ groups: 1, paths: 1, nRx: 2, nTx: 5, gainRe: new Float64Array(1), gainIm: new Float64Array(1), txAngleRad: new Float64Array(1) }),
    /rxAngleRad must have/);
});

backendTest('LoS (GNN eq. 10): unit modulus, h_{m,k} = exp(−jπ m cos φ_k), integer angles 0..180', async () => {
  const batch = 1500, K = 2, M = 16;
  const before = tf.memory().numTensors;
  const { h, anglesDeg } = losChannel(new Rng(3), { batch, users: K, antennas: M });
  assert.equal(tf.memory().numTensors, before + 2, 'only h.re and h.im are left');
  assert.deepEqual(h.re.shape, [batch, K, M]);
  const re = arr(h.re), im = arr(h.im);
  for (let g = 0; g < batch * K; g++) {
    const c = Math.cos(anglesDeg[g] * RAD);
    for (let m = 0; m < M; m++) {
      const i = g * M + m;
      if (Math.abs(re[i] - Math.cos(Math.PI * m * c)) > 1e-6 || Math.abs(im[i] + Math.sin(Math.PI * m * c)) > 1e-6) {
        assert.fail(`h[${g}, ${m}] = ${re[i]} + ${im[i]}j ≠ exp(−jπ·${m}·cos ${anglesDeg[g]}°)`);
      }
    }
  }
  assert.ok(anglesDeg.every((a) => Number.isInteger(a) && a >= 0 && a <= 180), 'angles are integer degrees in [0, 180]');
  assert.ok(anglesDeg.includes(0) && anglesDeg.includes(180), 'both ends of U{0..180} occur in 3000 draws');
  const { mean, se } = meanSe(anglesDeg);
  assertWithin(mean, 90, 5 * se, 'mean angle');
  dispose(h);
});

backendTest('LoS: given angles, pathological angles, continuous option, spacing, losResponse, seeds, bad input', async () => {
  const M = 6;
  // φ = 90° → all ones; φ = 0° → (−1)^m; φ = 60° → (−j)^m
  const { h, anglesDeg } = losChannel(new Rng(0), { batch: 2, users: 3, antennas: M, angles: [90, 0, 60] });
  assert.deepEqual(Array.from(anglesDeg), [90, 0, 60, 90, 0, 60]);
  const want = { re: [] as number[], im: [] as number[] };
  for (let b = 0; b < 2; b++) {
    for (let m = 0; m < M; m++) { want.re.push(1); want.im.push(0); }
    for (let m = 0; m < M; m++) { want.re.push((-1) ** m); want.im.push(0); }
    for (let m = 0; m < M; m++) { want.re.push([1, 0, -1, 0][m % 4]); want.im.push([0, -1, 0, 1][m % 4]); }
  }
  assertClose(arr(h.re), want.re, 1e-6, 'pathological angles (re)');
  assertClose(arr(h.im), want.im, 1e-6, 'pathological angles (im)');
  const cont = losChannel(new Rng(1), { batch: 50, users: 2, antennas: 2, angles: 'uniform' });
  assert.ok(cont.anglesDeg.some((a) => !Number.isInteger(a)) && cont.anglesDeg.every((a) => a >= 0 && a < 180));
  // spacing d = 1: exp(−j2π m cos φ); with φ = 70°
  const d1 = losChannel(new Rng(0), { batch: 1, users: 1, antennas: 4, angles: [70], spacing: 1 });
  assertClose(arr(d1.h.im), [0, 1, 2, 3].map((m) => -Math.sin(2 * Math.PI * m * Math.cos(70 * RAD))), 1e-6, 'spacing 1');
  // the radiation-pattern response for a tensor of angles equals the channel rows
  const resp = losResponse(tf.tensor1d([90, 0, 60]), M);
  assertClose(arr(resp.re), want.re.slice(0, 3 * M), 1e-5, 'losResponse (tensor)');
  // reproducible
  assert.deepEqual(losChannel(new Rng(9), { batch: 3, users: 2, antennas: 2 }).anglesDeg, losChannel(new Rng(9), { batch: 3, users: 2, antennas: 2 }).anglesDeg);
  dispose(h, cont.h, d1.h, resp);
  const r = new Rng(1);
  assert.throws(() => losChannel(r, { batch: 2, users: 3, antennas: 4, angles: [1, 2] }), /angles must hold K = 3 or batch·K = 6 degrees; got 2/);
  assert.throws(() => losChannel(r, { batch: 1, users: 1, antennas: 4, angles: [NaN] }), /angles\[0\] \(degrees\) must be a finite number/);
  assert.throws(() => losChannel(r, { batch: 1, users: 1, antennas: 4, angles: 'gaussian' as 'uniform' }), /angles must be 'integer-degrees', 'uniform'/);
  assert.throws(() => losChannel(r, { batch: 1, users: 1, antennas: 0 }), /antennas \(M\) must be a positive integer/);
});

backendTest('clustered (MSER eq. 3): E‖H_k‖_F² = N_t·N_r from the prefactor (Monte Carlo)', async () => {
  const batch = 600, K = 2, nt = 16, nr = 4;
  const c = clusteredChannel(new Rng(11), { batch, users: K, txAntennas: nt, rxAntennas: nr, clusters: 4, raysPerCluster: 5 });
  assert.deepEqual(c.h.re.shape, [batch, K, nr, nt]);
  const e = rowEnergy(c.h, nr * nt);
  const { mean, se } = meanSe(e);
  assertWithin(mean, nt * nr, 5 * se, 'E‖H_k‖_F²');
  assert.ok(se < 0.05 * nt * nr, `standard error ${se} small enough for the test to bite`);
  // gainVariance scales it
  const c2 = clusteredChannel(new Rng(12), { batch, users: K, txAntennas: nt, rxAntennas: 1, gainVariance: 3 });
  const e2 = meanSe(rowEnergy(c2.h, nt));
  assertWithin(e2.mean, 3 * nt, 5 * e2.se, 'E‖H_k‖² with σ_α² = 3, N_r = 1');
  dispose(c.h, c2.h);
});

backendTest('clustered: one ray is rank one with equal-modulus entries and the ULA phase progressions', async () => {
  const nt = 8, nr = 3;
  const c = clusteredChannel(new Rng(2), { batch: 5, users: 2, txAntennas: nt, rxAntennas: nr, clusters: 1, raysPerCluster: 1 });
  const re = arr(c.h.re), im = arr(c.h.im);
  for (let g = 0; g < 10; g++) {
    const at = (r: number, m: number) => ({ re: re[g * nr * nt + r * nt + m], im: im[g * nr * nt + r * nt + m] });
    const h00 = at(0, 0);
    const mod = Math.hypot(h00.re, h00.im); // = γ|α|/√(N_t N_r) = |α|
    const stT = Math.PI * Math.sin(c.aodDeg[g] * RAD), stR = Math.PI * Math.sin(c.aoaDeg[g] * RAD);
    for (let r = 0; r < nr; r++) {
      for (let m = 0; m < nt; m++) {
        // H_{r,m} = H_{0,0} e^{jπ r sin θʳ} e^{−jπ m sin θᵗ}
        const ph = r * stR - m * stT;
        const wr = h00.re * Math.cos(ph) - h00.im * Math.sin(ph), wi = h00.re * Math.sin(ph) + h00.im * Math.cos(ph);
        const x = at(r, m);
        assert.ok(Math.abs(x.re - wr) < 1e-5 * (1 + mod) && Math.abs(x.im - wi) < 1e-5 * (1 + mod), `H[${g}][${r},${m}]`);
      }
    }
  }
  dispose(c.h);
});

backendTest('clustered: cluster means uniform in range, ray offsets with the stated spread and law', async () => {
  const spread = 7.5;
  for (const law of ['laplacian', 'uniform'] as const) {
    const c = clusteredChannel(new Rng(4), { batch: 100, users: 2, txAntennas: 2, clusters: 8, raysPerCluster: 10, rayLaw: law, angularSpreadDeg: spread });
    assert.ok(c.clusterAodDeg.every((a) => a >= -90 && a < 90) && c.clusterAoaDeg.every((a) => a >= -90 && a < 90));
    const off = c.aodDeg.map((a, i) => a - c.clusterAodDeg[Math.floor(i / 10)]);
    const sq = meanSe(off.map((x) => x * x));
    assertWithin(sq.mean, spread ** 2, 5 * sq.se, `${law}: offset variance`);
    // E|x| = σ/√2 for a Laplacian, √3σ/2 for a uniform law with std σ
    const ab = meanSe(off.map(Math.abs));
    assertWithin(ab.mean, law === 'laplacian' ? spread / Math.SQRT2 : (Math.sqrt(3) * spread) / 2, 5 * ab.se, `${law}: E|offset|`);
    dispose(c.h);
  }
});

backendTest('clustered: squeezeRx, reproducibility, bad input', async () => {
  const o = { batch: 3, users: 2, txAntennas: 4 };
  const c = clusteredChannel(new Rng(8), o);
  assert.deepEqual(c.h.re.shape, [3, 2, 1, 4]);
  const s = squeezeRx(c.h);
  assert.deepEqual(s.re.shape, [3, 2, 4]);
  assert.deepEqual(arr(s.im), arr(c.h.im));
  assert.deepEqual(arr(clusteredChannel(new Rng(8), o).h.re), arr(c.h.re));
  assert.notDeepEqual(arr(clusteredChannel(new Rng(7), o).h.re), arr(c.h.re));
  const c2 = clusteredChannel(new Rng(8), { ...o, rxAntennas: 2 });
  assert.throws(() => squeezeRx(c2.h), /squeezeRx\(h\): needs h of shape \[\.\.\., K, 1, N_t\] \(N_r = 1\); got \[3, 2, 2, 4\]/);
  const r = new Rng(1);
  assert.throws(() => clusteredChannel(r, { ...o, clusters: 0 }), /clusters \(N_C\) must be a positive integer/);
  assert.throws(() => clusteredChannel(r, { ...o, angularSpreadDeg: -1 }), /angularSpreadDeg must be finite and >= 0/);
  assert.throws(() => clusteredChannel(r, { ...o, meanAngleRangeDeg: [10, -10] }), /lo <= hi/);
  assert.throws(() => clusteredChannel(r, { ...o, rayLaw: 'cauchy' as 'uniform' }), /rayLaw must be 'laplacian' or 'uniform'/);
  dispose(c.h, s, c2.h);
});

backendTest('imperfect CSI (MSER §VI): H = H̄ + σ_h Δ, error variance σ_h², error independent of H', async () => {
  const sigma = 0.3, shape = [2000, 4, 8];
  const h = new Rng(1).complexNormal(shape, 1);
  const before = tf.memory().numTensors;
  const { hTrue, hEst } = imperfectCsi(new Rng(2), h, sigma);
  assert.equal(tf.memory().numTensors, before + 4, 'four new tensors, no leaks');
  // the paper's direction: the synthesised channel is the true one
  assert.deepEqual(arr(hTrue.re), arr(h.re));
  const estRe = arr(hEst.re), estIm = arr(hEst.im);
  const er = arr(hTrue.re).map((x, i) => x - estRe[i]);
  const ei = arr(hTrue.im).map((x, i) => x - estIm[i]);
  const n = er.length, s2 = sigma * sigma;
  const e2 = er.reduce((a, x, i) => a + x * x + ei[i] * ei[i], 0) / n;
  assertWithin(e2, s2, 5 * s2 / Math.sqrt(n), 'E|H − H̄|²');
  assertWithin(er.reduce((a, x) => a + x * x, 0) / n, s2 / 2, 5 * (s2 / 2) * Math.sqrt(2 / n), 'E[Re(H − H̄)²]');
  const hr = arr(h.re);
  assertWithin(er.reduce((a, x, i) => a + x * hr[i], 0) / n, 0, 5 * Math.sqrt(s2 / 2 * 0.5 / n), 'E[Re e · Re H]');
  // given the estimate: H̄ is the input and H = H̄ + σΔ; the same seed gives the same σΔ = H − H̄
  const g = imperfectCsi(new Rng(2), h, sigma, 'estimate');
  assert.deepEqual(arr(g.hEst.im), arr(h.im));
  assertClose(arr(g.hTrue.re).map((x, i) => x - hr[i]), er, 1e-6, 'H − H̄ with given = estimate');
  // σ_h = 0: perfect CSI; 4-D channels work
  const z = imperfectCsi(new Rng(3), h, 0);
  assert.deepEqual(arr(z.hEst.re), hr);
  const h4 = new Rng(1).complexNormal([2, 2, 3, 4]);
  const p4 = imperfectCsi(new Rng(3), h4, 0.1);
  assert.deepEqual(p4.hEst.re.shape, [2, 2, 3, 4]);
  assert.deepEqual(arr(imperfectCsi(new Rng(3), h4, 0.1).hEst.re), arr(p4.hEst.re), 'reproducible');
  assert.throws(() => imperfectCsi(new Rng(1), h4, -0.1), /sigmaH \(error standard deviation σ_h\) must be finite and >= 0; got -0.1/);
  assert.throws(() => imperfectCsi(new Rng(1), h4, NaN), /sigmaH/);
  assert.throws(() => imperfectCsi(new Rng(1), h4, 0.1, 'both' as 'true'), /given must be 'true' or 'estimate'/);
  const bad = { re: tf.tensor1d([1, 2]), im: tf.zeros([3]) };
  assert.throws(() => imperfectCsi(new Rng(1), bad, 0.1), /imperfectCsi\(rng, h, sigmaH, given\): h: re shape \[2\] and im shape \[3\] must agree/);
  dispose(h, hTrue, hEst, g.hTrue, g.hEst, z.hTrue, z.hEst, h4, p4.hTrue, p4.hEst, bad);
});

backendTest('geometric: large-scale normalisation gives E‖h_k‖² = M (LoS and NLoS); instantaneous gives ‖h_k‖² = M', async () => {
  for (const condition of ['los', 'nlos'] as const) {
    const g = geometricChannel(new Rng(21), 100, { condition, antennas: 32 });
    assert.deepEqual(g.h.re.shape, [100, 8, 32]);
    const { mean, se } = meanSe(rowEnergy(g.h, 32));
    assertWithin(mean, 32, 5 * se, `${condition}: E‖h_k‖²`);
    dispose(g.h);
  }
  const g = geometricChannel(new Rng(22), 20, { condition: 'nlos', antennas: 16, normalisation: 'instantaneous' });
  assertClose(rowEnergy(g.h, 16), new Array(160).fill(16), 16 * 1e-5, '‖h_k‖² instantaneous');
  dispose(g.h);
});

backendTest('geometric: LoS is dominated by the LoS path; entries are Rician with the K-factor; NLoS has no LoS part', async () => {
  const M = 32;
  // K = ∞: exactly e^{jψ} conj(a(φ_k)): unit modulus and phase step −π sin φ_k
  const p = geometricChannel(new Rng(5), 20, { condition: 'los', antennas: M, kFactorDb: Infinity });
  const re = arr(p.h.re), im = arr(p.h.im);
  for (let g = 0; g < 160; g++) {
    const st = -Math.PI * Math.sin(p.azimuthDeg[g] * RAD);
    for (let m = 1; m < M; m++) {
      const a = { re: re[g * M + m - 1], im: im[g * M + m - 1] }, b = { re: re[g * M + m], im: im[g * M + m] };
      assertWithin(Math.hypot(b.re, b.im), 1, 1e-5, '|h| pure LoS');
      // b = a e^{jst}
      assert.ok(Math.abs(b.re - (a.re * Math.cos(st) - a.im * Math.sin(st))) < 1e-5 && Math.abs(b.im - (a.re * Math.sin(st) + a.im * Math.cos(st))) < 1e-5, `phase step user ${g}`);
    }
  }
  // K = 30 dB: ≥ 99% of the power lies along the LoS direction
  const k30 = geometricChannel(new Rng(6), 20, { condition: 'los', antennas: M, kFactorDb: 30 });
  const a = ulaSteering(Float64Array.from(k30.azimuthDeg, (x) => x * RAD), M); // [160, M]
  const hr = arr(k30.h.re), hi = arr(k30.h.im), ar = arr(a.re), ai = arr(a.im);
  for (let g = 0; g < 160; g++) {
    let pr = 0, pi = 0, e = 0; // aᴴ... h = Σ_m h_m a_m (h ∝ conj(a))
    for (let m = 0; m < M; m++) {
      const i = g * M + m;
      pr += hr[i] * ar[i] - hi[i] * ai[i];
      pi += hr[i] * ai[i] + hi[i] * ar[i];
      e += hr[i] ** 2 + hi[i] ** 2;
    }
    assert.ok((pr * pr + pi * pi) / (M * e) > 0.99, `user ${g}: LoS fraction ${(pr * pr + pi * pi) / (M * e)}`);
  }
  // default LoS (K = 9 dB): each entry is Rician, E|h|⁴ = (2 + 4κ + κ²)/(1 + κ)²; NLoS: Rayleigh, E|h|⁴ = 2
  for (const [condition, kappa] of [['los', 10 ** 0.9], ['nlos', 0]] as const) {
    const g = geometricChannel(new Rng(7), 150, { condition, antennas: M });
    const gi = arr(g.h.im);
    const p4 = arr(g.h.re).map((x, i) => (x * x + gi[i] ** 2) ** 2);
    const perUser = new Float64Array(150 * 8);
    p4.forEach((v, i) => { perUser[Math.floor(i / M)] += v / M; });
    const { mean, se } = meanSe(perUser);
    assertWithin(mean, (2 + 4 * kappa + kappa * kappa) / (1 + kappa) ** 2, 5 * se, `${condition}: E|h_m|⁴`);
    dispose(g.h);
  }
  dispose(p.h, k30.h, a);
});

backendTest('geometric: geometry and path loss (normalisation none) follow the stated formulas', async () => {
  const sc = { condition: 'los' as const, antennas: 4, kFactorDb: Infinity, shadowingStdDb: 0, normalisation: 'none' as const };
  const g = geometricChannel(new Rng(8), 400, sc);
  const s = g.scenario;
  assert.equal(s.pathLossExponent, 2.2);
  assert.equal(s.rMinM, 35);
  const e = rowEnergy(g.h, 4);
  for (let i = 0; i < e.length; i++) {
    const d3 = Math.hypot(g.distanceM[i], s.bsHeightM - s.ueHeightM);
    const pl = 28.0 + 22 * Math.log10(d3) + 20 * Math.log10(2); // 38.901 UMa LoS at 2 GHz
    assertWithin(g.pathGainDb[i], -pl, 1e-9, 'path gain');
    assertWithin(e[i] / (4 * 10 ** (-pl / 10)), 1, 1e-4, '‖h_k‖² = M β_k');
  }
  assert.ok(g.distanceM.every((r) => r >= 35 && r <= 500) && g.azimuthDeg.every((a) => a >= -60 && a <= 60));
  // uniform over the annulus area: E r² = (rMin² + rMax²)/2
  const r2 = meanSe(g.distanceM.map((r) => r * r));
  assertWithin(r2.mean, (35 ** 2 + 500 ** 2) / 2, 5 * r2.se, 'E r²');
  // NLoS defaults and shadowing spread
  const n = geometricChannel(new Rng(9), 300, { condition: 'nlos', antennas: 2 });
  assert.equal(n.scenario.clusters, 20);
  const sh = meanSe(n.pathGainDb.map((x, i) => {
    const d3 = Math.hypot(n.distanceM[i], 23.5);
    return (-x - (13.54 + 39.08 * Math.log10(d3) + 20 * Math.log10(2))) ** 2;
  }));
  assertWithin(sh.mean, 36, 5 * sh.se, 'shadowing variance σ_SF² = 6²');
  // reproducible
  assert.deepEqual(arr(geometricChannel(new Rng(8), 400, sc).h.re), arr(g.h.re));
  dispose(g.h, n.h);
});

test('geometric: bad scenario parameters are named', () => {
  const r = new Rng(1);
  assert.throws(() => geometricChannel(r, 0), /batch must be a positive integer/);
  assert.throws(() => geometricChannel(r, 1, { rMinM: 100, rMaxM: 50 }), /scenario.rMaxM must be >= rMinM = 100; got 50/);
  assert.throws(() => geometricChannel(r, 1, { clusters: 0 }), /scenario.clusters must be a positive integer/);
  assert.throws(() => geometricChannel(r, 1, { normalisation: 'peak' as 'none' }), /scenario.normalisation must be/);
  assert.throws(() => geometricChannel(r, 1, { condition: 'mixed' as 'los' }), /condition must be 'los' or 'nlos'/);
  assert.throws(() => geometricChannel(r, 1, { kFactorDb: NaN }), /scenario.kFactorDb must be a number of dB/);
  assert.throws(() => geometricScenario('urban' as 'los'), /condition must be 'los' or 'nlos'/);
});
