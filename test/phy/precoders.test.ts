import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { eighHermitian } from '../../lib/core/linalg';
import { Rng } from '../../lib/core/random';
import { mrt, normalisePower, precode, quantizedPrecode, rzf, zf } from '../../lib/phy/precoders';
import { bussgangGain, lloydMax, oneBit } from '../../lib/phy/quantizer';
import { setup, assertClose, arr } from '../helpers';

/** Per-channel Tr(W Wᴴ). */
const power = (w: C.Complex) => arr(C.frobNorm2(w));

/** Per-channel Tr((H Hᴴ)⁻¹) = Σ 1/λ_i, from a float64 eigendecomposition of H Hᴴ (independent of the inverse). */
function traceInvGram(h: C.Complex): number[] {
  const [b, k] = h.re.shape;
  const g = C.toArrays(C.matmul(h, h, false, true));
  const e = eighHermitian({ batch: b, n: k, re: Float64Array.from(g.re), im: Float64Array.from(g.im) });
  return Array.from({ length: b }, (_, i) => Array.from(e.values.slice(i * k, (i + 1) * k)).reduce((s, l) => s + 1 / l, 0));
}

test('ZF: H W = α I with α = √(P / Tr((H Hᴴ)⁻¹)), and Tr(W Wᴴ) = P', async () => {
  await setup();
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

test('MRT: W = c Hᴴ with c = √(P/||H||²); MRT, ZF and RZF all have Tr(W Wᴴ) = P per channel', async () => {
  await setup();
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

test('RZF: ξ = Kσ²/P by default; ξ → 0 gives ZF, ξ → ∞ gives the MRT direction', async () => {
  await setup();
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

test('precode: with s = I_K the transmit signal is W; quantizedPrecode power rules', async () => {
  await setup();
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

test('ZF is differentiable: gradient of Σ|h_k w_k|² finite and matching finite differences', async () => {
  await setup();
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

test('bad input: ZF with K > M, wrong ranks, mismatched s, non-finite h, bad options', async () => {
  await setup();
  const rng = new Rng(28);
  assert.throws(() => zf(rng.complexNormal([2, 8, 4])), /zf\(h\): needs K <= M \(users <= antennas\); got K=8, M=4/);
  assert.throws(() => mrt(rng.complexNormal([8, 4])), /mrt\(h\): must be \[batch, K, M\]/);
  const h = rng.complexNormal([1, 2, 4]);
  const bad = C.complex(tf.tensor([NaN, 0, 0, 0, 0, 0, 0, 0], [1, 2, 4]));
  assert.throws(() => zf(bad), /zf\(h\): must be finite/);
  assert.throws(() => rzf(h), /rzf\(opts\): give noiseVar/);
  assert.throws(() => rzf(h, { reg: -1 }), /rzf\(opts.reg\)/);
  assert.throws(() => mrt(h, { power: -1 }), /normalisePower\(power\)/);
  const w = mrt(h);
  assert.throws(() => precode(w, rng.complexNormal([1, 3, 5])), /precode\(s\): must be \[1, 2, T\]/);
  assert.throws(() => precode(w, rng.complexNormal([2, 2, 5])), /precode\(s\)/);
  const s = rng.complexNormal([1, 2, 5]);
  assert.throws(
    () => quantizedPrecode(w, s, oneBit(), { perAntennaNormalisation: 'agc' as 'none' }),
    /perAntennaNormalisation/,
  );
  assert.throws(() => quantizedPrecode(w, C.scale(s, NaN), oneBit()), /quantizedPrecode\(w, s\): must be finite/);
});
