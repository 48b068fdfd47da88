import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { eighHermitian } from '../../lib/core/linalg';
import { Rng } from '../../lib/core/random';
import { mrt, normalisePower, precode, quantizedPrecode, rzf, zf } from '../../lib/phy/precoders';
import { bussgangGain, lloydMax, oneBit } from '../../lib/phy/quantizer';
import { backendTest, assertClose, arr } from '../helpers';

/** Per-channel Tr(W Wᴴ). */
const power = (w: C.Complex) => arr(C.frobNorm2(w));

/** Per-channel Tr((H Hᴴ)⁻¹) = Σ 1/λ_i, from a float64 eigendecomposition of H Hᴴ (independent of the inverse). */
function traceInvGram(h: C.Complex): number[] {
  const [b, k] = h.re.shape;
  const g = C.toArrays(C.matmul(h, h, false, true));
  const e = eighHermitian({ batch: b, rows: k, cols: k, re: Float64Array.from(g.re), im: Float64Array.from(g.im) });
  return Array.from({ length: b }, (_, i) => Array.from(e.values.slice(i * k, (i + 1) * k)).reduce((s, l) => s + 1 / l, 0));
}

backendTest('ZF: H W = α I with α = √(P / Tr((H Hᴴ)⁻¹)), and Tr(W Wᴴ) = P', async () => {
  const [b, k, m, P] = [3, 4, 8, 2.5];
  const h = new Rng(21).complexNormal([b, k, m]);
  const w = zf(h, { power: P });
  assert.deepEqual(w.re.shape, [b, m, k]);
  const hw = C.matmul(h, w);
  const alpha = traceInvGram(h).map((t) => Math.sqrt(P / t));
  const expected = alpha.flatMap((a) => Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? a : 0)));
  assertClose(arr(hw.re), expected, 2e-4, 'Re(H W)');
  assertClose(arr(hw.im), new Float32Array(b * k * k), 2e-4, 'Im(H W)');
  assertClose(power(w), new Float32Array(b).fill(P), 1e-4, 'power');
});

backendTest('MRT: W = c Hᴴ with c = √(P/||H||²); MRT, ZF and RZF all have Tr(W Wᴴ) = P per channel', async () => {
  const [b, k, m, P] = [4, 3, 6, 7];
  const h = new Rng(22).complexNormal([b, k, m], 2);
  const w = mrt(h, { power: P });
  const c = arr(C.frobNorm2(h)).map((f) => Math.sqrt(P / f));
  const hh = C.adjoint(h);
  const cT = tf.tensor(c, [b, 1, 1]);
  assertClose(arr(w.re), arr(tf.mul(hh.re, cT)), 1e-5, 'Re W');
  assertClose(arr(w.im), arr(tf.mul(hh.im, cT)), 1e-5, 'Im W');
  for (const v of [w, zf(h, { power: P }), rzf(h, { power: P, noiseVar: 0.3 })]) {
    assertClose(power(v), new Float32Array(b).fill(P), 1e-4, 'power');
  }
  // a zero precoder stays zero (no NaN)
  assert.ok(arr(normalisePower(C.complex(tf.zeros([1, 2, 2])), 3).re).every((v) => v === 0));
});

/** K rows of the M-point DFT scaled by √g_k: H Hᴴ = M·diag(g). */
function orthogonalChannel(gains: number[], m: number): C.Complex {
  const re: number[] = [], im: number[] = [];
  gains.forEach((g, u) => {
    for (let a = 0; a < m; a++) {
      re.push(Math.sqrt(g) * Math.cos((-2 * Math.PI * u * a) / m));
      im.push(Math.sqrt(g) * Math.sin((-2 * Math.PI * u * a) / m));
    }
  });
  return C.complexFromArrays(re, im, [1, gains.length, m]);
}

backendTest('RZF at finite ξ: closed form on an orthogonal channel, push-through identity on a random one', async () => {
  // H Hᴴ = M diag(g) ⇒ W = c Hᴴ diag(1/(M g_k + ξ)): w_k = c h_kᴴ/(M g_k + ξ),
  // c² = P / Σ_k M g_k/(M g_k + ξ)² (from Tr(W Wᴴ) = P)
  const [gains, m, P] = [[1, 0.2, 3], 6, 2];
  const h = orthogonalChannel(gains, m);
  const hh = C.toArrays(C.adjoint(h)); // [1, M, K]
  for (const xi of [0.5, 4, 30]) {
    const w = C.toArrays(rzf(h, { power: P, reg: xi }));
    const c = Math.sqrt(P / gains.reduce((a, g) => a + (m * g) / (m * g + xi) ** 2, 0));
    const k = gains.length;
    const ref = (part: Float32Array) => Array.from(part, (v, i) => (c * v) / (m * gains[i % k] + xi));
    assertClose(w.re, ref(hh.re), 1e-5, `Re W at ξ = ${xi}`);
    assertClose(w.im, ref(hh.im), 1e-5, `Im W at ξ = ${xi}`);
  }
  // random H: Hᴴ(HHᴴ + ξI)⁻¹ = (HᴴH + ξI)⁻¹Hᴴ, the right side from a float64 eigendecomposition of HᴴH
  const [b, k2, m2, xi] = [2, 3, 5, 0.7];
  const hr = new Rng(29).complexNormal([b, k2, m2]);
  const w = C.toArrays(rzf(hr, { power: P, reg: xi }));
  const gram = C.toArrays(C.matmul(hr, hr, true, false)); // HᴴH: [b, M, M]
  const e = eighHermitian({ batch: b, rows: m2, cols: m2, re: Float64Array.from(gram.re), im: Float64Array.from(gram.im) });
  const ha = C.toArrays(hr);
  for (let bi = 0; bi < b; bi++) {
    // A = V diag(1/(λ + ξ)) Vᴴ, R = A Hᴴ: [M, K]
    const at = (i: number, j: number): [number, number] => {
      let sr = 0, si = 0;
      for (let l = 0; l < m2; l++) {
        const o = bi * m2 * m2;
        const [vr, vi] = [e.vectorsRe[o + i * m2 + l], e.vectorsIm[o + i * m2 + l]];
        const [ur, ui] = [e.vectorsRe[o + j * m2 + l], -e.vectorsIm[o + j * m2 + l]]; // conj(V[j, l])
        const d = 1 / (e.values[bi * m2 + l] + xi);
        sr += d * (vr * ur - vi * ui);
        si += d * (vr * ui + vi * ur);
      }
      return [sr, si];
    };
    const rRe: number[] = [], rIm: number[] = [];
    for (let i = 0; i < m2; i++) for (let u = 0; u < k2; u++) {
      let sr = 0, si = 0;
      for (let j = 0; j < m2; j++) {
        const [ar, ai] = at(i, j);
        const o = bi * k2 * m2 + u * m2 + j;
        const [hr2, hi2] = [ha.re[o], -ha.im[o]]; // (Hᴴ)_{j,u} = conj(H_{u,j})
        sr += ar * hr2 - ai * hi2;
        si += ar * hi2 + ai * hr2;
      }
      rRe.push(sr); rIm.push(si);
    }
    const norm = Math.sqrt(P / rRe.reduce((a, v, i) => a + v * v + rIm[i] * rIm[i], 0));
    const off = bi * m2 * k2;
    assertClose(w.re.slice(off, off + m2 * k2), rRe.map((v) => v * norm), 2e-4, `push-through Re, channel ${bi}`);
    assertClose(w.im.slice(off, off + m2 * k2), rIm.map((v) => v * norm), 2e-4, `push-through Im, channel ${bi}`);
  }
});

backendTest('RZF: ξ = Kσ²/P by default; ξ → 0 gives ZF, ξ → ∞ gives the MRT direction', async () => {
  const [b, k, m, P, s2] = [2, 3, 5, 2, 0.4];
  const h = new Rng(23).complexNormal([b, k, m]);
  const viaNoise = rzf(h, { power: P, noiseVar: s2 });
  const viaReg = rzf(h, { power: P, reg: (k * s2) / P });
  assertClose(arr(viaNoise.re), arr(viaReg.re), 1e-6, 'ξ = Kσ²/P');
  const z = zf(h, { power: P });
  const r0 = rzf(h, { power: P, reg: 1e-4 });
  assertClose(arr(r0.re), arr(z.re), 2e-3, 'ξ → 0: Re');
  assertClose(arr(r0.im), arr(z.im), 2e-3, 'ξ → 0: Im');
  const mr = mrt(h, { power: P });
  const rInf = rzf(h, { power: P, reg: 1e5 });
  assertClose(arr(rInf.re), arr(mr.re), 2e-3, 'ξ → ∞: Re');
  assertClose(arr(rInf.im), arr(mr.im), 2e-3, 'ξ → ∞: Im');
  // RZF also works for K > M (H Hᴴ + ξI is invertible)
  const wide = rzf(new Rng(24).complexNormal([1, 6, 4]), { noiseVar: 1 });
  assertClose(power(wide), [1], 1e-4, 'K > M power');
});

backendTest('precode: with s = I_K the transmit signal is W; quantizedPrecode power rules', async () => {
  const rng = new Rng(25);
  const [b, k, m, t, P] = [2, 2, 8, 4000, 8];
  const h = rng.complexNormal([b, k, m]);
  const w = zf(h, { power: P });
  const ident = C.complex(tf.broadcastTo(tf.eye(k), [b, k, k]) as tf.Tensor);
  assertClose(arr(precode(w, ident).re), arr(w.re), 0, 'W I = W');
  const s = rng.complexNormal([b, k, t]);
  // default: rescaled so the mean power over T is P exactly
  const q = lloydMax(2, 0.5);
  const y = quantizedPrecode(w, s, q);
  assertClose(arr(tf.mean(tf.sum(C.abs2(y), 1), -1)), new Float32Array(b).fill(P), 1e-3 * P, 'renormalised power');
  // without rescaling, a Lloyd-Max DAC keeps B·P on average (E[Q(x)²] = B σ² for centroid quantisers)
  const yRaw = quantizedPrecode(w, s, q, { renormalise: false });
  const raw = arr(tf.mean(tf.sum(C.abs2(yRaw), 1), -1));
  assertClose(raw, new Float32Array(b).fill(bussgangGain(q, 0.5) * P), 0.03 * P, 'un-rescaled power = B·P');
  // NNO-C2PO: ξ·sign with ξ = √(P/(2M)) and no normalisation has ||y_t||² = P for every t
  const yc = quantizedPrecode(w, s, oneBit(Math.sqrt(P / (2 * m))), { perAntennaNormalisation: 'none', renormalise: false });
  assertClose(arr(tf.sum(C.abs2(yc), 1)), new Float32Array(b * t).fill(P), 1e-4 * P, '1-bit ||y_t||² = P');
});

backendTest('ZF is differentiable: gradient of Σ|h_k w_k|² finite and matching finite differences', async () => {
  const h = new Rng(26).complexNormal([1, 2, 3]);
  const c = new Rng(27).complexNormal([1, 3, 2]);
  // f(H) = Re Σ (c ∘ conj W(H)) — a linear functional of the ZF precoder
  const f = (re: tf.Tensor) => tf.sum(C.mulConj(c, zf({ re, im: h.im })).re) as tf.Scalar;
  const g = arr(tf.grad(f)(h.re));
  const base = arr(h.re);
  const eps = 1e-2;
  for (const i of [0, 2, 5]) {
    const plus = base.slice(), minus = base.slice();
    plus[i] += eps;
    minus[i] -= eps;
    const fd = (f(tf.tensor(plus, [1, 2, 3])).dataSync()[0] - f(tf.tensor(minus, [1, 2, 3])).dataSync()[0]) / (2 * eps);
    assert.ok(Math.abs(fd - g[i]) < 2e-2 * Math.max(1, Math.abs(fd)), `entry ${i}: fd ${fd} vs grad ${g[i]}`);
  }
});

/** Gradients of f w.r.t. (re, im) of x, asserted finite; returns them flat. */
function finiteGrads(f: (re: tf.Tensor, im: tf.Tensor) => tf.Scalar, x: C.Complex, what: string): Float32Array[] {
  const g = tf.grads(f)([x.re, x.im]).map(arr);
  for (const [i, v] of g.entries()) assert.ok(v.every(Number.isFinite), `${what}: ∂/∂${i ? 'Im' : 'Re'} not finite: ${v}`);
  return g;
}

backendTest('gradients stay finite at zero input: normalisePower and MRT at W = 0, quantizedPrecode at W = 0 and s = 0', async () => {
  const rng = new Rng(30);
  const z = C.complex(tf.zeros([2, 4, 2]));
  const c = rng.complexNormal([2, 4, 2]);
  // f(W) = Re Σ c ∘ conj(normalise(W))
  for (const p of [1, 0, 1000]) {
    finiteGrads((re, im) => tf.sum(C.mulConj(c, normalisePower({ re, im }, p)).re) as tf.Scalar, z, `normalisePower(0, ${p})`);
  }
  finiteGrads((re, im) => C.frobNorm2(mrt({ re, im }, { power: 3 })).sum() as tf.Scalar, C.complex(tf.zeros([1, 2, 4])), 'mrt(0)');
  // tiny but non-zero W (Tr(WWᴴ) just below and just above the 1e-18 floor) as well
  for (const tiny of [3e-10, 1e-9]) {
    finiteGrads((re, im) => tf.sum(C.mulConj(c, normalisePower({ re, im })).re) as tf.Scalar, C.scale(c, tiny), `normalisePower(${tiny}·W)`);
  }
  // quantised precoding: the DAC has zero gradient, the per-antenna gains and renormalisation do not
  const s = rng.complexNormal([2, 2, 6]);
  const d = rng.complexNormal([2, 4, 6]);
  for (const q of [oneBit(), lloydMax(3, 0.5)]) {
    for (const mode of ['precoder', 'empirical', 'none'] as const) {
      const f = (re: tf.Tensor, im: tf.Tensor) => tf.sum(C.mulConj(d, quantizedPrecode({ re, im }, s, q, { perAntennaNormalisation: mode })).re) as tf.Scalar;
      finiteGrads(f, z, `quantizedPrecode(W = 0, ${q.name}, ${mode})`);
      finiteGrads(f, c, `quantizedPrecode(W, ${q.name}, ${mode})`);
    }
  }
  const fs = (re: tf.Tensor, im: tf.Tensor) => C.frobNorm2(quantizedPrecode({ re, im }, C.complex(tf.zeros([2, 2, 6])), lloydMax(2, 0.5))).sum() as tf.Scalar;
  finiteGrads(fs, c, 'quantizedPrecode(s = 0)');
  // …and a zero row of W (one antenna off) next to live ones
  const off = C.scale(c, tf.tensor([1, 0, 1, 1], [1, 4, 1]));
  const g = finiteGrads((re, im) => tf.sum(C.mulConj(d, quantizedPrecode({ re, im }, s, lloydMax(2, 0.5))).re) as tf.Scalar, off, 'antenna off');
  assert.ok(g[0].some((v) => v !== 0), 'the renormalisation passes a non-zero gradient to the live antennas');
});

backendTest('bad input: ZF with K > M, wrong ranks, mismatched s, bad options', async () => {
  const rng = new Rng(28);
  assert.throws(() => zf(rng.complexNormal([2, 8, 4])), /zf\(h\): needs K <= M \(users <= antennas\); got K=8, M=4/);
  assert.throws(() => mrt(rng.complexNormal([8])), /mrt\(h\): must be \[\.\.\., K, M\] complex \(rank >= 2\); got \[8\]/);
  const h = rng.complexNormal([1, 2, 4]);
  assert.throws(() => rzf(h), /rzf\(opts\): give noiseVar/);
  assert.throws(() => rzf(h, { reg: -1 }), /rzf\(opts.reg\)/);
  assert.throws(() => mrt(h, { power: -1 }), /mrt\(opts.power\): must be finite and >= 0; got -1/);
  assert.throws(() => zf(h, { power: NaN }), /zf\(opts.power\)/);
  assert.throws(() => rzf(h, { reg: 1, power: 0 }), /rzf\(opts.power\): must be finite and > 0/);
  assert.throws(() => normalisePower(mrt(h), -1), /normalisePower\(power\)/);
  const w = mrt(h);
  assert.throws(() => precode(w, rng.complexNormal([1, 3, 5])), /precode\(s\): must be \[1, 2, T\]/);
  assert.throws(() => precode(w, rng.complexNormal([2, 2, 5])), /precode\(s\)/);
  const s = rng.complexNormal([1, 2, 5]);
  assert.throws(
    () => quantizedPrecode(w, s, oneBit(), { perAntennaNormalisation: 'agc' as 'none' }),
    /perAntennaNormalisation/,
  );
  assert.throws(() => quantizedPrecode(w, s, oneBit(), { target: 0 }), /quantizedPrecode\(opts.target\): must be finite and > 0/);
  assert.throws(() => quantizedPrecode(w, s, oneBit(), { power: -2 }), /quantizedPrecode\(opts.power\)/);
  assert.throws(() => quantizedPrecode(w, rng.complexNormal([1, 3, 5]), oneBit()), /quantizedPrecode\(s\): must be \[1, 2, T\]/);
  assert.throws(() => precode(w, { re: s.re, im: tf.zeros([1, 2, 4]) }), /precode\(s\): re shape \[1,2,5\] and im shape \[1,2,4\]/);
});

backendTest('ZF and RZF with ξ = 0 detect a singular H Hᴴ (identical users, K > M) and name the channel and its condition number', async () => {
  const rng = new Rng(29);
  const h = rng.complexNormal([4, 3, 6]);
  // channel 2: user 1 gets exactly user 0's channel
  const dup = C.tidy(() => {
    const rows = (x: tf.Tensor) => tf.concat([tf.slice(x, [2, 0, 0], [1, 1, 6]), tf.slice(x, [2, 0, 0], [1, 1, 6]), tf.slice(x, [2, 2, 0], [1, 1, 6])], 1);
    const fix = (x: tf.Tensor) => tf.concat([tf.slice(x, [0, 0, 0], [2, 3, 6]), rows(x), tf.slice(x, [3, 0, 0], [1, 3, 6])], 0);
    return { re: fix(h.re), im: fix(h.im) };
  });
  const before = tf.memory().numTensors;
  assert.throws(() => zf(dup), /zf\(h\): H Hᴴ of channel 2 in the batch cannot be inverted in float32 \(condition number (∞ \(singular\)|[0-9.]+e\+(\d{2,})), .*two users have \(nearly\) parallel channels\. Use rzf with noiseVar > 0/);
  assert.throws(() => rzf(dup, { reg: 0 }), /rzf\(h\): H Hᴴ of channel 2 in the batch cannot be inverted/);
  assert.equal(tf.memory().numTensors, before, 'nothing leaks when it throws');
  // the same channels are fine with regularisation, and with the check off (inside a training step)
  C.dispose(rzf(dup, { noiseVar: 0.1 }), zf(dup, { checkConditioning: false }), zf(h));
  assert.equal(tf.memory().numTensors, before);
  // RZF with σ² = 0 and K > M is ZF without a solution: refused from the shapes
  assert.throws(() => rzf(rng.complexNormal([1, 6, 4]), { noiseVar: 0 }), /rzf\(opts\): ξ = 0 \(noiseVar or reg 0\) makes RZF the ZF precoder, which needs K <= M \(users <= antennas\); got K=6, M=4/);
  // nearly parallel users (κ ≈ 10⁹ in float64) are refused too; mildly correlated ones are not
  const near = (eps: number) => C.tidy(() => {
    const a = rng.complexNormal([1, 1, 6]);
    const b = rng.complexNormal([1, 1, 6]);
    return { re: tf.concat([a.re, tf.add(a.re, tf.mul(b.re, eps))], 1), im: tf.concat([a.im, tf.add(a.im, tf.mul(b.im, eps))], 1) };
  });
  assert.throws(() => zf(near(1e-5)), /channel 0 in the batch cannot be inverted in float32 \(condition number [0-9.]+e\+/);
  C.dispose(zf(near(0.3)));
});
