import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { eighHermitian } from '../../lib/core/linalg';
import { Rng } from '../../lib/core/random';
import {
  bussgang, distortionCovariance, nmse, nmseOpp, oppScale, sinr, snidr, sumRate, sumRateSnidr, userRates,
  weightedSumRate,
} from '../../lib/phy/metrics';
import { mrt, precode, quantizedPrecode, rzf, zf } from '../../lib/phy/precoders';
import { lloydMax } from '../../lib/phy/quantizer';
import { backendTest, assertClose, arr } from '../helpers';

const log2 = (x: number) => Math.log(x) / Math.LN2;

/** K rows of the M-point DFT scaled by √g_k: orthogonal rows, ||h_k||² = g_k M. */
function orthogonalChannel(gains: number[], m: number): C.Complex {
  const k = gains.length;
  const re: number[] = [], im: number[] = [];
  for (let u = 0; u < k; u++) for (let a = 0; a < m; a++) {
    re.push(Math.sqrt(gains[u]) * Math.cos((-2 * Math.PI * u * a) / m));
    im.push(Math.sqrt(gains[u]) * Math.sin((-2 * Math.PI * u * a) / m));
  }
  return C.complexFromArrays(re, im, [1, k, m]);
}

/** Per-channel Tr((H Hᴴ)⁻¹) from a float64 eigendecomposition. */
function traceInvGram(h: C.Complex): number[] {
  const [b, k] = h.re.shape;
  const g = C.toArrays(C.matmul(h, h, false, true));
  const e = eighHermitian({ batch: b, rows: k, cols: k, re: Float64Array.from(g.re), im: Float64Array.from(g.im) });
  return Array.from({ length: b }, (_, i) => Array.from(e.values.slice(i * k, (i + 1) * k)).reduce((s, l) => s + 1 / l, 0));
}

backendTest('SINR of ZF is α²/σ² for every user (no interference), α² = P/Tr((HHᴴ)⁻¹)', async () => {
  const [b, k, m, P, s2] = [3, 3, 6, 6, 0.1];
  const h = new Rng(31).complexNormal([b, k, m]);
  const g = arr(sinr(h, zf(h, { power: P }), s2));
  const expected = traceInvGram(h).flatMap((t) => Array(k).fill(P / t / s2));
  assertClose(g.map((v, i) => v / expected[i]), new Float32Array(b * k).fill(1), 1e-3, 'SINR / (α²/σ²)');
});

backendTest('sum rate, per-user and weighted rates in closed form for an orthogonal channel', async () => {
  const gains = [1, 0.25];
  const [m, P, s2] = [4, 2, 0.05];
  const h = orthogonalChannel(gains, m);
  const sg = gains.reduce((a, b) => a + b);
  // MRT: w_k = c h_kᴴ, c² = P/(M Σg) ⇒ h_k w_k = c g_k M, no interference
  const sinrMrt = gains.map((g) => (P * g * g * m) / (sg * s2));
  const w = mrt(h, { power: P });
  assertClose(arr(sinr(h, w, s2)).map((v, i) => v / sinrMrt[i]), [1, 1], 1e-4, 'MRT SINR');
  assertClose(arr(userRates(h, w, s2)), sinrMrt.map((x) => log2(1 + x)), 1e-4, 'per-user rates');
  assertClose(arr(sumRate(h, w, s2)), [sinrMrt.reduce((a, x) => a + log2(1 + x), 0)], 2e-4, 'sum rate');
  const alpha = [0.3, 1.7];
  const wsr = alpha.reduce((a, al, i) => a + al * log2(1 + sinrMrt[i]), 0);
  assertClose(arr(weightedSumRate(h, w, s2, alpha)), [wsr], 2e-4, 'weighted sum rate (array)');
  assertClose(arr(weightedSumRate(h, w, s2, tf.tensor2d([alpha]))), [wsr], 2e-4, 'weighted sum rate ([batch, K])');
  // ZF on the same channel: equal SINR P/(σ² Σ_k 1/(M g_k)) for both users
  const sinrZf = P / (s2 * gains.reduce((a, g) => a + 1 / (m * g), 0));
  assertClose(arr(sinr(h, zf(h, { power: P }), s2)).map((v) => v / sinrZf), [1, 1], 1e-4, 'ZF SINR');
  // a per-channel noise tensor gives the same as the number
  assertClose(arr(sumRate(h, w, tf.tensor1d([s2]))), arr(sumRate(h, w, s2)), 1e-6, 'noise as tensor');
});

backendTest('guards: zero channel or zero noise with perfect ZF give finite rates', async () => {
  const z = C.complex(tf.zeros([2, 2, 3]));
  const r = arr(sumRate(z, C.complex(tf.zeros([2, 3, 2])), 0));
  assert.ok(r.every((v) => v === 0), `zero channel, zero noise: ${r}`);
  const h = new Rng(32).complexNormal([1, 2, 4]);
  const rz = arr(sumRate(h, zf(h), 0));
  assert.ok(rz.every((v) => Number.isFinite(v) && v > 30), `σ² = 0: ${rz}`);
  const y0 = C.complex(tf.zeros([1, 4, 6]));
  const s = new Rng(33).complexNormal([1, 2, 6]);
  assert.ok(arr(snidr(h, y0, s, 0)).every((v) => v === 0), 'y = 0 ⇒ SNIDR 0');
});

backendTest('NMSE: identities, and the NNO-C2PO scalar β̂ = ||s||²/(sᴴr) undoes any complex gain', async () => {
  const rng = new Rng(34);
  const s = rng.complexNormal([2, 3, 5]);
  assertClose(arr(nmse(s, s)), [0, 0], 0, 'ŝ = s');
  assertClose(arr(nmse(C.complex(tf.zeros([2, 3, 5])), s)), [1, 1], 1e-6, 'ŝ = 0');
  assertClose(arr(nmse(C.scale(s, 1.1), s)), [0.01, 0.01], 1e-6, 'ŝ = 1.1 s');
  // r_t = c_t s_t with a complex gain per symbol vector: β̂_t = 1/c_t, NMSE 0
  const c = rng.complexNormal([2, 1, 5]);
  const r = C.mul(c, s);
  assertClose(arr(nmseOpp(r, s)), [0, 0], 1e-6, 'gain undone');
  const beta = oppScale(r, s);
  const prod = C.mul(beta, c);
  assertClose(arr(prod.re), new Float32Array(10).fill(1), 1e-4, 'β̂ c = 1 (Re)');
  assertClose(arr(prod.im), new Float32Array(10), 1e-4, 'β̂ c = 1 (Im)');
  // r = c (s + δ e) with e ⟂ s and ||e|| = ||s|| (K = 2: e = [−conj(s₂), conj(s₁)]): NMSE = δ²
  const s2 = rng.complexNormal([1, 2, 7]);
  const [a, b] = [C.slice(s2, [0, 0, 0], [1, 1, 7]), C.slice(s2, [0, 1, 0], [1, 1, 7])];
  const e = { re: tf.concat([tf.neg(b.re), a.re], 1), im: tf.concat([b.im, tf.neg(a.im)], 1) };
  const delta = 0.2;
  const r2 = C.mul(C.slice(c, [0, 0, 0], [1, 1, 1]), C.add(s2, C.scale(e, delta)));
  assertClose(arr(nmseOpp(r2, s2)), [delta * delta], 1e-5, 'orthogonal error');
});

backendTest('SNIDR equals SINR without quantisation (q = 0, G = W): LS estimator, and sample estimator with S Sᴴ = T I', async () => {
  const rng = new Rng(35);
  const [b, k, m, s2] = [2, 3, 6, 0.2];
  const h = rng.complexNormal([b, k, m]);
  const w = mrt(h, { power: 3 });
  const ref = arr(sinr(h, w, s2));
  const s = rng.complexNormal([b, k, 10]);
  const { g, q } = bussgang(precode(w, s), s, { estimator: 'ls' });
  assertClose(arr(g.re), arr(w.re), 1e-4, 'Re G = Re W');
  assertClose(arr(g.im), arr(w.im), 1e-4, 'Im G = Im W');
  assertClose(arr(C.abs2(q)), new Float32Array(b * m * 10), 1e-8, 'q = 0');
  assertClose(arr(snidr(h, precode(w, s), s, s2, { estimator: 'ls' })).map((v, i) => v / ref[i]), new Float32Array(b * k).fill(1), 2e-3, 'LS');
  // rows of the T-point DFT: S Sᴴ = T I, so (1/T) Y Sᴴ = W exactly
  const t = 8;
  const re: number[] = [], im: number[] = [];
  for (let u = 0; u < k; u++) for (let n = 0; n < t; n++) {
    re.push(Math.cos((2 * Math.PI * u * n) / t));
    im.push(Math.sin((2 * Math.PI * u * n) / t));
  }
  const sd = C.complexFromArrays(re, im, [1, k, t]);
  const sdb = { re: tf.broadcastTo(sd.re, [b, k, t]), im: tf.broadcastTo(sd.im, [b, k, t]) };
  const viaSample = arr(snidr(h, precode(w, sdb), sdb, s2));
  assertClose(viaSample.map((v, i) => v / ref[i]), new Float32Array(b * k).fill(1), 2e-3, 'sample');
  const rates = arr(sumRateSnidr(h, precode(w, sdb), sdb, s2));
  assertClose(rates, arr(sumRate(h, w, s2)), 1e-3, 'sum rate (9)');
});

/** Complex M×M float64 matrices as [re, im] row-major arrays. */
type Mat = { re: number[]; im: number[]; n: number; c: number };
function matOf(a: C.Complex, batch: number): Mat {
  const [, n, c] = a.re.shape;
  const r = C.toArrays(a);
  const off = batch * n * c;
  return { re: Array.from(r.re.slice(off, off + n * c)), im: Array.from(r.im.slice(off, off + n * c)), n, c };
}
const at = (a: Mat, i: number, j: number): [number, number] => [a.re[i * a.c + j], a.im[i * a.c + j]];

backendTest('1-bit per-antenna Lloyd-Max DACs: G ≈ (2/π) W (Bussgang) and SNIDR ≈ the arcsine-law prediction', async () => {
  const rng = new Rng(36);
  const [b, k, m, t, P, s2] = [2, 2, 4, 100000, 4, 0.04];
  const h = rng.complexNormal([b, k, m]);
  const w = zf(h, { power: P });
  const s = rng.complexNormal([b, k, t]);
  // per-antenna normalisation: each real DAC input ~ N(0, 1/2), 1-bit Lloyd-Max level √(1/π)
  const y = quantizedPrecode(w, s, lloydMax(1, 0.5), { renormalise: false });
  const { g, q } = bussgang(y, s);
  const bg = 2 / Math.PI;
  const wMax = Math.max(...arr(C.abs(w)));
  assertClose(arr(g.re), arr(tf.mul(w.re, bg)), 0.03 * wMax, 'Re G vs (2/π) W');
  assertClose(arr(g.im), arr(tf.mul(w.im, bg)), 0.03 * wMax, 'Im G vs (2/π) W');
  const rho = arr(C.frobNorm2(w, [-1]));
  const cqDiag = arr(C.diagPart(distortionCovariance(q)).re);
  assertClose(cqDiag.map((v, i) => v / (rho[i] * (bg - bg * bg))), new Float32Array(b * m).fill(1), 0.05, 'diag C_q');
  // analytic: C_y = (4/π²)·√(ρ_m ρ_n)·[asin(Re c_mn) + j asin(Im c_mn)], c = normalised W Wᴴ;
  // C_q = C_y − (2/π)² W Wᴴ; G = (2/π) W (ZF ⇒ h_k g_j = (2/π) α δ_kj)
  const mc = arr(snidr(h, y, s, s2));
  for (let bi = 0; bi < b; bi++) {
    const cx = matOf(C.matmul(w, w, false, true), bi);
    const hb = matOf(h, bi);
    const hg = matOf(C.scale(C.matmul(h, w), bg), bi);
    const cq: Mat = { re: [], im: [], n: m, c: m };
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      const [xr, xi] = at(cx, i, j);
      const sq = Math.sqrt(at(cx, i, i)[0] * at(cx, j, j)[0]);
      const cr = Math.max(-1, Math.min(1, xr / sq)), ci = Math.max(-1, Math.min(1, xi / sq));
      cq.re.push(((4 / Math.PI ** 2) * sq * Math.asin(cr)) - bg * bg * xr);
      cq.im.push(((4 / Math.PI ** 2) * sq * Math.asin(ci)) - bg * bg * xi);
    }
    for (let u = 0; u < k; u++) {
      // h_u C_q h_uᴴ
      let dist = 0;
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
        const [ar, ai] = at(hb, u, i), [br, bim] = at(hb, u, j), [cr, ci] = at(cq, i, j);
        // Re( h_ui C_ij conj(h_uj) )
        const pr = ar * cr - ai * ci, pi = ar * ci + ai * cr;
        dist += pr * br + pi * bim;
      }
      let sig = 0, inter = 0;
      for (let v = 0; v < k; v++) {
        const [gr, gi] = at(hg, u, v);
        if (v === u) sig = gr * gr + gi * gi;
        else inter += gr * gr + gi * gi;
      }
      const pred = sig / (inter + dist + s2);
      const got = mc[bi * k + u];
      assert.ok(Math.abs(got / pred - 1) < 0.03, `channel ${bi} user ${u}: SNIDR MC ${got} vs arcsine-law ${pred}`);
    }
  }
});

backendTest('sum rate (9) is differentiable in y: gradient matches finite differences', async () => {
  const rng = new Rng(37);
  const h = rng.complexNormal([1, 2, 3]);
  const s = rng.complexNormal([1, 2, 8]);
  const y = rng.complexNormal([1, 3, 8]);
  const f = (re: tf.Tensor) => tf.sum(sumRateSnidr(h, { re, im: y.im }, s, 0.5)) as tf.Scalar;
  const g = arr(tf.grad(f)(y.re));
  assert.ok(g.every(Number.isFinite));
  const base = arr(y.re);
  const eps = 1e-2;
  for (const i of [0, 7, 13, 23]) {
    const plus = base.slice(), minus = base.slice();
    plus[i] += eps;
    minus[i] -= eps;
    const fd = (f(tf.tensor(plus, [1, 3, 8])).dataSync()[0] - f(tf.tensor(minus, [1, 3, 8])).dataSync()[0]) / (2 * eps);
    assert.ok(Math.abs(fd - g[i]) < 2e-2 * Math.max(0.1, Math.abs(fd)), `entry ${i}: fd ${fd} vs grad ${g[i]}`);
  }
});

/** Gradients of f w.r.t. (re, im) of x, asserted finite. */
function finiteGrads(f: (re: tf.Tensor, im: tf.Tensor) => tf.Scalar, x: C.Complex, what: string): Float32Array[] {
  const g = tf.grads(f)([x.re, x.im]).map(arr);
  for (const [i, v] of g.entries()) assert.ok(v.every(Number.isFinite), `${what}: ∂/∂${i ? 'Im' : 'Re'} not finite: ${v}`);
  return g;
}

backendTest('gradients stay finite at zero input: SNIDR sum rate at y = 0 and s = 0, SINR at W = 0, NMSE and β̂ at 0', async () => {
  const rng = new Rng(39);
  const [b, k, m, t] = [2, 2, 4, 6];
  const h = rng.complexNormal([b, k, m]);
  const s = rng.complexNormal([b, k, t]);
  const y = rng.complexNormal([b, m, t]);
  const zy = C.complex(tf.zeros([b, m, t]));
  const zs = C.complex(tf.zeros([b, k, t]));
  for (const noise of [0, 0.1]) {
    for (const estimator of ['sample', 'ls'] as const) {
      // the GNN loss −Σ R_sum w.r.t. the transmit signal y, and w.r.t. the symbols s
      finiteGrads((re, im) => tf.sum(sumRateSnidr(h, { re, im }, s, noise, { estimator })) as tf.Scalar, zy, `∂R/∂y at y = 0, σ² = ${noise}, ${estimator}`);
      finiteGrads((re, im) => tf.sum(sumRateSnidr(h, y, { re, im }, noise)) as tf.Scalar, zs, `∂R/∂s at s = 0, σ² = ${noise}`);
      finiteGrads((re, im) => tf.sum(sumRateSnidr(h, { re, im }, s, noise, { estimator })) as tf.Scalar, y, `∂R/∂y generic, ${estimator}`);
    }
    finiteGrads((re, im) => tf.sum(sumRate(h, { re, im }, noise)) as tf.Scalar, C.complex(tf.zeros([b, m, k])), `∂R/∂W at W = 0, σ² = ${noise}`);
    finiteGrads((re, im) => tf.sum(sumRate({ re, im }, C.complex(tf.zeros([b, m, k])), noise)) as tf.Scalar, h, `∂R/∂H with W = 0, σ² = ${noise}`);
  }
  // NMSE and the NNO-C2PO scalar at ŝ = 0, r = 0 and s = 0
  finiteGrads((re, im) => tf.sum(nmse({ re, im }, s)) as tf.Scalar, zs, 'nmse at ŝ = 0');
  finiteGrads((re, im) => tf.sum(nmse(s, { re, im })) as tf.Scalar, zs, 'nmse at s = 0');
  finiteGrads((re, im) => tf.sum(nmseOpp({ re, im }, s)) as tf.Scalar, zs, 'nmseOpp at r = 0');
  finiteGrads((re, im) => tf.sum(nmseOpp(s, { re, im })) as tf.Scalar, zs, 'nmseOpp at s = 0');
});

/** Run fn and count tensor data reads (dataSync) made meanwhile. */
function countReads<T>(fn: () => T): [T, number] {
  const proto = tf.Tensor.prototype;
  const orig = proto.dataSync;
  let n = 0;
  proto.dataSync = function dataSync(this: tf.Tensor) {
    n++;
    return orig.call(this);
  } as typeof orig;
  try {
    return [fn(), n];
  } finally {
    proto.dataSync = orig;
  }
}

backendTest('functions of a training step read no tensor data (validation policy: shapes only, no syncs)', async () => {
  const rng = new Rng(40);
  const [b, k, m, t] = [2, 2, 4, 16];
  const h = rng.complexNormal([b, k, m]);
  const w = rng.complexNormal([b, m, k]);
  const s = rng.complexNormal([b, k, t]);
  const noise = tf.tensor1d([0.1, 0.2]);
  // inside a training step ZF runs with its conditioning check off (the check is one read per call)
  const [y, nq] = countReads(() => quantizedPrecode(zf(h, { checkConditioning: false }), s, lloydMax(2, 0.5)));
  assert.equal(nq, 0, 'zf + quantizedPrecode');
  assert.equal(countReads(() => C.dispose(zf(h)))[1], 1, 'with the check (the default): exactly one read');
  for (const estimator of ['sample', 'ls'] as const) {
    assert.equal(countReads(() => sumRateSnidr(h, y, s, noise, { estimator }))[1], 0, `sumRateSnidr (${estimator})`);
  }
  assert.equal(countReads(() => bussgang(y, s))[1], 0, 'bussgang');
  assert.equal(countReads(() => weightedSumRate(h, w, noise, tf.tensor1d([1, 2])))[1], 0, 'weightedSumRate');
  assert.equal(countReads(() => nmseOpp(s, s))[1], 0, 'nmseOpp');
  assert.equal(countReads(() => sumRate(h, rzf(h, { noiseVar: 0.1 }), noise))[1], 0, 'rzf + sumRate');
  // …and NaN input is not an error there: it flows through (NaN in, NaN out)
  const nan = arr(sumRate(C.scale(h, NaN), w, 0.1));
  assert.ok(nan.every(Number.isNaN), `NaN channel gives NaN rates: ${nan}`);
});

backendTest('bad input: mismatched shapes, negative noise, LS with T < K, bad weights', async () => {
  const rng = new Rng(38);
  const h = rng.complexNormal([2, 2, 4]);
  const w = mrt(h);
  const y0 = () => rng.complexNormal([2, 4, 3]);
  const s0 = () => rng.complexNormal([2, 2, 3]);
  assert.throws(() => sinr(h, rng.complexNormal([2, 4, 3]), 1), /sinr\(w\): must be \[2, 4, 2\]/);
  assert.throws(() => sinr(h, w, -1), /sinr\(noiseVar\): must be finite and >= 0; got -1/);
  assert.throws(() => snidr(h, y0(), s0(), NaN), /snidr\(noiseVar\): must be finite and >= 0; got NaN/);
  assert.throws(() => weightedSumRate(h, w, 1, tf.tensor1d([1, 2, 3])), /weightedSumRate\(alpha\): tensor must be \[2\] or \[2, 2\]; got \[3\]/);
  assert.throws(() => sinr(h, { re: w.re, im: tf.zeros([2, 4]) }, 1), /sinr\(w\): re shape \[2,4,2\] and im shape \[2,4\] must agree/);
  assert.throws(() => sinr(h, w, tf.ones([3])), /sinr\(noiseVar\): tensor must be \[\] or \[2\]/);
  assert.throws(() => weightedSumRate(h, w, 1, [1]), /weightedSumRate\(alpha\): needs 2 finite weights/);
  assert.throws(() => weightedSumRate(h, w, 1, [1, -1]), /weightedSumRate\(alpha\)/);
  const s = rng.complexNormal([2, 2, 1]);
  const y = rng.complexNormal([2, 4, 1]);
  assert.throws(() => snidr(h, y, s, 1, { estimator: 'ls' }), /estimator 'ls' needs T >= K; got T=1, K=2/);
  assert.throws(() => snidr(h, rng.complexNormal([2, 4, 3]), s, 1), /snidr\(s\): must be \[2, K, 3\]/);
  assert.throws(() => snidr(rng.complexNormal([2, 2, 5]), y, s, 1), /snidr\(h\): must be \[2, 2, 4\]/);
  assert.throws(() => nmse(s, rng.complexNormal([2, 3, 1])), /nmse: sHat \[2,2,1\] and s \[2,3,1\]/);
  assert.throws(() => nmse(rng.complexNormal([3]), rng.complexNormal([3])), /nmse\(sHat\): must be \[\.\.\., K, T\] complex \(rank >= 2\)/);
});
