import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { gumbelSoftmax, gumbelSoftmaxSt, quantizeSte, signSte } from '../../lib/train/estimators';
import { Rng } from '../../lib/core/random';
import { backendTest, assertClose, arr } from '../helpers';

backendTest('signSte: forward ξ·sign with sign(0)=+1, backward 1{|x|≤ξ}', async () => {
  const x = tf.tensor1d([-2, -0.5, 0, 0.3, 1.5]);
  assertClose(arr(signSte(x, 1)), [-1, -1, 1, 1, 1], 0);
  assertClose(arr(signSte(x, 0.5)), [-0.5, -0.5, 0.5, 0.5, 0.5], 0);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(signSte(v, 1), tf.tensor1d([1, 2, 3, 4, 5]))))(x);
  assertClose(arr(g), [0, 2, 3, 4, 0], 0);
  assert.throws(() => signSte(x, 0), /signSte\(xi\)/);
});

backendTest('quantizeSte passes gradients inside the clip range only', async () => {
  const x = tf.tensor1d([-3, -1, 0.2, 2.6]);
  const g = tf.grad((v: tf.Tensor) => tf.sum(quantizeSte(v, tf.round, -2, 2)))(x);
  assertClose(arr(g), [0, 1, 1, 0], 0);
  assertClose(arr(quantizeSte(x, tf.round, -2, 2)), [-3, -1, 0, 3], 0);
});

backendTest('Gumbel-max samples follow softmax(logits) (Monte Carlo, 5σ)', async () => {
  const logits = tf.tensor1d([0.5, -1, 2, 0]);
  const p = arr(tf.softmax(logits));
  const n = 20000;
  const hard = gumbelSoftmaxSt(tf.broadcastTo(logits, [n, 4]), 1, new Rng(3));
  const freq = arr(tf.mean(hard, 0));
  for (let i = 0; i < 4; i++) {
    const sd = Math.sqrt((p[i] * (1 - p[i])) / n);
    assert.ok(Math.abs(freq[i] - p[i]) < 5 * sd, `class ${i}: ${freq[i]} vs ${p[i]}`);
  }
  // each row is one-hot
  assertClose(arr(tf.sum(hard, -1)), new Float32Array(n).fill(1), 0);
});

backendTest('straight-through Gumbel-softmax: gradient equals that of the soft sample', async () => {
  const logits = tf.tensor2d([[0.1, 0.7, -0.3], [1, 0, 0.5]]);
  const w = tf.tensor2d([[1, 2, 3], [-1, 0.5, 2]]);
  const gSt = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(gumbelSoftmaxSt(l, 0.7, new Rng(5)), w)))(logits);
  const gSoft = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(gumbelSoftmax(l, 0.7, new Rng(5)), w)))(logits);
  assertClose(arr(gSt), arr(gSoft), 1e-6);
  // without noise the forward pass is argmax
  assertClose(arr(gumbelSoftmaxSt(logits, 1)), [0, 1, 0, 1, 0, 0], 0);
  assert.throws(() => gumbelSoftmax(logits, 0, new Rng(1)), /temperature must be/);
});
