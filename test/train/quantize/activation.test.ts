/** k-bit activation quantiser, eq. (22) of SLP-SQ, mapped back to [x, y], straight-through inside. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { activationLevels, quantizeActivation } from '../../../lib/train/quantize';
import { arr, assertClose, backendTest } from '../../helpers';

backendTest('k-bit activation takes exactly 2^k levels, x and y included', () => tf.tidy(() => {
  for (const [lo, hi] of [[0, 1], [-1, 1], [-0.3, 2.5]]) {
    const a = tf.linspace(lo - 1, hi + 1, 4001);
    for (const bits of [1, 2, 3, 4]) {
      const out = arr(quantizeActivation(a, { bits, lo, hi }));
      const levels = [...new Set(out)].sort((u, v) => u - v);
      assert.equal(levels.length, 2 ** bits, `k = ${bits}, [${lo}, ${hi}]`);
      assertClose(levels, activationLevels({ bits, lo, hi }), 1e-6, `levels k = ${bits}`);
      assertClose([levels[0], levels[levels.length - 1]], [lo, hi], 1e-6);
    }
  }
}));

backendTest('eq. (22) closed form: round((clip(a) − x)(2^k − 1)/(y − x))/(2^k − 1), mapped to x + (y − x)·u', () => tf.tidy(() => {
  // k = 2 on [−1, 1]: levels −1, −1/3, 1/3, 1 (boundaries at −2/3, 0, 2/3)
  const a = tf.tensor1d([-2, -0.9, -0.6, -0.1, 0.1, 0.5, 0.7, 3]);
  assertClose(arr(quantizeActivation(a, { bits: 2, lo: -1, hi: 1 })), [-1, -1, -1 / 3, -1 / 3, 1 / 3, 1 / 3, 1, 1], 1e-6);
  // [x, y] = [0, 1] is eq. (22) literally: round(3a)/3 for a in [0, 1]
  const b = tf.tensor1d([0, 0.1, 0.2, 0.4, 0.55, 0.8, 0.9, 1]);
  const lit = [0, 0.1, 0.2, 0.4, 0.55, 0.8, 0.9, 1].map((v) => Math.round(3 * v) / 3);
  assertClose(arr(quantizeActivation(b, { bits: 2, lo: 0, hi: 1 })), lit, 1e-6);
  // k = 1: two levels, threshold at the midpoint
  assertClose(arr(quantizeActivation(tf.tensor1d([0.2, 0.49, 0.51, 0.9]), { bits: 1, lo: 0, hi: 1 })), [0, 0, 1, 1], 0);
}));

backendTest('k-bit activation: straight-through gradient inside [x, y] (bounds included), 0 outside', () => tf.tidy(() => {
  const a = tf.tensor1d([-1.5, -1, -0.2, 0.3, 1, 1.2]);
  const c = tf.tensor1d([1, 2, 3, 4, 5, 6]);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(quantizeActivation(v, { bits: 2, lo: -1, hi: 1 }), c)))(a);
  assertClose(arr(g), [0, 2, 3, 4, 5, 0], 0);
}));

backendTest('k-bit activation leaks no tensors', () => {
  const a = tf.randomUniform([4, 5], -2, 2);
  const before = tf.memory().numTensors;
  quantizeActivation(a, { bits: 2, lo: -1, hi: 1 }).dispose();
  tf.grad((v: tf.Tensor) => tf.sum(quantizeActivation(v, { bits: 3, lo: 0, hi: 1 })))(a).dispose();
  assert.equal(tf.memory().numTensors, before);
  a.dispose();
});

test('k-bit activation rejects bad input, naming the parameter and the allowed range', () => tf.tidy(() => {
  const a = tf.zeros([2]);
  for (const bits of [0, -1, 1.5, 25, NaN]) {
    assert.throws(() => quantizeActivation(a, { bits, lo: 0, hi: 1 }), /quantizeActivation: bits must be an integer in \[1, 24\]; got/);
  }
  assert.throws(() => quantizeActivation(a, { bits: 2, lo: 1, hi: 1 }), /quantizeActivation: hi must be a finite number > lo \(the range \[lo, hi\] of eq. 22\); got lo=1, hi=1/);
  assert.throws(() => quantizeActivation(a, { bits: 2, lo: 1, hi: 0 }), /hi must be a finite number > lo/);
  assert.throws(() => quantizeActivation(a, { bits: 2, lo: NaN, hi: 1 }), /quantizeActivation: lo must be a finite number; got NaN/);
  assert.throws(() => activationLevels({ bits: 0, lo: 0, hi: 1 }), /activationLevels: bits must be an integer in \[1, 24\]; got 0/);
  assert.equal(activationLevels({ bits: 3, lo: 0, hi: 7 }).join(), '0,1,2,3,4,5,6,7');
}));
