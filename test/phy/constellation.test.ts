import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  Constellation, constellation, qam, psk, qpsk, awgnErrorRate, qamSerAwgn, qpskSerAwgn, qpskBerAwgn,
  pskSerAwgn, qamBerAwgnApprox,
} from '../../lib/phy/constellation';
import { Rng } from '../../lib/core/random';
import { qfunc } from '../../lib/core/special';
import { setup, assertClose, arr } from '../helpers';

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

test('square M-QAM: unit energy, Gray nearest neighbours, bits = [I bits, Q bits], odd-integer grid', async () => {
  await setup();
  for (const m of [4, 16, 64, 256]) {
    const c = qam(m);
    const l = Math.sqrt(m);
    assert.equal(c.bitsPerSymbol, Math.log2(m));
    assert.ok(Math.abs(meanEnergy(c) - 1) < 1e-12, `${c.name} energy ${meanEnergy(c)}`);
    assert.ok(Math.abs(c.averageEnergy - 1) < 1e-12);
    if (m <= 64) assertGray(c);
    // I depends only on the first half of the bits, Q only on the second half
    for (let i = 0; i < m; i++) {
      assert.equal(c.points.re[i], c.points.re[Math.floor(i / l) * l], `${c.name} re of ${i}`);
      assert.equal(c.points.im[i], c.points.im[i % l], `${c.name} im of ${i}`);
    }
    // unnormalised: levels are the odd integers ±1 … ±(L−1), E|s|² = 2(M − 1)/3, d_min = 2
    const u = qam(m, { normalize: false });
    assert.ok(Math.abs(u.averageEnergy - (2 * (m - 1)) / 3) < 1e-9);
    const levels = new Set(Array.from(u.points.re));
    assert.equal(levels.size, l);
    for (const v of levels) assert.ok(Number.isInteger(v) && Math.abs(v) % 2 === 1 && Math.abs(v) <= l - 1, `level ${v}`);
    assert.ok(Math.abs(u.minDistance - 2) < 1e-12);
    assert.ok(Math.abs(c.minDistance - 2 / Math.sqrt((2 * (m - 1)) / 3)) < 1e-12);
  }
  // 256-QAM Gray check on the I axis levels alone (the full check is O(M²) per point)
  const c256 = qam(256, { normalize: false });
  const byLevel = new Map<number, number>();
  for (let i = 0; i < 256; i += 16) byLevel.set(c256.points.re[i], i >> 4);
  const sorted = [...byLevel.keys()].sort((a, b) => a - b);
  for (let j = 1; j < sorted.length; j++) assert.equal(popcount(byLevel.get(sorted[j])! ^ byLevel.get(sorted[j - 1])!), 1);
  // QPSK: ((1 − 2b0) + j(1 − 2b1))/√2
  const q = qpsk();
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(q.points.re[i] - (1 - 2 * (i >> 1)) / Math.SQRT2) < 1e-15);
    assert.ok(Math.abs(q.points.im[i] - (1 - 2 * (i & 1)) / Math.SQRT2) < 1e-15);
  }
});

test('M-PSK: unit circle, Gray neighbours; BPSK = ±1; 4-PSK at π/4 is QPSK with the two bits swapped', async () => {
  await setup();
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
    assert.ok(dist(q, i, i) === 0);
    assert.ok(Math.abs(p4.points.re[swapped] - q.points.re[i]) < 1e-15 && Math.abs(p4.points.im[swapped] - q.points.im[i]) < 1e-15,
      `4-PSK label ${swapped} vs QPSK label ${i}`);
  }
});

test('map gathers the point table for any index shape; hardDecision(map(i)) = i, also under bounded noise', async () => {
  await setup();
  const rng = new Rng(11);
  for (const c of [qpsk(), qam(16), qam(64), qam(256), psk(8), psk(16, { phaseOffset: 0.1 }), qam(16, { normalize: false })]) {
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

test('hardDecision (per-axis for QAM) agrees with a float64 brute-force nearest neighbour at low SNR', async () => {
  await setup();
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

test('bits are the binary labels (MSB first), fromBits inverts them, countErrors counts Hamming distances', async () => {
  await setup();
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

test('map, hardDecision and nearestNeighbor leak no tensors', async () => {
  await setup();
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

test('parser: names and specs give the same constellations as the factories', async () => {
  await setup();
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
  same(constellation({ kind: 'qam', order: 64, normalize: false }), qam(64, { normalize: false }));
  same(constellation('256qam', { normalize: false }), qam(256, { normalize: false }));
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
    // union bound with the 2 nearest neighbours ≥ exact for QPSK
    assert.ok(2 * qfunc(Math.sqrt(2 * g) * Math.sin(Math.PI / 4)) >= pskSerAwgn(4, db));
    // M-QAM: more points at the same Es/N0 means more errors
    assert.ok(qamSerAwgn(16, db) < qamSerAwgn(64, db) && qamSerAwgn(64, db) < qamSerAwgn(256, db));
    assert.ok(Math.abs(qamBerAwgnApprox(16, db) - qamSerAwgn(16, db) / 4) < 1e-15);
  }
  // at zero SNR a decision is a uniform guess: SER → 1 − 1/M
  for (const m of [4, 16, 64, 256]) assert.ok(Math.abs(qamSerAwgn(m, -300) - (1 - 1 / m)) < 1e-12);
  const f16 = awgnErrorRate(qam(16), 10);
  assert.deepEqual([f16.serExact, f16.berExact], [true, false]);
  assert.deepEqual([awgnErrorRate(qpsk(), 10).berExact, awgnErrorRate(psk(8), 10).serExact], [true, false]);
});

test('bad inputs are rejected with the parameter and the allowed values named', async () => {
  await setup();
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
