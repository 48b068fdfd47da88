import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  Constellation, constellation, qam, psk, qpsk, awgnErrorRate, qamSerAwgn, qpskSerAwgn, qpskBerAwgn,
  pskSerAwgn, qamBerAwgnApprox,
} from '../../lib/phy/constellation';
import { Rng } from '../../lib/core/random';
import { qfunc } from '../../lib/core/special';
import { awgnQamRun, simulateErrorRate } from '../../lib/phy/errorRate';
import { backendTest, assertClose, arr } from '../helpers';

function popcount(x: number): number {
  let c = 0;
  for (; x; x >>= 1) c += x & 1;
  return c;
}

function dist(c: Constellation, i: number, j: number): number {
  return Math.hypot(c.points.re[i] - c.points.re[j], c.points.im[i] - c.points.im[j]);
}

/** Every nearest neighbour of every point differs from it in exactly one bit. */
function assertGray(c: Constellation): void {
  for (let i = 0; i < c.order; i++) {
    let dmin = Infinity;
    for (let j = 0; j < c.order; j++) if (j !== i) dmin = Math.min(dmin, dist(c, i, j));
    assert.ok(dmin > 1e-9, `${c.name}: points ${i} coincide with another`);
    let count = 0;
    for (let j = 0; j < c.order; j++) {
      if (j === i || dist(c, i, j) > dmin * (1 + 1e-9)) continue;
      count++;
      assert.equal(popcount(i ^ j), 1, `${c.name}: nearest neighbours ${i} and ${j} differ in ${popcount(i ^ j)} bits`);
    }
    assert.ok(count >= 1);
  }
}

function meanEnergy(c: Constellation): number {
  let e = 0;
  for (let i = 0; i < c.order; i++) e += c.points.re[i] ** 2 + c.points.im[i] ** 2;
  return e / c.order;
}

/** Float64 brute-force nearest point. */
function bruteNearest(c: Constellation, yr: number, yi: number): number {
  let best = 0;
  let bd = Infinity;
  for (let i = 0; i < c.order; i++) {
    const d = (yr - c.points.re[i]) ** 2 + (yi - c.points.im[i]) ** 2;
    if (d < bd) { bd = d; best = i; }
  }
  return best;
}

/** Mask of the label bits at LSB positions ≡ parity (mod 2) for a k-bit label. */
function parityMask(k: number, parity: number): number {
  let m = 0;
  for (let p = parity; p < k; p += 2) m |= 1 << p;
  return m;
}

/** |k/n − p| within 4 binomial standard deviations. */
function assertBinomial(errors: number, n: number, p: number, what: string): void {
  const sigma = Math.sqrt((p * (1 - p)) / n);
  assert.ok(Math.abs(errors / n - p) <= 4 * sigma, `${what}: ${(errors / n).toExponential(4)} vs ${p.toExponential(4)} (4σ = ${(4 * sigma).toExponential(2)})`);
}

/** Exact M-PSK SER over AWGN (Craig's form): (1/π)∫₀^{π−π/M} exp(−g sin²(π/M)/sin²θ) dθ, by Simpson. */
function pskSerExact(order: number, esN0Db: number): number {
  const g = 10 ** (esN0Db / 10);
  const s2 = Math.sin(Math.PI / order) ** 2;
  const f = (t: number) => (Math.sin(t) === 0 ? 0 : Math.exp((-g * s2) / Math.sin(t) ** 2));
  const b = Math.PI - Math.PI / order;
  const n = 20000;
  const h = b / n;
  let acc = f(0) + f(b);
  for (let i = 1; i < n; i++) acc += (i % 2 ? 4 : 2) * f(i * h);
  return (acc * h) / 3 / Math.PI;
}

backendTest('QAM labels are the 3GPP TS 38.211 §5.1.4 ones (interleaved: I on b0, b2, …; Q on b1, b3, …)', async () => {
  const bit = (i: number, k: number, j: number) => (i >> (k - 1 - j)) & 1; // b_j, MSB first
  const sgn = (b: number) => 1 - 2 * b;
  // 38.211 §5.1.3 (QPSK), §5.1.4 (16-QAM), §5.1.5 (64-QAM), §5.1.6 (256-QAM)
  const ref: Record<number, (i: number) => [number, number]> = {
    4: (i) => [sgn(bit(i, 2, 0)) / Math.SQRT2, sgn(bit(i, 2, 1)) / Math.SQRT2],
    16: (i) => {
      const b = (j: number) => bit(i, 4, j);
      return [(sgn(b(0)) * (2 - sgn(b(2)))) / Math.sqrt(10), (sgn(b(1)) * (2 - sgn(b(3)))) / Math.sqrt(10)];
    },
    64: (i) => {
      const b = (j: number) => bit(i, 6, j);
      const ax = (o: number) => sgn(b(o)) * (4 - sgn(b(o + 2)) * (2 - sgn(b(o + 4))));
      return [ax(0) / Math.sqrt(42), ax(1) / Math.sqrt(42)];
    },
    256: (i) => {
      const b = (j: number) => bit(i, 8, j);
      const ax = (o: number) => sgn(b(o)) * (8 - sgn(b(o + 2)) * (4 - sgn(b(o + 4)) * (2 - sgn(b(o + 6)))));
      return [ax(0) / Math.sqrt(170), ax(1) / Math.sqrt(170)];
    },
  };
  for (const m of [4, 16, 64, 256]) {
    const c = qam(m);
    for (let i = 0; i < m; i++) {
      const [re, im] = ref[m](i);
      assert.ok(Math.abs(c.points.re[i] - re) < 1e-12 && Math.abs(c.points.im[i] - im) < 1e-12,
        `${c.name} label ${c.labelOf(i).join('')}: (${c.points.re[i]}, ${c.points.im[i]}) vs 38.211 (${re}, ${im})`);
    }
    // hardDecision maps every point back to its own label
    const all = tf.range(0, m, 1, 'int32');
    assert.deepEqual(Array.from(c.hardDecision(c.map(all)).dataSync()), Array.from(all.dataSync()), `${c.name} decisions`);
  }
});

backendTest('square M-QAM: unit energy, Gray nearest neighbours, I on the even-indexed bits, Q on the odd, odd-integer grid', async () => {
  for (const m of [4, 16, 64, 256]) {
    const c = qam(m);
    const l = Math.sqrt(m);
    assert.equal(c.bitsPerSymbol, Math.log2(m));
    assert.ok(Math.abs(meanEnergy(c) - 1) < 1e-12, `${c.name} energy ${meanEnergy(c)}`);
    assert.ok(Math.abs(c.averageEnergy - 1) < 1e-12);
    if (m <= 64) assertGray(c);
    // I depends only on b0, b2, … (odd LSB positions), Q only on b1, b3, … (even LSB positions)
    const k = c.bitsPerSymbol;
    for (let i = 0; i < m; i++) {
      assert.equal(c.points.re[i], c.points.re[i & parityMask(k, 1)], `${c.name} re of ${i}`);
      assert.equal(c.points.im[i], c.points.im[i & parityMask(k, 0)], `${c.name} im of ${i}`);
    }
    // unnormalised: levels are the odd integers ±1 … ±(L−1), E|s|² = 2(M − 1)/3, d_min = 2
    const u = qam(m, { normalise: false });
    assert.ok(Math.abs(u.averageEnergy - (2 * (m - 1)) / 3) < 1e-9);
    const levels = new Set(Array.from(u.points.re));
    assert.equal(levels.size, l);
    for (const v of levels) assert.ok(Number.isInteger(v) && Math.abs(v) % 2 === 1 && Math.abs(v) <= l - 1, `level ${v}`);
    assert.ok(Math.abs(u.minDistance - 2) < 1e-12);
    assert.ok(Math.abs(c.minDistance - 2 / Math.sqrt((2 * (m - 1)) / 3)) < 1e-12);
  }
  // 256-QAM Gray check per axis (the full check is O(M²) per point): labels with all Q bits 0
  // (resp. all I bits 0) sit at the 16 I (resp. Q) levels; adjacent levels differ in one bit
  const c256 = qam(256, { normalise: false });
  for (const [parity, coord] of [[1, c256.points.re], [0, c256.points.im]] as const) {
    const byLevel = new Map<number, number>();
    for (let i = 0; i < 256; i++) if ((i & parityMask(8, parity)) === i) byLevel.set(coord[i], i);
    assert.equal(byLevel.size, 16);
    const sorted = [...byLevel.keys()].sort((a, b) => a - b);
    for (let j = 1; j < sorted.length; j++) assert.equal(popcount(byLevel.get(sorted[j])! ^ byLevel.get(sorted[j - 1])!), 1);
  }
  // QPSK: ((1 − 2b0) + j(1 − 2b1))/√2
  const q = qpsk();
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(q.points.re[i] - (1 - 2 * (i >> 1)) / Math.SQRT2) < 1e-15);
    assert.ok(Math.abs(q.points.im[i] - (1 - 2 * (i & 1)) / Math.SQRT2) < 1e-15);
  }
});

backendTest('M-PSK: unit circle, Gray neighbours; BPSK = ±1; 4-PSK at π/4 is QPSK with the two bits swapped', async () => {
  for (const m of [2, 4, 8, 16, 32]) {
    const c = psk(m, { phaseOffset: 0.3 });
    for (let i = 0; i < m; i++) assert.ok(Math.abs(Math.hypot(c.points.re[i], c.points.im[i]) - 1) < 1e-15);
    assertGray(c);
    assert.ok(Math.abs(c.minDistance - 2 * Math.sin(Math.PI / m)) < 1e-12);
    assert.ok(Math.abs(Math.atan2(c.points.im[0], c.points.re[0]) - 0.3) < 1e-15, 'label 0 sits at φ0');
  }
  const b = psk(2);
  assertClose(b.points.re, [1, -1], 1e-15);
  assertClose(b.points.im, [0, 0], 1e-15);
  const p4 = psk(4, { phaseOffset: Math.PI / 4 });
  const q = qpsk();
  for (let i = 0; i < 4; i++) {
    const swapped = ((i & 1) << 1) | (i >> 1);
    // the labellings really differ (for the mixed labels 01 and 10): not the identity map
    if (swapped !== i) assert.ok(dist(q, i, 0) !== 0 && Math.hypot(p4.points.re[i] - q.points.re[i], p4.points.im[i] - q.points.im[i]) > 1);
    assert.ok(Math.abs(p4.points.re[swapped] - q.points.re[i]) < 1e-15 && Math.abs(p4.points.im[swapped] - q.points.im[i]) < 1e-15,
      `4-PSK label ${swapped} vs QPSK label ${i}`);
  }
});

backendTest('map gathers the point table for any index shape; hardDecision(map(i)) = i, also under bounded noise', async () => {
  const rng = new Rng(11);
  for (const c of [qpsk(), qam(16), qam(64), qam(256), psk(8), psk(16, { phaseOffset: 0.1 }), qam(16, { normalise: false })]) {
    const all = tf.range(0, c.order, 1, 'int32');
    const s = c.map(all);
    assertClose(arr(s.re), c.points.re, 1e-7, `${c.name} re`);
    assertClose(arr(s.im), c.points.im, 1e-7, `${c.name} im`);
    const { indices, symbols } = c.randomSymbols(rng, [3, 5, 7]);
    assert.deepEqual(symbols.re.shape, [3, 5, 7]);
    const idx = Array.from(indices.dataSync());
    assert.deepEqual(Array.from(c.hardDecision(symbols).dataSync()), idx, `${c.name}: noiseless decision`);
    // noise with |n| < 0.45·d_min (per-axis uniform in ±0.3·d_min) never leaves the decision region
    const a = 0.3 * c.minDistance;
    const y = { re: tf.add(symbols.re, rng.uniform([3, 5, 7], -a, a)), im: tf.add(symbols.im, rng.uniform([3, 5, 7], -a, a)) };
    const hat = c.hardDecision(y);
    assert.deepEqual(hat.shape, [3, 5, 7]);
    assert.equal(hat.dtype, 'int32');
    assert.deepEqual(Array.from(hat.dataSync()), idx, `${c.name}: decision under small noise`);
    assert.deepEqual(Array.from(c.nearestNeighbor(y).dataSync()), idx, `${c.name}: nearestNeighbor under small noise`);
    tf.dispose([all, s.re, s.im, indices, symbols.re, symbols.im, y.re, y.im, hat]);
  }
});

backendTest('hardDecision (per-axis for QAM) agrees with a float64 brute-force nearest neighbour at low SNR', async () => {
  const rng = new Rng(12);
  const n = 4000;
  for (const c of [qam(16), qam(64), qam(256), psk(8)]) {
    const { indices, symbols } = c.randomSymbols(rng, [n]);
    const noise = rng.complexNormal([n], 0.05); // Es/N0 = 13 dB: many decision errors
    const y = { re: tf.add(symbols.re, noise.re), im: tf.add(symbols.im, noise.im) };
    const yr = arr(y.re);
    const yi = arr(y.im);
    const fast = c.hardDecision(y).dataSync();
    const brute = c.nearestNeighbor(y).dataSync();
    const sent = indices.dataSync();
    let errors = 0;
    for (let i = 0; i < n; i++) {
      const ref = bruteNearest(c, yr[i], yi[i]);
      if (ref !== sent[i]) errors++;
      for (const [got, what] of [[fast[i], 'hardDecision'], [brute[i], 'nearestNeighbor']] as const) {
        if (got === ref) continue;
        // only a float32 near-tie may differ: equal distances to both points
        const dGot = Math.hypot(yr[i] - c.points.re[got], yi[i] - c.points.im[got]);
        const dRef = Math.hypot(yr[i] - c.points.re[ref], yi[i] - c.points.im[ref]);
        assert.ok(Math.abs(dGot - dRef) < 1e-5, `${c.name} ${what} at ${i}: ${got} vs nearest ${ref}`);
      }
    }
    assert.ok(errors > 50, `${c.name}: the check needs decision errors, got ${errors}`);
  }
});

backendTest('bits are the binary labels (MSB first), fromBits inverts them, countErrors counts Hamming distances', async () => {
  const c = qam(64);
  const idx = tf.tensor([[0, 5], [63, 42]], [2, 2], 'int32');
  const b = c.bits(idx);
  assert.deepEqual(b.shape, [2, 2, 6]);
  assert.deepEqual(Array.from(b.dataSync()), [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,
  ]);
  assert.deepEqual(Array.from(c.fromBits(b).dataSync()), [0, 5, 63, 42]);
  assert.deepEqual(c.labelOf(42), [1, 0, 1, 0, 1, 0]);
  // random pairs: reference counts in plain JS
  const rng = new Rng(13);
  for (const cc of [qpsk(), qam(16), qam(256), psk(8)]) {
    const a = rng.intArray(5000, cc.order);
    const h = rng.intArray(5000, cc.order);
    for (let i = 0; i < 5000; i += 3) h[i] = a[i]; // some correct decisions
    let bitErr = 0, symErr = 0;
    for (let i = 0; i < a.length; i++) { bitErr += popcount(a[i] ^ h[i]); symErr += a[i] !== h[i] ? 1 : 0; }
    const before = tf.memory().numTensors;
    const ta = tf.tensor(a, [50, 100], 'int32');
    const th = tf.tensor(h, [50, 100], 'int32');
    const counts = cc.countErrors(ta, th);
    tf.dispose([ta, th]);
    assert.equal(tf.memory().numTensors, before, 'countErrors leaks no tensors');
    assert.deepEqual(counts, { bitErrors: bitErr, bits: 5000 * cc.bitsPerSymbol, symbolErrors: symErr, symbols: 5000 });
  }
});

backendTest('map, hardDecision and nearestNeighbor leak no tensors', async () => {
  const c = qam(16);
  const idx = tf.tensor([1, 2, 3], [3], 'int32');
  const before = tf.memory().numTensors;
  const s = c.map(idx);
  const h = c.hardDecision(s);
  const nn = psk(8).nearestNeighbor(s);
  const bits = c.bits(idx);
  assert.equal(tf.memory().numTensors, before + 5);
  tf.dispose([s.re, s.im, h, nn, bits, idx]);
});

backendTest('parser: names and specs give the same constellations as the factories', async () => {
  const same = (a: Constellation, b: Constellation) => {
    assert.deepEqual(Array.from(a.points.re), Array.from(b.points.re));
    assert.deepEqual(Array.from(a.points.im), Array.from(b.points.im));
  };
  same(constellation('16qam'), qam(16));
  same(constellation('16-QAM'), qam(16));
  same(constellation('QPSK'), qam(4));
  assert.equal(constellation('qpsk').name, 'qpsk');
  same(constellation('bpsk'), psk(2));
  same(constellation('8psk'), psk(8));
  same(constellation({ kind: 'psk', order: 8, phaseOffset: Math.PI / 8 }), psk(8, { phaseOffset: Math.PI / 8 }));
  same(constellation({ kind: 'qam', order: 64, normalise: false }), qam(64, { normalise: false }));
  same(constellation('256qam', { normalise: false }), qam(256, { normalise: false }));
});

test('closed forms: QPSK = 4-QAM = 4-PSK, BPSK, limits, and the approximation flags', () => {
  for (const db of [-5, 0, 3, 7, 10, 15]) {
    const g = 10 ** (db / 10);
    const p = qfunc(Math.sqrt(g));
    assert.ok(Math.abs(qpskBerAwgn(db) - p) < 1e-15);
    assert.ok(Math.abs(qpskSerAwgn(db) - (1 - (1 - p) ** 2)) < 1e-15);
    assert.ok(Math.abs(qamSerAwgn(4, db) - qpskSerAwgn(db)) < 1e-15);
    assert.ok(Math.abs(pskSerAwgn(4, db) - qpskSerAwgn(db)) < 1e-15);
    assert.ok(Math.abs(pskSerAwgn(2, db) - qfunc(Math.sqrt(2 * g))) < 1e-15);
    // the exact M-PSK integral gives the QPSK and BPSK closed forms …
    assert.ok(Math.abs(pskSerExact(4, db) / pskSerAwgn(4, db) - 1) < 1e-6, `4-PSK integral at ${db} dB`);
    assert.ok(Math.abs(pskSerExact(2, db) / pskSerAwgn(2, db) - 1) < 1e-6, `BPSK integral at ${db} dB`);
    // … and for M ≥ 8 the nearest-neighbour value is an upper bound on it
    for (const m of [8, 16, 64]) assert.ok(pskSerAwgn(m, db) >= pskSerExact(m, db) * (1 - 1e-9), `${m}-PSK bound at ${db} dB`);
    // M-QAM: more points at the same Es/N0 means more errors
    assert.ok(qamSerAwgn(16, db) < qamSerAwgn(64, db) && qamSerAwgn(64, db) < qamSerAwgn(256, db));
    assert.ok(Math.abs(qamBerAwgnApprox(16, db) - qamSerAwgn(16, db) / 4) < 1e-15);
  }
  // the bound is tight at high SNR (the two farther error regions vanish)
  assert.ok(Math.abs(pskSerAwgn(8, 20) / pskSerExact(8, 20) - 1) < 1e-3, '8-PSK bound tight at 20 dB');
  // at zero SNR a decision is a uniform guess: SER → 1 − 1/M
  for (const m of [4, 16, 64, 256]) assert.ok(Math.abs(qamSerAwgn(m, -300) - (1 - 1 / m)) < 1e-12);
  const f16 = awgnErrorRate(qam(16), 10);
  assert.deepEqual([f16.serExact, f16.berExact], [true, false]);
  assert.deepEqual([awgnErrorRate(qpsk(), 10).berExact, awgnErrorRate(psk(8), 10).serExact], [true, false]);
});

backendTest('Monte Carlo over AWGN: 64-QAM SER matches the exact closed form, 8-PSK SER the exact integral', async () => {
  const q64 = await simulateErrorRate({ snrDb: [16, 20], run: awgnQamRun(qam(64), new Rng('64qam'), 20000), maxBatches: 4 });
  for (const r of q64) {
    assertBinomial(r.symbolErrors, r.symbols, qamSerAwgn(64, r.snrDb), `64-QAM SER at ${r.snrDb} dB`);
    assert.ok(r.symbolErrors > 200, `64-QAM at ${r.snrDb} dB needs errors to test anything: ${r.symbolErrors}`);
  }
  const p8 = await simulateErrorRate({ snrDb: [6, 10], run: awgnQamRun(psk(8, { phaseOffset: 0.2 }), new Rng('8psk'), 20000), maxBatches: 4 });
  for (const r of p8) {
    assertBinomial(r.symbolErrors, r.symbols, pskSerExact(8, r.snrDb), `8-PSK SER at ${r.snrDb} dB`);
    assert.ok(r.symbolErrors > 200, `8-PSK at ${r.snrDb} dB needs errors to test anything: ${r.symbolErrors}`);
  }
});

backendTest('bad inputs are rejected with the parameter and the allowed values named', async () => {
  assert.throws(() => constellation('17qam'), /constellation\(name\): unknown modulation "17qam"; allowed: bpsk, qpsk, 4qam, 16qam/);
  assert.throws(() => constellation('ofdm'), /unknown modulation "ofdm"/);
  assert.throws(() => qam(8), /qam\(order\): order M must be one of 4, 16, 64, 256 \(square QAM\); got 8/);
  assert.throws(() => constellation({ kind: 'qam', order: 8 }), /qam\(order\).*got 8/);
  assert.throws(() => psk(3), /psk\(order\): order M must be one of 2, 4, 8/);
  assert.throws(() => constellation({ kind: 'ask' as 'qam', order: 4 }), /constellation\(spec.kind\): modulation kind must be 'qam' or 'psk'/);
  assert.throws(() => psk(8, { phaseOffset: NaN }), /psk\(options.phaseOffset\)/);
  assert.throws(() => qam(16, { phaseOffset: 1 }), /qam\(options.phaseOffset\)/);
  assert.throws(() => qam(16).map(tf.tensor([1.5])), /map\(indices\): needs an int32 tensor/);
  assert.throws(() => qam(16).fromBits(tf.zeros([3, 3], 'int32')), /fromBits\(bits\): needs shape \[\.\.\., 4\]/);
  assert.throws(() => qam(16).countErrors(tf.zeros([3], 'int32'), tf.zeros([4], 'int32')), /countErrors\(idxHat\): needs the shape of idx \[3\]/);
  assert.throws(() => qam(16).labelOf(16), /labelOf\(index\): index must be an integer in \[0, 15\]/);
  assert.throws(() => qamSerAwgn(32, 10), /qamSerAwgn\(order\): M must be one of 4, 16, 64, 256/);
  assert.throws(() => qpskBerAwgn(NaN), /qpskBerAwgn\(esN0Db\): must be a finite SNR/);
});
