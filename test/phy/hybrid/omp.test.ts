/**
 * OMP hybrid precoding and combining (lib/phy/hybrid/omp.ts, El Ayach et al. Algorithms 1–2), float64:
 * exact recovery of a target that is A_t[:, S]·X on an orthogonal (DFT) dictionary, residuals that
 * never increase across picks, F_BB as the least-squares solution (normal equations), unit-modulus
 * F_RF made of the picked dictionary columns, the power normalisation, the steering dictionary's
 * convention against the channel model (the precoder target lies in the span of the ray steering
 * vectors), the combiner's weighted normal equations and its reduction to Algorithm 1 when
 * E[yyᴴ] = I, and argument errors naming the parameter and the allowed range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComplexBatchF64 } from '../../../lib/core/complexF64';
import { batchEntryF64, matmulF64, pinvF64 } from '../../../lib/core/linalgF64';
import { Rng } from '../../../lib/core/random';
import { ompCombiner, ompHybrid, steeringDictionary } from '../../../lib/phy/hybrid';
import { clusteredTargets } from './targets';

function randn(rng: Rng, batch: number, rows: number, cols: number): ComplexBatchF64 {
  const n = batch * rows * cols;
  return { batch, rows, cols, re: rng.normalArray(n), im: rng.normalArray(n) };
}

function frob(a: ComplexBatchF64, t: number): number {
  const s = a.rows * a.cols;
  let q = 0;
  for (let k = t * s; k < (t + 1) * s; k++) q += a.re[k] ** 2 + a.im[k] ** 2;
  return Math.sqrt(q);
}

function minus(a: ComplexBatchF64, b: ComplexBatchF64): ComplexBatchF64 {
  return { ...a, re: a.re.map((v, i) => v - b.re[i]), im: a.im.map((v, i) => v - b.im[i]) };
}

/** Columns `cols` of matrix t of a dictionary, as [1, rows, cols.length]. */
function columns(d: ComplexBatchF64, t: number, cols: number[]): ComplexBatchF64 {
  const o = (d.batch === 1 ? 0 : t) * d.rows * d.cols;
  const re = new Float64Array(d.rows * cols.length), im = new Float64Array(d.rows * cols.length);
  for (let i = 0; i < d.rows; i++) {
    cols.forEach((c, j) => {
      re[i * cols.length + j] = d.re[o + i * d.cols + c];
      im[i * cols.length + j] = d.im[o + i * d.cols + c];
    });
  }
  return { batch: 1, rows: d.rows, cols: cols.length, re, im };
}

/** Stack batch-1 matrices into one batch. */
function stack(ms: ComplexBatchF64[]): ComplexBatchF64 {
  const { rows, cols } = ms[0];
  const re = new Float64Array(ms.length * rows * cols), im = new Float64Array(ms.length * rows * cols);
  ms.forEach((m, t) => {
    re.set(m.re, t * rows * cols);
    im.set(m.im, t * rows * cols);
  });
  return { batch: ms.length, rows, cols, re, im };
}

/** DFT dictionary of an N-element half-wavelength ULA: sin θ_l = −1 + 2l/N, orthogonal columns. */
function dftAngles(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, l) => (Math.asin(-1 + (2 * l) / n) * 180) / Math.PI);
}


test('steeringDictionary: unit modulus, e^{jπ m sin θ}, and the channel convention (F_opt lies in the span of the ray AoD columns)', async () => {
  const d = steeringDictionary([30, -45, 0], { batch: 1, antennas: 8 });
  assert.deepEqual([d.batch, d.rows, d.cols], [1, 8, 3]);
  for (let m = 0; m < 8; m++) {
    [30, -45, 0].forEach((deg, l) => {
      const ph = Math.PI * m * Math.sin((deg * Math.PI) / 180);
      assert.ok(Math.abs(d.re[m * 3 + l] - Math.cos(ph)) < 1e-12 && Math.abs(d.im[m * 3 + l] - Math.sin(ph)) < 1e-12);
    });
  }
  // H = Σ g a_r a_tᴴ: its right singular vectors are combinations of a_t(θ) (not conj): the projection
  // of F_opt on the dictionary's span leaves nothing (2 clusters · 10 rays = 20 columns < N_t = 32)
  // (12 single-ray clusters: well-separated angles, so the float32 channel's rounding is not amplified)
  const { fOpt, aodDeg } = await clusteredTargets('span', 4, 32, 4, 2, 12, 1);
  const dict = steeringDictionary(aodDeg, { batch: 4, antennas: 32 });
  assert.deepEqual([dict.rows, dict.cols], [32, 12]);
  const proj = matmulF64(dict, matmulF64(pinvF64(dict), fOpt));
  for (let t = 0; t < 4; t++) assert.ok(frob(minus(fOpt, proj), t) < 1e-5, `channel ${t}: ‖F_opt − P F_opt‖ = ${frob(minus(fOpt, proj), t)}`);
  // and a conjugated dictionary would not span it
  const conj = { ...dict, im: dict.im.map((v) => -v) };
  const projC = matmulF64(conj, matmulF64(pinvF64(conj), fOpt));
  assert.ok(frob(minus(fOpt, projC), 0) > 0.1, 'conj(a_t) does not span F_opt');
});

test('ompHybrid: exact recovery of F_opt = A_t[:, S]·X on an orthogonal dictionary (residual ≈ 0, S found, F_BB = X)', () => {
  const rng = new Rng('omp-exact');
  const nt = 32, rt = 4, ns = 2;
  const dict = steeringDictionary(dftAngles(nt), { batch: 1, antennas: nt }); // shared by the batch
  const sets = [[3, 17, 9, 28], [0, 1, 2, 3], [31, 15, 7, 22]];
  const xs = sets.map(() => randn(rng, 1, rt, ns));
  const fOpt = stack(sets.map((s, t) => matmulF64(columns(dict, 0, s), xs[t])));
  const out = ompHybrid(fOpt, dict, { rfChains: rt });
  assert.deepEqual([out.fRf.rows, out.fRf.cols, out.fBb.rows, out.fBb.cols], [nt, rt, rt, ns]);
  sets.forEach((s, t) => {
    const picked = Array.from(out.chosen.subarray(t * rt, (t + 1) * rt));
    assert.deepEqual([...picked].sort((a, b) => a - b), [...s].sort((a, b) => a - b), `matrix ${t}: the support S`);
    assert.ok(out.residualNorm[t] < 1e-10 * frob(fOpt, t), `matrix ${t}: residual ${out.residualNorm[t]}`);
    // F_BB row j belongs to the picked column; it equals the row of X for that column
    picked.forEach((c, j) => {
      const i = s.indexOf(c);
      for (let k = 0; k < ns; k++) {
        assert.ok(Math.abs(out.fBb.re[(t * rt + j) * ns + k] - xs[t].re[i * ns + k]) < 1e-10);
        assert.ok(Math.abs(out.fBb.im[(t * rt + j) * ns + k] - xs[t].im[i * ns + k]) < 1e-10);
      }
    });
  });
});

test('ompHybrid on clustered channels: residual non-increasing, F_BB least squares, |F_RF| = 1 from the dictionary, power', async () => {
  const nt = 64, ns = 3, rt = 8, batch = 6;
  const { fOpt, aodDeg } = await clusteredTargets('omp-clustered', batch, nt, 8, ns, 4);
  const dict = steeringDictionary(aodDeg, { batch, antennas: nt });
  const out = ompHybrid(fOpt, dict, { rfChains: rt });
  for (let t = 0; t < batch; t++) {
    const hist = out.residualHistory.subarray(t * rt, (t + 1) * rt);
    for (let i = 1; i < rt; i++) assert.ok(hist[i] <= hist[i - 1] * (1 + 1e-12), `channel ${t}: pick ${i} raised the residual ${hist[i - 1]} → ${hist[i]}`);
    assert.ok(hist[0] < frob(fOpt, t), 'the first pick already lowers the residual');
    assert.equal(out.residualNorm[t], hist[rt - 1], 'without power scaling the final residual is the last pick’s');
    const picked = Array.from(out.chosen.subarray(t * rt, (t + 1) * rt));
    assert.equal(new Set(picked).size, rt, 'distinct columns');
    const rf = batchEntryF64(out.fRf, t);
    assert.deepEqual(Array.from(rf.re), Array.from(columns(dict, t, picked).re), 'F_RF = the picked dictionary columns');
    for (let k = 0; k < rf.re.length; k++) assert.ok(Math.abs(Math.hypot(rf.re[k], rf.im[k]) - 1) < 1e-12, '|F_RF| = 1');
    // normal equations: F_RFᴴ (F_opt − F_RF F_BB) = 0
    const res = minus(batchEntryF64(fOpt, t), matmulF64(rf, batchEntryF64(out.fBb, t)));
    const ne = matmulF64(rf, res, { adjA: true });
    assert.ok(frob(ne, 0) < 1e-12 * Math.sqrt(nt) * frob(fOpt, t), `channel ${t}: normal equations ${frob(ne, 0)}`);
  }
  // power: ‖F_RF F_BB‖² = N_s, the picks unchanged
  const scaled = ompHybrid(fOpt, dict, { rfChains: rt, power: ns });
  assert.deepEqual(Array.from(scaled.chosen), Array.from(out.chosen));
  for (let t = 0; t < batch; t++) {
    const prod = matmulF64(batchEntryF64(scaled.fRf, t), batchEntryF64(scaled.fBb, t));
    assert.ok(Math.abs(frob(prod, 0) ** 2 - ns) < 1e-12 * ns);
    assert.ok(Math.abs(scaled.residualNorm[t] - frob(minus(batchEntryF64(fOpt, t), prod), 0)) < 1e-12);
  }
});

test('ompCombiner: weighted normal equations, non-increasing weighted residual, E[yyᴴ] = I reduces to Algorithm 1, exact recovery', async () => {
  const nr = 16, ns = 2, rr = 4, batch = 5, nt = 32;
  const rng = new Rng('combiner');
  const { h, aoaDeg } = await clusteredTargets('omp-combiner', batch, nt, nr, ns, 3);
  // a precoder, the received covariance C = H F Fᴴ Hᴴ + σ²I and the MMSE combiner C⁻¹ H F
  const f = randn(rng, batch, nt, ns);
  const hf = matmulF64(h, f);
  const cov = matmulF64(hf, hf, { adjB: true });
  for (let t = 0; t < batch; t++) for (let i = 0; i < nr; i++) cov.re[t * nr * nr + i * (nr + 1)] += 0.1;
  const wMmse = matmulF64(pinvF64(cov), hf);
  const dict = steeringDictionary(aoaDeg, { batch, antennas: nr });
  const out = ompCombiner(wMmse, dict, cov, { rfChains: rr });
  assert.deepEqual([out.wRf.rows, out.wRf.cols, out.wBb.rows, out.wBb.cols], [nr, rr, rr, ns]);
  for (let t = 0; t < batch; t++) {
    const hist = out.residualHistory.subarray(t * rr, (t + 1) * rr);
    for (let i = 1; i < rr; i++) assert.ok(hist[i] <= hist[i - 1] * (1 + 1e-12), `entry ${t}: pick ${i}`);
    const rf = batchEntryF64(out.wRf, t);
    for (let k = 0; k < rf.re.length; k++) assert.ok(Math.abs(Math.hypot(rf.re[k], rf.im[k]) - 1) < 1e-12);
    // W_RFᴴ C (W_MMSE − W_RF W_BB) = 0
    const res = minus(batchEntryF64(wMmse, t), matmulF64(rf, batchEntryF64(out.wBb, t)));
    const ne = matmulF64(rf, matmulF64(batchEntryF64(cov, t), res), { adjA: true });
    const scale = frob(matmulF64(rf, matmulF64(batchEntryF64(cov, t), batchEntryF64(wMmse, t)), { adjA: true }), 0);
    assert.ok(frob(ne, 0) < 1e-10 * scale, `entry ${t}: weighted normal equations ${frob(ne, 0)} vs ${scale}`);
  }
  // with C = I the combiner is Algorithm 1 on W_MMSE
  const eye: ComplexBatchF64 = { batch: 1, rows: nr, cols: nr, re: new Float64Array(nr * nr), im: new Float64Array(nr * nr) };
  for (let i = 0; i < nr; i++) eye.re[i * (nr + 1)] = 1;
  const plain = ompCombiner(wMmse, dict, eye, { rfChains: rr });
  const alg1 = ompHybrid(wMmse, dict, { rfChains: rr });
  assert.deepEqual(Array.from(plain.chosen), Array.from(alg1.chosen));
  for (let k = 0; k < plain.wBb.re.length; k++) assert.ok(Math.abs(plain.wBb.re[k] - alg1.fBb.re[k]) < 1e-9 && Math.abs(plain.wBb.im[k] - alg1.fBb.im[k]) < 1e-9);
  for (let t = 0; t < batch; t++) assert.ok(Math.abs(plain.residualNorm[t] - alg1.residualNorm[t]) < 1e-9);
  // exact recovery on an orthogonal (square DFT) dictionary A under a weighting diagonal in its basis,
  // C = A diag(d) Aᴴ/N_r (then A_rᴴ C = diag(d) A_rᴴ and the residual stays in span A[:, S])
  const dft = steeringDictionary(dftAngles(nr), { batch: 1, antennas: nr });
  const dA = { ...dft, re: dft.re.slice(), im: dft.im.slice() };
  const d = rng.uniformArray(nr, 0.1, 10);
  for (let i = 0; i < nr; i++) for (let l = 0; l < nr; l++) { dA.re[i * nr + l] *= d[l] / nr; dA.im[i * nr + l] *= d[l] / nr; }
  const weight = matmulF64(dA, dft, { adjB: true });
  const target = stack([matmulF64(columns(dft, 0, [2, 11, 5]), randn(rng, 1, 3, ns))]);
  const exact = ompCombiner(target, dft, weight, { rfChains: 3 });
  assert.deepEqual(Array.from(exact.chosen).sort((a, b) => a - b), [2, 5, 11]);
  assert.ok(exact.residualNorm[0] < 1e-9, `weighted residual ${exact.residualNorm[0]}`);
});

test('ompHybrid / ompCombiner: argument errors name the parameter and the allowed range', () => {
  const rng = new Rng('omp-errors');
  const fOpt = randn(rng, 2, 16, 3);
  const dict = steeringDictionary(dftAngles(16).subarray(0, 6), { batch: 1, antennas: 16 });
  assert.throws(() => ompHybrid(fOpt, dict, { rfChains: 7 }), /ompHybrid\(fOpt, dictionary, opts\): opts\.rfChains \(R_t\) must be an integer with N_s = 3 <= R_t <= min\(N_cand, N\) = min\(6, 16\) = 6; got 7/);
  assert.throws(() => ompHybrid(fOpt, dict, { rfChains: 2 }), /opts\.rfChains \(R_t\) must be an integer with N_s = 3 <= R_t/);
  assert.throws(() => ompHybrid(fOpt, dict, { rfChains: 3.5 }), /got 3\.5/);
  assert.throws(() => ompHybrid(fOpt, steeringDictionary([0, 10, 20, 30], { batch: 1, antennas: 8 }), { rfChains: 3 }), /dictionary must have 16 rows \(antennas, as fOpt \[2, 16, 3\]\); got \[1, 8, 4\]/);
  assert.throws(() => ompHybrid(fOpt, steeringDictionary(new Float64Array(18), { batch: 3, antennas: 16 }), { rfChains: 3 }), /dictionary batch must be 2 \(as fOpt\) or 1 \(shared\); got 3/);
  const half = { ...dict, re: dict.re.map((v) => v / 4), im: dict.im.map((v) => v / 4) };
  assert.throws(() => ompHybrid(fOpt, half, { rfChains: 3 }), /dictionary entries must have unit modulus \(phase shifters\); entry \[0, 0, 0\] has modulus 0\.25 \(scale unit-norm steering vectors by √N\)/);
  assert.throws(() => ompHybrid(fOpt, dict, { rfChains: 3, power: 0 }), /opts\.power must be finite and > 0; got 0/);
  assert.throws(() => ompHybrid({ ...fOpt, im: new Float64Array(3) }, dict, { rfChains: 3 }), /fOpt \[batch, N, N_s\] = \[2, 16, 3\]: expected 2·16·3 float64 values/);
  const inf = { ...fOpt, im: fOpt.im.slice() };
  inf.im[0] = Infinity;
  assert.throws(() => ompHybrid(inf, dict, { rfChains: 3 }), /ompHybrid\(fOpt, dictionary, opts\): fOpt must be finite; entry \[0, 0, 0\] is 0?[-.0-9e]* \+ Infinityi/);
  const nanDict = { ...dict, re: dict.re.slice() };
  nanDict.re[7] = Number.NaN;
  assert.throws(() => ompHybrid(fOpt, nanDict, { rfChains: 3 }), /dictionary entries must have unit modulus \(phase shifters\); entry \[0, 1, 1\] has modulus NaN/);
  assert.throws(() => steeringDictionary([1, 2, 3], { batch: 2, antennas: 4 }), /steeringDictionary\(anglesDeg, opts\): anglesDeg must hold batch·L angles \(L ≥ 1 per matrix\) with batch = 2; got 3/);
  assert.throws(() => steeringDictionary([1, Number.NaN], { batch: 1, antennas: 4 }), /anglesDeg\[1\] must be finite/);
  const w = randn(rng, 2, 16, 3);
  const cov = randn(rng, 2, 16, 16);
  assert.throws(() => ompCombiner(w, dict, randn(rng, 2, 16, 8), { rfChains: 3 }), /ompCombiner\(wMmse, dictionary, covariance, opts\): covariance must be \[batch, 16, 16\] \(E\[yyᴴ\], N_r = 16 as wMmse\); got \[2, 16, 8\]/);
  assert.throws(() => ompCombiner(w, dict, cov, { rfChains: 9 }), /opts\.rfChains \(R_r\) must be an integer with N_s = 3 <= R_r <= min\(N_cand, N\) = min\(6, 16\) = 6; got 9/);
  // an indefinite covariance: the Cholesky step names the batch entry and the pick
  const neg = { ...cov, re: new Float64Array(cov.re.length), im: new Float64Array(cov.im.length) };
  for (let t = 0; t < 2; t++) for (let i = 0; i < 16; i++) neg.re[t * 256 + i * 17] = t === 0 ? 1 : -1;
  assert.throws(() => ompCombiner(w, dict, neg, { rfChains: 3 }), /ompCombiner\(.*\): batch entry 1, pick 1: W_RFᴴ E\[yyᴴ\] W_RF is not positive definite/);
});
