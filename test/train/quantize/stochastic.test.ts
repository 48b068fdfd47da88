/**
 * Stochastic quantisation of SLP-SQ (eqs. 19–21, Algorithm 1, §IV-B QP functions): errors and
 * probabilities against closed forms, the lottery's counts, reproducibility and frequencies, the
 * hybrid weight's QR = 0 / 1 identities, partition and straight-through gradient.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  hybridWeight, hybridWeightFromRows, lotteryRows, mostProbableRows, QP_DELTA, quantizedRowCount, quantizeWeight,
  quantProbabilities, rowQuantErrors, selectQuantizedRows,
} from '../../../lib/train/quantize';
import { Rng } from '../../../lib/core/random';
import { arr, assertClose, backendTest } from '../../helpers';

function row(data: ArrayLike<number>, m: number, j: number): number[] {
  const out: number[] = [];
  for (let i = j; i < data.length; i += m) out.push(data[i]);
  return out;
}

const l1 = (v: number[]): number => v.reduce((s, x) => s + Math.abs(x), 0);

/** Closed-form BWN row: mean|W|·sign(W). */
function bwnRow(wr: number[]): number[] {
  const b = l1(wr) / wr.length;
  return wr.map((x) => (x >= 0 ? b : -b));
}

/** Closed-form TWN row (eq. 18). */
function twnRow(wr: number[]): number[] {
  const d = (0.7 * l1(wr)) / wr.length;
  const kept = wr.filter((x) => Math.abs(x) > d);
  const b = kept.length ? l1(kept) / kept.length : 0;
  return wr.map((x) => (x > d ? b : x < -d ? -b : 0));
}

function randomWeight(seed: string, shape: number[]): { data: Float32Array; w: tf.Tensor } {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from(new Rng(seed).normalArray(size, 0.3));
  return { data, w: tf.tensor(data, shape) };
}

backendTest('eq. (21): e_j = ||W_j − Q_j||_1/||W_j||_1 per filter, scale-invariant, 0 for a zero row', () => tf.tidy(() => {
  const { data, w } = randomWeight('err', [3, 3, 2, 6]);
  for (const [mode, qf] of [['binary', bwnRow], ['ternary', twnRow]] as const) {
    const e = rowQuantErrors(w, mode);
    assert.equal(e.length, 6);
    for (let j = 0; j < 6; j++) {
      const wr = row(data, 6, j), qr = qf(wr);
      assertClose(e[j], l1(wr.map((x, i) => x - qr[i])) / l1(wr), 1e-5, `${mode} e_${j}`);
    }
    assertClose(rowQuantErrors(tf.mul(w, 7.5), mode), e, 1e-5, `${mode} scale invariance`);
  }
  // a row of equal magnitudes is quantised exactly by BWN; an all-zero row has e = 0
  const w2 = tf.tensor2d([[0.5, 0, 1], [-0.5, 0, 2], [0.5, 0, 3]]);
  assertClose(rowQuantErrors(w2, 'binary'), [0, 0, l1([0, 1, 1]) / 6], 1e-6);
}));

test('QP functions (§IV-B): closed forms, normalised, non-increasing in the error', () => {
  const e = [0.1, 0.2, 0.4, 0.8, 0.05];
  const f = e.map((x) => 1 / (x + QP_DELTA));
  const norm = (v: number[]): number[] => v.map((x) => x / v.reduce((a, b) => a + b, 0));
  assertClose(quantProbabilities(e), norm(f), 1e-12, 'linear (default)');
  assertClose(quantProbabilities(e, { probability: 'linear' }), norm(f), 1e-12, 'linear');
  assertClose(quantProbabilities(e, { probability: 'uniform' }), e.map(() => 0.2), 1e-15, 'uniform');
  assertClose(quantProbabilities(e, { probability: 'softmax' }), norm(f.map(Math.exp)), 1e-12, 'softmax');
  const s = 0.3;
  assertClose(quantProbabilities(e, { probability: 'halfGaussian', sigma: s }), norm(e.map((x) => Math.exp(-(x * x) / (2 * s * s)))), 1e-12, 'half-Gaussian');
  for (const probability of ['linear', 'softmax', 'halfGaussian'] as const) {
    const p = quantProbabilities(e, { probability });
    assertClose(p.reduce((a, b) => a + b, 0), 1, 1e-12);
    for (let i = 0; i < e.length; i++) for (let j = 0; j < e.length; j++) if (e[i] < e[j]) assert.ok(p[i] >= p[j], `${probability}: e ${e[i]} < ${e[j]}`);
  }
  // softmax of f_p = 1/(0 + δ) = 10⁶ stays finite (log-domain normalisation)
  const p0 = quantProbabilities([0, 0.5, 1], { probability: 'softmax' });
  assertClose(p0, [1, 0, 0], 1e-12);
});

test('M_q = round(QR·m)', () => {
  assert.equal(quantizedRowCount(0, 7), 0);
  assert.equal(quantizedRowCount(1, 7), 7);
  assert.equal(quantizedRowCount(0.5, 7), 4);
  assert.equal(quantizedRowCount(0.3, 10), 3);
  assert.equal(quantizedRowCount(0.04, 10), 0);
});

test('Algorithm 1: exactly `count` distinct rows, reproducible for a seed, one draw per pick', () => {
  const e = [0.3, 0.1, 0.5, 0.2, 0.7, 0.4, 0.25, 0.6];
  for (let count = 0; count <= e.length; count++) {
    for (const probability of ['uniform', 'linear', 'halfGaussian', 'softmax'] as const) {
      const rows = lotteryRows(e, count, new Rng(`c${count}`), { probability });
      assert.equal(rows.length, count);
      assert.equal(new Set(rows).size, count);
      for (const r of rows) assert.ok(Number.isInteger(r) && r >= 0 && r < e.length);
      assert.deepEqual(lotteryRows(e, count, new Rng(`c${count}`), { probability }), rows);
    }
  }
  // the stream advances by exactly `count` draws
  const a = new Rng(9), b = new Rng(9);
  lotteryRows(e, 3, a);
  for (let i = 0; i < 3; i++) b.next();
  assert.equal(a.next(), b.next());
  // different seeds give different partitions (over several draws)
  const draws = (seed: number): string => Array.from({ length: 5 }, (_, i) => lotteryRows(e, 4, new Rng(`${seed}/${i}`)).join()).join('|');
  assert.notEqual(draws(1), draws(2));
});

test('Algorithm 1: a row of zero error is always drawn first (linear QP: pr ≈ 1 − 10⁻⁵)', () => {
  const e = [0.4, 0.9, 0, 0.6, 1.2];
  const rng = new Rng('zero');
  for (let t = 0; t < 2000; t++) assert.equal(lotteryRows(e, 2, rng)[0], 2);
  // softmax: exp(f_p) = exp(10⁶) would overflow, and after that row is drawn the others (exp(f − 10⁶)
  // = 0 relative to it) would leave 0/0; the second pick must follow softmax over the rest
  const rest = [0, 1, 3, 4];
  const pRest = quantProbabilities(rest.map((i) => e[i]), { probability: 'softmax' });
  const n = 8000;
  const second = new Array<number>(e.length).fill(0);
  const srng = new Rng('softmax');
  for (let t = 0; t < n; t++) {
    const rows = lotteryRows(e, 2, srng, { probability: 'softmax' });
    assert.equal(rows[0], 2);
    second[rows[1]]++;
  }
  rest.forEach((r, k) => {
    const sd = Math.sqrt((pRest[k] * (1 - pRest[k])) / n);
    assert.ok(Math.abs(second[r] / n - pRest[k]) < 5 * sd, `row ${r}: ${second[r] / n} vs ${pRest[k].toFixed(4)}`);
  });
});

test('Algorithm 1: selection frequencies follow the linear QP (chi-square on the first pick, inclusion probabilities for two picks)', () => {
  const e = [0.1, 0.2, 0.4, 0.8, 0.05];
  const p = quantProbabilities(e);
  const n = 20000;
  const rng = new Rng('freq');
  const first = new Array<number>(e.length).fill(0);
  for (let t = 0; t < n; t++) first[lotteryRows(e, 1, rng)[0]]++;
  const chi2 = first.reduce((s, o, i) => s + (o - n * p[i]) ** 2 / (n * p[i]), 0);
  assert.ok(chi2 < 20.5, `χ²(4 dof) = ${chi2.toFixed(2)} (p < 0.0004 above 20.5); counts ${first}`);
  // two picks without replacement: π_i = p_i + Σ_{j≠i} p_j·p_i/(1 − p_j)
  const incl = new Array<number>(e.length).fill(0);
  for (let t = 0; t < n; t++) for (const r of lotteryRows(e, 2, rng)) incl[r]++;
  for (let i = 0; i < e.length; i++) {
    let pi = p[i];
    for (let j = 0; j < e.length; j++) if (j !== i) pi += (p[j] * p[i]) / (1 - p[j]);
    const sd = Math.sqrt((pi * (1 - pi)) / n);
    assert.ok(Math.abs(incl[i] / n - pi) < 5 * sd, `row ${i}: ${incl[i] / n} vs π = ${pi.toFixed(4)}`);
  }
});

test('mostProbableRows: the rows of smallest error, ties by index; uniform takes the first rows', () => {
  const e = [0.3, 0.1, 0.5, 0.1, 0.7, 0];
  assert.deepEqual(mostProbableRows(e, 3), [5, 1, 3]);
  assert.deepEqual(mostProbableRows(e, 3, { probability: 'softmax' }), [5, 1, 3]);
  assert.deepEqual(mostProbableRows(e, 4, { probability: 'halfGaussian', sigma: 0.2 }), [5, 1, 3, 0]);
  assert.deepEqual(mostProbableRows(e, 2, { probability: 'uniform' }), [0, 1]);
  assert.deepEqual(mostProbableRows(e, 0), []);
});

backendTest('hybridWeight: QR = 0 returns w itself, QR = 1 the fully quantised weight', () => tf.tidy(() => {
  const { w } = randomWeight('qr', [3, 3, 2, 5]);
  for (const mode of ['binary', 'ternary'] as const) {
    assert.equal(hybridWeight(w, { mode, quantRatio: 0, rng: new Rng(1) }), w);
    assert.equal(hybridWeight(w, { mode, quantRatio: 0.05 }), w); // round(0.25) = 0 rows
    const q = arr(quantizeWeight(w, mode));
    assertClose(arr(hybridWeight(w, { mode, quantRatio: 1, rng: new Rng(1) })), q, 0);
    assertClose(arr(hybridWeight(w, { mode, quantRatio: 1 })), q, 0);
    assertClose(arr(hybridWeight(w, { mode, quantRatio: 0.95 })), q, 0); // round(4.75) = 5 rows
  }
}));

backendTest('hybridWeight: round(QR·m) filters (last axis) take Q_j exactly, the others W_j exactly; reproducible', () => tf.tidy(() => {
  const m = 8;
  const { data, w } = randomWeight('hyb', [3, 3, 2, m]);
  for (const mode of ['binary', 'ternary'] as const) {
    const q = arr(quantizeWeight(w, mode));
    for (const quantRatio of [0.25, 0.5, 0.75]) {
      const opts = { mode, quantRatio, rng: new Rng(`h${quantRatio}`) };
      const h = arr(hybridWeight(w, opts));
      const rows = selectQuantizedRows(w, { ...opts, rng: new Rng(`h${quantRatio}`) });
      assert.equal(rows.length, Math.round(quantRatio * m));
      for (let j = 0; j < m; j++) {
        const hr = row(h, m, j);
        if (rows.includes(j)) assert.deepEqual(hr, row(q, m, j), `${mode} QR ${quantRatio}: row ${j} quantised`);
        else assert.deepEqual(hr, row(data, m, j), `${mode} QR ${quantRatio}: row ${j} full precision`);
      }
      assertClose(arr(hybridWeight(w, { ...opts, rng: new Rng(`h${quantRatio}`) })), h, 0, 'same seed, same weight');
      assertClose(arr(hybridWeightFromRows(w, mode, rows)), h, 0, 'hybridWeightFromRows');
    }
    // inference (no rng): the rows of smallest quantisation error
    const e = rowQuantErrors(w, mode);
    const best = Array.from(e.keys()).sort((a, b) => e[a] - e[b]).slice(0, 3);
    assert.deepEqual([...selectQuantizedRows(w, { mode, quantRatio: 3 / m })].sort(), [...best].sort());
    const h = arr(hybridWeight(w, { mode, quantRatio: 3 / m }));
    for (let j = 0; j < m; j++) assert.deepEqual(row(h, m, j), row(best.includes(j) ? q : data, m, j));
  }
}));

backendTest('hybridWeight: a fresh partition per training call (the stream advances)', () => tf.tidy(() => {
  const { w } = randomWeight('fresh', [16, 10]);
  const rng = new Rng('steps');
  const seen = new Set<string>();
  for (let t = 0; t < 10; t++) seen.add(selectQuantizedRows(w, { mode: 'binary', quantRatio: 0.5, rng, probability: 'uniform' }).sort().join());
  assert.ok(seen.size > 1, 'partitions vary between steps');
}));

backendTest('hybridWeight: gradient is the straight-through identity ∂L/∂W = ∂L/∂W̃ for every QR', () => tf.tidy(() => {
  const { w } = randomWeight('grad', [4, 3, 6]);
  const c = tf.tensor(Float32Array.from(new Rng('c').normalArray(72)), [4, 3, 6]);
  for (const mode of ['binary', 'ternary'] as const) {
    for (const quantRatio of [0, 0.5, 1]) {
      for (const rng of [new Rng(3), undefined]) {
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(hybridWeight(v, { mode, quantRatio, rng }), c)))(w);
        assertClose(arr(g), arr(c), 0, `${mode} QR ${quantRatio}`);
      }
    }
    // a nonlinear loss: the gradient at W̃ is passed through unchanged
    const rows = [1, 4];
    const h = hybridWeightFromRows(w, mode, rows);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(hybridWeightFromRows(v, mode, rows))))(w);
    assertClose(arr(g), arr(tf.mul(h, 2)), 1e-6, `${mode} square loss`);
  }
  // one SGD step W ← W − η ∂L/∂W̃ with a tf.Variable and an optimizer
  const v = tf.variable(tf.clone(w));
  const opt = tf.train.sgd(0.1);
  const target = tf.onesLike(w);
  const rows = [0, 2, 5];
  const h = hybridWeightFromRows(v, 'ternary', rows);
  const expected = arr(tf.sub(v, tf.mul(tf.mul(tf.sub(h, target), 2), 0.1)));
  opt.minimize(() => tf.sum(tf.square(tf.sub(hybridWeightFromRows(v, 'ternary', rows), target))) as tf.Scalar);
  assertClose(arr(v), expected, 1e-6, 'SGD step');
  opt.dispose();
  v.dispose();
}));

backendTest('hybridWeight leaks no tensors (training, inference, QR = 0 and 1, gradients)', () => {
  const { w } = randomWeight('leak', [3, 3, 2, 4]);
  const before = tf.memory().numTensors;
  for (const quantRatio of [0, 0.5, 1]) {
    for (const rng of [new Rng(1), undefined]) {
      const h = hybridWeight(w, { mode: 'ternary', quantRatio, rng });
      if (h !== w) h.dispose();
      tf.grad((v: tf.Tensor) => tf.sum(hybridWeight(v, { mode: 'binary', quantRatio, rng })))(w).dispose();
    }
  }
  rowQuantErrors(w, 'binary');
  selectQuantizedRows(w, { mode: 'ternary', quantRatio: 0.5, rng: new Rng(2) });
  hybridWeightFromRows(w, 'binary', [1, 2]).dispose();
  assert.equal(tf.memory().numTensors, before);
  w.dispose();
});

test('stochastic quantisation rejects bad input, naming the parameter and the allowed range', () => tf.tidy(() => {
  const w = tf.ones([3, 4]);
  for (const quantRatio of [-0.1, 1.5, NaN]) {
    assert.throws(() => hybridWeight(w, { mode: 'binary', quantRatio }), /hybridWeight: quantRatio must be a finite number in \[0, 1\]; got/);
  }
  assert.throws(() => hybridWeight(w, { mode: 'quad' as 'binary', quantRatio: 0.5 }), /hybridWeight: mode must be 'binary' or 'ternary'; got "quad"/);
  assert.throws(() => hybridWeight(w, { mode: 'binary', quantRatio: 0.5, probability: 'cubic' as 'linear' }), /hybridWeight: probability must be one of uniform, linear, halfGaussian, softmax; got "cubic"/);
  assert.throws(() => hybridWeight(w, { mode: 'binary', quantRatio: 0.5, sigma: 0 }), /hybridWeight: sigma must be a finite number > 0; got 0/);
  assert.throws(() => hybridWeight(tf.scalar(1), { mode: 'binary', quantRatio: 0.5 }), /hybridWeight: weight must have rank >= 1/);
  assert.throws(() => selectQuantizedRows(w, { mode: 'binary', quantRatio: 2 }), /selectQuantizedRows: quantRatio must be a finite number in \[0, 1\]/);
  assert.throws(() => quantizedRowCount(1.01, 4), /quantizedRowCount: quantRatio must be a finite number in \[0, 1\]; got 1.01/);
  assert.throws(() => quantizedRowCount(0.5, 0), /quantizedRowCount: rows must be a positive integer; got 0/);
  assert.throws(() => lotteryRows([0.1, 0.2], 3, new Rng(1)), /lotteryRows: count must be an integer in \[0, 2\] \(the number of rows\); got 3/);
  assert.throws(() => lotteryRows([0.1, 0.2], 1.5, new Rng(1)), /lotteryRows: count must be an integer in \[0, 2\]/);
  assert.throws(() => lotteryRows([0.1, -0.2], 1, new Rng(1)), /lotteryRows: errors\[1\] must be finite and >= 0; got -0.2/);
  assert.throws(() => mostProbableRows([NaN], 1), /mostProbableRows: errors\[0\] must be finite and >= 0; got NaN/);
  assert.throws(() => quantProbabilities([]), /quantProbabilities: errors must hold at least one row/);
  assert.throws(() => hybridWeightFromRows(w, 'binary', [0, 4]), /hybridWeightFromRows: rows must be integers in \[0, 3\]; got 4/);
  assert.throws(() => hybridWeightFromRows(w, 'binary', [1, 1]), /hybridWeightFromRows: rows must be distinct; got 1 twice/);
}));
