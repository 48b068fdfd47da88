import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { scalarsOf } from '../../lib/train/scalars';
import { arr, backendTest } from '../helpers';

backendTest('scalarsOf: the entries row-major, with gradients, also for a single element (where tf.unstack fails)', async () => {
  const before = tf.memory().numTensors;
  const t = tf.tensor2d([[1, 2], [3, 4]]);
  const s = tf.tidy(() => scalarsOf(t).map((x) => x.dataSync()[0]));
  assert.deepEqual(s, [1, 2, 3, 4]);
  // d/dt Σ_i c_i t_i = c, and for one element the gradient exists (tf.unstack's would throw)
  const g = tf.grad((x: tf.Tensor) => tf.addN(scalarsOf(x).map((v, i) => tf.mul(v, i + 1))))(t);
  assert.deepEqual(Array.from(arr(g)), [1, 2, 3, 4]);
  const one = tf.tensor2d([[5]]);
  const g1 = tf.grad((x: tf.Tensor) => tf.mul(scalarsOf(x)[0], 3))(one);
  assert.deepEqual(Array.from(arr(g1)), [3]);
  tf.dispose([t, g, one, g1]);
  assert.equal(tf.memory().numTensors, before);
});
