import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { ParamSet } from '../../../lib/train/params';
import { batchNorm, conv2d, dense, prelu } from '../../../lib/train/layers';
import { train } from '../../../lib/train/loop';
import { binaryWeight, hybridWeight } from '../../../lib/train/quantize';
import { backendTest, assertClose, arr } from '../../helpers';

backendTest('batchNorm: training normalises each channel with batch statistics and moves the running ones (PyTorch rule); inference uses the running ones', async () => {
  const params = new ParamSet(new Rng(1));
  const bn = batchNorm(params, 'bn', { channels: 3, epsilon: 1e-6, momentum: 0.1 });
  const x = tf.tidy(() => tf.add(tf.mul(new Rng(2).normal([4, 5, 2, 3]), tf.tensor1d([1, 2, 3])), tf.tensor1d([0.5, -1, 4])));
  const xv = arr(x);
  const before = tf.memory().numTensors;
  const y = bn(x);
  const yv = arr(y);
  for (let c = 0; c < 3; c++) {
    const col = Array.from(yv).filter((_, i) => i % 3 === c);
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length;
    assert.ok(Math.abs(m) < 1e-5 && Math.abs(v - 1) < 1e-4, `channel ${c}: mean ${m}, var ${v}`);
    const xc = Array.from(xv).filter((_, i) => i % 3 === c);
    const xm = xc.reduce((a, b) => a + b, 0) / xc.length;
    const xvar = xc.reduce((a, b) => a + (b - xm) ** 2, 0) / (xc.length - 1);
    assertClose(arr(params.get('bn/runningMean'))[c], 0.1 * xm, 1e-5, 'running mean');
    assertClose(arr(params.get('bn/runningVar'))[c], 0.9 + 0.1 * xvar, 1e-4, 'running variance (unbiased)');
  }
  y.dispose();
  bn.training = false;
  const z = bn(x);
  const rm = arr(params.get('bn/runningMean')), rv = arr(params.get('bn/runningVar'));
  assertClose(arr(z), Array.from(xv, (v, i) => (v - rm[i % 3]) / Math.sqrt(rv[i % 3] + 1e-6)), 1e-4, 'inference with running statistics');
  z.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  assert.deepEqual(params.state().map((v) => v.name.length > 0), [true, true]);
  assert.equal(params.variables().length, 2, 'gamma and beta are trained; the running statistics are not');
  x.dispose();
  params.dispose();
  assert.throws(() => batchNorm(new ParamSet(new Rng(1)), 'b', { channels: 2, momentum: 2 }), /momentum.*\[0, 1\]/);
});

backendTest('prelu: max(0, x) + a·min(0, x) with a learned slope per channel (0.25 at start)', async () => {
  const params = new ParamSet(new Rng(1));
  const f = prelu(params, 'p', { channels: 2 });
  const x = tf.tensor2d([[-2, 3], [1, -4]]);
  const y = f(x);
  assertClose(arr(y), [-0.5, 3, 1, -1], 1e-6);
  tf.dispose([x, y]);
  params.dispose();
});

backendTest('conv2d / dense kernelTransform: applied at every call, the stored kernel trains through it (straight-through here)', async () => {
  const params = new ParamSet(new Rng(3));
  // BWN (eq. 16 of SLP-SQ) with its straight-through gradient
  const sign = (k: tf.Tensor) => hybridWeight(k, { mode: 'binary', quantRatio: 1 });
  const c = conv2d(params, 'c', { inChannels: 1, outChannels: 2, kernelSize: 3, kernelTransform: sign });
  const c0 = conv2d(params, 'c0', { inChannels: 1, outChannels: 2, kernelSize: 3 });
  const d = dense(params, 'd', { inUnits: 4, outUnits: 2, kernelTransform: (k) => tf.mul(k, 2) });
  const x = new Rng(4).normal([2, 4, 3, 1]);
  params.get('c0/kernel').assign(binaryWeight(params.get('c/kernel')));
  assertClose(arr(c(x)), arr(c0(x)), 1e-5, 'conv with a BWN transform = conv with the BWN kernel');
  const v = new Rng(5).normal([3, 4]);
  assertClose(arr(d(v)), arr(tf.matMul(v, tf.mul(params.get('d/kernel'), 2))), 1e-5, 'dense with a doubling transform');
  const g = tf.variableGrads(() => tf.sum(c(x)) as tf.Scalar, [params.get('c/kernel')]);
  assert.ok(Math.max(...Array.from(arr(Object.values(g.grads)[0])).map(Math.abs)) > 0, 'gradient reaches the stored kernel');
  params.dispose();
});

test('train({ state }): non-trained state is restored with the best validated parameters', async () => {
  const w = tf.variable(tf.scalar(3));
  const s = tf.variable(tf.scalar(0), false);
  let calls = 0;
  await train<null>({
    variables: [w], state: [s], batch: () => null,
    loss: () => tf.tidy(() => { s.assign(tf.scalar(++calls)); return tf.square(w) as tf.Scalar; }),
    epochs: 3, stepsPerEpoch: 1, learningRate: 10, // overshoots: the start is the best validated point
    validate: () => Math.abs(w.dataSync()[0]) + (calls === 0 ? 0 : 1), validateAtStart: true,
  });
  assert.equal(w.dataSync()[0], 3, 'parameters restored to the start');
  assert.equal(s.dataSync()[0], 0, 'state restored with them');
  tf.dispose([w, s]);
});
