import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { Rng } from '../../lib/core/random';
import {
  ScalarQuantizer, antennaPowerEmpirical, antennaPowerFromPrecoder, bussgangGain, distortionVariance,
  lloydMax, mse, oneBit, perAntennaGain, quantize, quantizeComplex, quantizePerAntenna, quantizePerAntennaEmpirical,
  uniform,
} from '../../lib/phy/quantizer';
import { backendTest, assertClose, arr } from '../helpers';

/** ∫_a^b f by composite Simpson with n (even) panels. */
function simpson(f: (x: number) => number, a: number, b: number, n = 4000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** N(0, σ²) density, independent of the library. */
const gauss = (sigma: number) => (x: number) => Math.exp(-0.5 * (x / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI));

/** Cell edges of q with ±∞ replaced by ±12σ (tail mass beyond is < 1e-32). */
function edges(q: ScalarQuantizer, sigma: number): number[] {
  return [-12 * sigma, ...q.thresholds, 12 * sigma];
}

/** Reference Q(x) by linear search, left-closed cells, comparing in float32 as the tensors do. */
function refQuantize(q: ScalarQuantizer, x: number): number {
  let i = 0;
  while (i < q.thresholds.length && Math.fround(x) >= Math.fround(q.thresholds[i])) i++;
  return q.levels[i];
}

test('lloydMax: 1-bit levels are ±√(2/π)·σ for any variance', () => {
  for (const v of [1, 0.5, 4]) {
    const q = lloydMax(1, v);
    const l = Math.sqrt(2 / Math.PI) * Math.sqrt(v);
    assertClose(q.levels, [-l, l], 1e-14, `levels at σ²=${v}`);
    assertClose(q.thresholds, [0], 1e-15, 'threshold');
  }
});

test('lloydMax: centroid and midpoint conditions hold to 1e-9 (1–4 bits, σ² = 1 and 1/2), by quadrature', () => {
  for (const v of [1, 0.5]) {
    const sigma = Math.sqrt(v);
    const f = gauss(sigma);
    for (let b = 1; b <= 4; b++) {
      const q = lloydMax(b, v);
      const e = edges(q, sigma);
      for (let i = 0; i < q.levels.length; i++) {
        const mass = simpson(f, e[i], e[i + 1]);
        const first = simpson((x) => x * f(x), e[i], e[i + 1]);
        assertClose(q.levels[i], first / mass, 1e-9, `centroid b=${b} cell ${i} σ²=${v}`);
      }
      for (let i = 0; i < q.thresholds.length; i++) {
        assertClose(q.thresholds[i], 0.5 * (q.levels[i] + q.levels[i + 1]), 1e-9, `midpoint b=${b} τ${i}`);
      }
    }
  }
});

/** |a/b − 1| ≤ tol for every entry. */
function assertRel(a: number[] | number, b: number[] | number, tol: number, what: string): void {
  const aa = typeof a === 'number' ? [a] : a;
  const bb = typeof b === 'number' ? [b] : b;
  assert.equal(aa.length, bb.length, what);
  aa.forEach((v, i) => assert.ok(Math.abs(v / bb[i] - 1) <= tol, `${what}[${i}]: ${v} vs ${bb[i]} (rel. ${Math.abs(v / bb[i] - 1).toExponential(2)} > ${tol})`));
}

test('lloydMax: MSE and levels match Max (1960) for 1–4 bits (rel. 1e-3); closed-form MSE matches quadrature', () => {
  // J. Max, "Quantizing for minimum distortion", IRE Trans. IT-6, 1960, Table I (unit variance)
  const max1960 = [0.3634, 0.1175, 0.03455, 0.009497];
  const positiveLevels: Record<number, number[]> = { 2: [0.4528, 1.5104], 3: [0.2451, 0.7560, 1.3439, 2.1519] };
  for (let b = 1; b <= 4; b++) {
    const q = lloydMax(b);
    assertRel(mse(q, 1), max1960[b - 1], 1e-3, `MSE ${b} bits`);
    const ref = positiveLevels[b];
    if (ref) assertRel(q.levels.slice(q.levels.length / 2), ref, 1e-3, `positive levels ${b} bits`);
    // MSE decreases by ≈ 6 dB per bit and is strictly decreasing
    if (b > 1) assert.ok(mse(q, 1) < mse(lloydMax(b - 1), 1));
  }
  // the closed form holds for any quantiser (here: uniform, mismatched to σ²)
  for (const [q, v] of [[uniform(3, { step: 0.4 }), 2], [lloydMax(2, 1), 0.5]] as const) {
    const sigma = Math.sqrt(v);
    const f = gauss(sigma);
    const e = edges(q, sigma);
    let quad = 0;
    for (let i = 0; i < q.levels.length; i++) quad += simpson((x) => (x - q.levels[i]) ** 2 * f(x), e[i], e[i + 1]);
    assertClose(mse(q, v), quad, 1e-10, `MSE closed form vs quadrature (${q.name}, σ²=${v})`);
  }
});

test('Lloyd-Max is scale-equivariant and unique (two initial points agree), up to 8 bits', () => {
  const a = lloydMax(3, 1);
  const b = lloydMax(3, 0.25);
  assertClose(b.levels, a.levels.map((l) => l * 0.5), 1e-13, 'levels scale with σ');
  for (const bits of [5, 8]) {
    const c = lloydMax(bits, 1, { inits: ['companding'] });
    const u = lloydMax(bits, 1, { inits: ['uniform'] });
    assertClose(c.levels, u.levels, 1e-9, `${bits}-bit levels from two starts`);
    assert.equal(c.levels.length, 2 ** bits);
  }
});

test('Bussgang gain: ℓ·√(2/π)/σ for ℓ·sign, 2/π for 1-bit Lloyd-Max; MSE = σ²(1 − B) for centroid quantisers', () => {
  assertClose(bussgangGain(lloydMax(1), 1), 2 / Math.PI, 1e-14, 'B 1-bit LM');
  for (const [l, v] of [[1, 1], [0.3, 2], [2, 0.5]]) {
    assertClose(bussgangGain(oneBit(l), v), (l * Math.sqrt(2 / Math.PI)) / Math.sqrt(v), 1e-14, `B ℓ=${l} σ²=${v}`);
  }
  for (let b = 1; b <= 4; b++) {
    const v = 0.5;
    const q = lloydMax(b, v);
    const B = bussgangGain(q, v);
    // E[xQ] = E[Q²] for centroid quantisers ⇒ MSE = σ²(1 − B), distortion variance = σ² B (1 − B)
    assertClose(mse(q, v), v * (1 - B), 1e-12, `MSE identity ${b} bits`);
    assertClose(distortionVariance(q, v), v * B * (1 - B), 1e-12, `distortion identity ${b} bits`);
  }
});

backendTest('quantize: matches the definition (left-closed cells, sign(0) = +1) for 1, 3 and 8 bits', async () => {
  const rng = new Rng(11);
  for (const q of [oneBit(0.7), lloydMax(3), lloydMax(8)]) {
    const xs = [...rng.normalArray(500, 1.5), ...q.thresholds, 0, -40, 40];
    const y = arr(quantize(tf.tensor(xs, [xs.length]), q));
    const ref = xs.map((x) => refQuantize(q, Math.fround(x)));
    assertClose(y, Float32Array.from(ref), 0, q.name);
  }
  assertClose(arr(quantize(tf.tensor([0, -0.1, 0.1]), oneBit(2))), [2, -2, 2], 0, 'sign(0) = +1');
  // uniform mid-rise: equally spaced levels, thresholds midway, clip spec tiles [−c, c]
  const u = uniform(2, { clip: 2 });
  assertClose(u.levels, [-1.5, -0.5, 0.5, 1.5], 1e-15, 'uniform levels');
  assertClose(u.thresholds, [-1, 0, 1], 1e-15, 'uniform thresholds');
  // complex: Re and Im quantised separately (GNN eq. 1)
  const z = quantizeComplex(C.complexFromArrays([0.2, -3], [-0.1, 5], [2]), u);
  assertClose(arr(z.re), [0.5, -1.5], 0, 'Re');
  assertClose(arr(z.im), [-0.5, 1.5], 0, 'Im');
});

backendTest('quantize is differentiable with a zero gradient (no gather), also through quantizeComplex', async () => {
  const rng = new Rng(16);
  for (const q of [oneBit(), lloydMax(3), lloydMax(8)]) {
    const x = rng.normal([3, 40], 2);
    const g = arr(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(quantize(v, q), v)) as tf.Scalar)(x));
    // d/dx [Q(x)·x] = Q(x) + x·Q'(x) = Q(x) since Q' = 0
    assertClose(g, arr(quantize(x, q)), 0, `${q.name}: ∂(Q(x)x)/∂x = Q(x)`);
    const z = rng.complexNormal([2, 5]);
    const [gr, gi] = tf.grads((re: tf.Tensor, im: tf.Tensor) => C.frobNorm2(quantizeComplex({ re, im }, q), [0, 1]) as tf.Scalar)([z.re, z.im]).map(arr);
    assert.ok([...gr, ...gi].every((v) => v === 0), `${q.name}: complex gradient is zero`);
  }
});

backendTest('quantize: Monte-Carlo Bussgang gain and MSE agree with the closed forms', async () => {
  const rng = new Rng(12);
  const n = 200_000;
  for (const [q, v] of [[lloydMax(2, 1), 1], [uniform(3, { step: 0.5 }), 0.7], [oneBit(1), 2]] as const) {
    const x = rng.normal([n], Math.sqrt(v));
    const y = quantize(x, q);
    const xq = tf.mean(tf.mul(x, y)).dataSync()[0];
    const xx = tf.mean(tf.square(x)).dataSync()[0];
    const e2 = tf.mean(tf.square(tf.sub(x, y))).dataSync()[0];
    assertClose(xq / xx, bussgangGain(q, v), 0.01, `MC Bussgang ${q.name}`);
    assertClose(e2 / v, mse(q, v) / v, 0.01, `MC MSE ${q.name}`);
    tf.dispose([x, y]);
  }
});

backendTest('per-antenna normalisation: E|x̃_m|² = 1 (precoder ρ) and exactly 1 (empirical ρ); ρ_m = 0 gives 0', async () => {
  const rng = new Rng(13);
  const [b, m, k, t] = [2, 4, 3, 20000];
  const w = rng.complexNormal([b, m, k], 3);
  const s = rng.complexNormal([b, k, t]);
  const x = C.matmul(w, s);
  // GNN §II-B3: ρ_m = ||w_m||², x̃ = x/√ρ_m
  const g = perAntennaGain(antennaPowerFromPrecoder(w), 0.5);
  const p = arr(tf.mean(C.abs2(C.scale(x, g)), -1));
  assertClose(p, new Float32Array(b * m).fill(1), 0.05, 'E|x̃|² with ρ = ||w_m||²');
  const ge = perAntennaGain(antennaPowerEmpirical(x), 0.5);
  assertClose(arr(tf.mean(C.abs2(C.scale(x, ge)), -1)), new Float32Array(b * m).fill(1), 1e-4, 'empirical');
  // an antenna with w_m = 0 (ρ_m = 0) outputs exactly 0, everything stays finite
  const mask = tf.tensor([1, 0, 1, 1], [1, m, 1]);
  const w0 = C.scale(w, mask);
  const y0 = quantizePerAntenna(C.matmul(w0, s), w0, lloydMax(2, 0.5));
  const y0r = arr(y0.re);
  assert.ok(y0r.every(Number.isFinite));
  const row1 = arr(tf.slice(C.abs2(y0), [0, 1, 0], [b, 1, t]));
  assert.ok(row1.every((v) => v === 0), 'switched-off antenna must output 0');
});

backendTest('per-antenna quantisation: output does not depend on the Lloyd-Max design variance; α_m = B for every antenna', async () => {
  const rng = new Rng(14);
  const [b, m, k, t] = [1, 4, 2, 40000];
  // very different antenna powers
  const w = C.scale(rng.complexNormal([b, m, k]), tf.tensor([0.1, 1, 3, 10], [1, m, 1]));
  const s = rng.complexNormal([b, k, t]);
  const x = C.matmul(w, s);
  const y1 = quantizePerAntenna(x, w, lloydMax(2, 1));
  const yh = quantizePerAntenna(x, w, lloydMax(2, 0.5));
  assertClose(arr(y1.re), arr(yh.re), 1e-4, 'Re y, design σ² = 1 vs 1/2');
  // with T large the empirical ρ_m ≈ ||w_m||², so the output power per antenna agrees
  const pw = arr(tf.mean(C.abs2(yh), -1));
  const pe = arr(tf.mean(C.abs2(quantizePerAntennaEmpirical(x, lloydMax(2, 0.5))), -1));
  assertClose(pe.map((v, i) => v / pw[i]), new Float32Array(m).fill(1), 0.03, 'empirical vs precoder ρ: output power');
  // Bussgang per antenna: α_m = E(y_m x_m*)/E|x_m|² = B(design) regardless of ρ_m (GNN eq. 2)
  for (const bits of [1, 2]) {
    const q = lloydMax(bits, 0.5);
    const y = quantizePerAntenna(x, w, q);
    const num = tf.sum(C.mulConj(y, x).re, -1);
    const den = tf.sum(C.abs2(x), -1);
    const alpha = arr(tf.div(num, den));
    assertClose(alpha, new Float32Array(m).fill(bussgangGain(q, 0.5)), 0.01, `α_m for ${bits} bits`);
  }
});

backendTest('bad input: bits outside 1..8, bad scales/variances, malformed quantisers, mismatched tensors', async () => {
  for (const bits of [0, 9, 1.5, NaN]) {
    assert.throws(() => lloydMax(bits), /lloydMax\(bits\): must be an integer in 1\.\.8/);
    assert.throws(() => uniform(bits, { step: 1 }), /uniform\(bits\)/);
  }
  assert.throws(() => lloydMax(2, 0), /lloydMax\(variance\)/);
  assert.throws(() => lloydMax(2, NaN), /lloydMax\(variance\)/);
  assert.throws(() => oneBit(0), /oneBit\(scale\)/);
  assert.throws(() => uniform(2, { clip: -1 }), /uniform\(spec.clip\)/);
  assert.throws(() => mse(lloydMax(2), -1), /mse\(variance\)/);
  const bad: ScalarQuantizer = { bits: 1, levels: [1, -1], thresholds: [0], name: 'bad' };
  assert.throws(() => quantize(tf.zeros([2]), bad), /levels: must be strictly ascending/);
  assert.throws(() => bussgangGain({ ...bad, levels: [-1, 0, 1] }, 1), /needs 2 levels and 1 thresholds/);
  const rng = new Rng(15);
  assert.throws(
    () => quantizePerAntenna(rng.complexNormal([1, 4, 5]), rng.complexNormal([1, 3, 2]), oneBit()),
    /quantizePerAntenna: x \[1,4,5\] and w \[1,3,2\]/,
  );
  assert.throws(() => quantizePerAntennaEmpirical(rng.complexNormal([5]), oneBit()), /quantizePerAntennaEmpirical\(x\): must be \[\.\.\., M, ·\] complex \(rank >= 2\)/);
  assert.throws(() => perAntennaGain(tf.ones([1, 2, 1]), 0), /perAntennaGain\(target\)/);
  assert.throws(() => quantizePerAntenna(rng.complexNormal([1, 4, 5]), rng.complexNormal([1, 4, 2]), oneBit(), { target: -1 }), /quantizePerAntenna\(opts.target\): must be finite and > 0/);
  assert.throws(() => quantizeComplex({ re: tf.zeros([2]), im: tf.zeros([3]) }, oneBit()), /quantizeComplex\(x\): re shape \[2\] and im shape \[3\]/);
});
