/** BWN (eq. 16) and TWN (eq. 18) per-row weight quantisers of SLP-SQ, against closed forms. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  binaryScale, binaryWeight, quantizeWeight, ternaryScale, ternaryThreshold, ternaryWeight, TWN_DELTA_FACTOR,
} from '../../../lib/train/quantize';
import { Rng } from '../../../lib/core/random';
import { arr, assertClose, backendTest } from '../../helpers';

/** Row j (last axis) of a row-major tensor's data: entries w[..., j]. */
function row(data: ArrayLike<number>, m: number, j: number): number[] {
  const out: number[] = [];
  for (let i = j; i < data.length; i += m) out.push(data[i]);
  return out;
}

const sq = (v: number[]): number => v.reduce((s, x) => s + x * x, 0);
const meanAbs = (v: number[]): number => v.reduce((s, x) => s + Math.abs(x), 0) / v.length;

/** β on a grid [0, hi] minimising ||W − βB||² (step hi/steps). */
function gridBest(wr: number[], b: number[], hi: number, steps: number): number {
  let best = 0, bestCost = Infinity;
  for (let s = 0; s <= steps; s++) {
    const beta = (hi * s) / steps;
    const cost = sq(wr.map((x, i) => x - beta * b[i]));
    if (cost < bestCost) [best, bestCost] = [beta, cost];
  }
  return best;
}

backendTest('BWN: β_j = mean|W_j| per filter (last axis) minimises ||W_j − β sign W_j||² (grid search)', () => tf.tidy(() => {
  const shape = [3, 3, 2, 4]; // conv2d filters [kh, kw, cIn, cOut]
  const rng = new Rng('bwn');
  const data = Float32Array.from(rng.normalArray(3 * 3 * 2 * 4, 0.5));
  const w = tf.tensor(data, shape);
  const q = arr(binaryWeight(w));
  const beta = arr(binaryScale(w));
  assert.equal(beta.length, 4);
  for (let j = 0; j < 4; j++) {
    const wr = row(data, 4, j);
    const b = wr.map((x) => (x >= 0 ? 1 : -1));
    const expect = meanAbs(wr);
    assertClose(beta[j], expect, 1e-6, `β_${j}`);
    assertClose(row(q, 4, j), b.map((s) => s * expect), 1e-6, `Q_${j}`);
    // closed form vs brute force: grid step 2·max|W|/4000
    const hi = 2 * Math.max(...wr.map(Math.abs));
    assert.ok(Math.abs(gridBest(wr, b, hi, 4000) - expect) <= hi / 4000, `grid optimum for row ${j}`);
    // and sign(W) beats any other sign pattern at β*: flipping one entry never helps
    const base = sq(wr.map((x, i) => x - expect * b[i]));
    for (let i = 0; i < wr.length; i++) {
      const flipped = b.map((s, k) => (k === i ? -s : s));
      assert.ok(sq(wr.map((x, k) => x - expect * flipped[k])) >= base - 1e-9);
    }
  }
  // the quantised filter takes exactly two values ±β_j
  for (let j = 0; j < 4; j++) assert.equal(new Set(row(q, 4, j).map((x) => Math.abs(x))).size, 1);
}));

backendTest('BWN: sign(0) = +1 (eq. 14), a one-entry row is kept exactly, an all-zero row gives 0', () => tf.tidy(() => {
  const w = tf.tensor2d([[0, 0], [-2, 0], [1, 0]]); // [n=3, m=2]: row 0 = [0, −2, 1], row 1 = zeros
  assertClose(arr(binaryWeight(w)), [1, 0, -1, 0, 1, 0], 0);
  assertClose(arr(binaryScale(w)), [1, 0], 0);
  const v = tf.tensor1d([-0.3, 0.7, 0]); // rank 1: each row is one entry
  assertClose(arr(binaryWeight(v)), [-0.3, 0.7, 0], 1e-7);
}));

backendTest('TWN: hand example (δ = 0.7·mean|W|, β = mean of |w| over |w| > δ, an all-zero row)', () => tf.tidy(() => {
  // rows (columns here): r0 = [1, −0.2, 0.5, −1.5, 0.05]: mean|W| = 0.65, δ = 0.455, I_δ = {1, 0.5, 1.5}, β = 1
  //                     r1 = [0.3, 0.3, −0.3, 0.3, 2]:   mean|W| = 0.64, δ = 0.448, I_δ = {2},         β = 2
  //                     r2 = 0:                          δ = 0, I_δ = ∅,                               β = 0
  const w = tf.tensor2d([
    [1, 0.3, 0],
    [-0.2, 0.3, 0],
    [0.5, -0.3, 0],
    [-1.5, 0.3, 0],
    [0.05, 2, 0],
  ]);
  assertClose(arr(ternaryThreshold(w)), [0.455, 0.448, 0], 1e-6, 'δ');
  assertClose(arr(ternaryScale(w)), [1, 2, 0], 1e-6, 'β');
  assertClose(arr(ternaryWeight(w)), [1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 2, 0], 1e-6, 'Q');
  assertClose(arr(quantizeWeight(w, 'ternary')), arr(ternaryWeight(w)), 0);
  assertClose(arr(quantizeWeight(w, 'binary')), arr(binaryWeight(w)), 0);
  assert.equal(TWN_DELTA_FACTOR, 0.7);
}));

backendTest('TWN: the δ rule on random filters, and β* = mean over I_δ minimises ||W − βB||² for that B', () => tf.tidy(() => {
  const shape = [2, 3, 3, 5]; // [kh, kw, cIn, cOut]
  const data = Float32Array.from(new Rng('twn').normalArray(2 * 3 * 3 * 5, 1));
  const w = tf.tensor(data, shape);
  const q = arr(ternaryWeight(w));
  const delta = arr(ternaryThreshold(w));
  const beta = arr(ternaryScale(w));
  for (let j = 0; j < 5; j++) {
    const wr = row(data, 5, j), qr = row(q, 5, j);
    const d = TWN_DELTA_FACTOR * meanAbs(wr);
    assertClose(delta[j], d, 1e-6, `δ_${j}`);
    const kept = wr.filter((x) => Math.abs(x) > d);
    const bj = meanAbs(kept);
    assertClose(beta[j], bj, 1e-6, `β_${j}`);
    const b = wr.map((x) => (x > d ? 1 : x < -d ? -1 : 0));
    assertClose(qr, b.map((s) => s * bj), 1e-6, `Q_${j}`);
    const hi = 2 * Math.max(...wr.map(Math.abs));
    assert.ok(Math.abs(gridBest(wr, b, hi, 4000) - bj) <= hi / 4000, `grid optimum for row ${j}`);
  }
}));

backendTest('weight quantisers leak no tensors', async () => {
  const w = tf.tensor(Float32Array.from(new Rng(1).normalArray(24)), [2, 3, 4]);
  const before = tf.memory().numTensors;
  for (const f of [binaryWeight, ternaryWeight, binaryScale, ternaryScale, ternaryThreshold]) f(w).dispose();
  quantizeWeight(w, 'ternary').dispose();
  assert.equal(tf.memory().numTensors, before);
  w.dispose();
});

test('weight quantisers reject bad input, naming the parameter and the allowed range', () => tf.tidy(() => {
  const w = tf.tensor2d([[1, 2]]);
  assert.throws(() => quantizeWeight(w, 'quaternary' as 'binary'), /quantizeWeight: mode must be 'binary' or 'ternary'; got "quaternary"/);
  assert.throws(() => binaryWeight(tf.scalar(1)), /binaryWeight: weight must have rank >= 1/);
  assert.throws(() => ternaryWeight(tf.tensor2d([[1, 2]], [1, 2], 'int32')), /ternaryWeight: weight must be float32; got int32/);
  assert.throws(() => binaryScale(tf.zeros([0, 3])), /binaryScale: weight must have no zero-length axis/);
}));
