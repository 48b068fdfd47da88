import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { leakyRelu, linear } from '../../../lib/train/layers/linear';
import { arr, assertClose, backendTest } from '../../helpers';

backendTest('linear and leakyRelu: values and gradients equal tf.matMul / tf.leakyRelu under autodiff', () => {
  const x = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 1);
  const w = tf.randomNormal([4, 6], 0, 1, 'float32', 2);
  const ours = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(leakyRelu(linear(a, b), 0.1), tf.range(0, 6)));
  const ref = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(tf.reshape(tf.matMul(tf.reshape(a, [15, 4]), b), [3, 5, 6]), 0.1), tf.range(0, 6)));
  assertClose(arr(ours(x, w)), arr(ref(x, w)), 1e-4, 'value');
  const [gx, gw] = tf.grads(ours)([x, w]);
  const [rx, rw] = tf.grads(ref)([x, w]);
  assert.deepEqual(gx.shape, x.shape);
  assertClose(arr(gx), arr(rx), 1e-4, 'd/dx');
  assertClose(arr(gw), arr(rw), 1e-4, 'd/dW');
  assert.throws(() => linear(x, tf.zeros([5, 2])), /linear: needs x \[\.\.\., 5\]/);
  assert.throws(() => leakyRelu(x, 1), /alpha.*\[0, 1\)/);
});
