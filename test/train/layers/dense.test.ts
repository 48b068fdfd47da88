import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { ParamSet } from '../../../lib/train/params';
import { dense, sequential } from '../../../lib/train/layers';
import { backendTest, assertClose, arr } from '../../helpers';
import { checkGradients, denseRef, valuesOf, weightedSum } from './reference';

backendTest('dense forward equals an explicit matmul x W + b (any leading dims), then σ', async () => {
  const rng = new Rng(1);
  const params = new ParamSet(rng.fork('params'));
  const lin = dense(params, 'lin', { inUnits: 5, outUnits: 3, biasInit: { kind: 'normal', std: 1 } });
  const th = dense(params, 'th', { inUnits: 5, outUnits: 3, activation: 'tanh', useBias: false });
  const lr = dense(params, 'lr', { inUnits: 5, outUnits: 3, activation: { leakyRelu: 0.1 }, biasInit: { kind: 'constant', value: -0.2 } });
  assert.deepEqual(params.names(), ['lin/kernel', 'lin/bias', 'th/kernel', 'lr/kernel', 'lr/bias']);
  const x = rng.normal([2, 4, 5]);
  const xv = Float64Array.from(arr(x));
  const p = valuesOf(params);
  const before = tf.memory().numTensors;
  const cases: [typeof lin, Float64Array][] = [
    [lin, denseRef(xv, p['lin/kernel'], p['lin/bias'], 5, 3, 'linear')],
    [th, denseRef(xv, p['th/kernel'], undefined, 5, 3, 'tanh')],
    [lr, denseRef(xv, p['lr/kernel'], p['lr/bias'], 5, 3, { leakyRelu: 0.1 })],
  ];
  for (const [f, want] of cases) {
    const y = f(x);
    assert.deepEqual(y.shape, [2, 4, 3]);
    assertClose(arr(y), want, 1e-5, 'dense vs loop');
    y.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'forward leaves nothing but its output');
  // also against tf.matMul directly (bias-free linear layer = one matmul)
  const y2 = th(x);
  assertClose(arr(y2), arr(tf.tanh(tf.matMul(x.reshape([8, 5]), params.get('th/kernel')))), 1e-6, 'dense vs tf.matMul');
  tf.dispose([x, y2]);
  params.dispose();
});

backendTest('dense gradients (kernel, bias, input) equal finite differences of the float64 loop', async () => {
  const rng = new Rng(2);
  const params = new ParamSet(rng);
  const f = dense(params, 'd', { inUnits: 4, outUnits: 3, activation: 'tanh', biasInit: { kind: 'uniform', low: -0.5, high: 0.5 } });
  const x = rng.normal([6, 4]);
  const r = rng.normal([6, 3]);
  const rv = arr(r);
  checkGradients({
    params,
    inputs: { x },
    tfLoss: ({ x: xi }) => tf.sum(tf.mul(f(xi), r)) as tf.Scalar,
    refLoss: (p, i) => weightedSum(denseRef(i.x, p['d/kernel'], p['d/bias'], 4, 3, 'tanh'), rv),
    tol: 1e-5,
  });
  tf.dispose([x, r]);
  params.dispose();
});

backendTest('sequential composes in one tidy; dense rejects bad options and inputs naming them', async () => {
  const params = new ParamSet(new Rng(3));
  const net = sequential(
    dense(params, 'a', { inUnits: 3, outUnits: 8, activation: 'relu' }),
    dense(params, 'b', { inUnits: 8, outUnits: 2 }),
  );
  const x = tf.ones([4, 3]);
  const before = tf.memory().numTensors;
  const y = net(x);
  assert.deepEqual(y.shape, [4, 2]);
  assert.equal(tf.memory().numTensors, before + 1);
  assert.throws(() => net(tf.ones([4, 5])), /dense\("a"\): input must have shape \[\.\.\., 3\] \(inUnits\); got \[4,5\]/);
  assert.throws(() => dense(params, 'c', { inUnits: 0, outUnits: 2 }), /dense\("c"\): inUnits must be a positive integer; got 0/);
  assert.throws(() => dense(params, 'c', { inUnits: 2, outUnits: 2.5 }), /outUnits must be a positive integer; got 2.5/);
  assert.throws(() => dense(params, 'c', { inUnits: 2, outUnits: 2, activation: 'gelu' as never }), /dense\("c"\): activation: must be one of linear, relu/);
  assert.throws(() => dense(params, 'c', { inUnits: 2, outUnits: 2, activation: { leakyRelu: 2 } }), /0 <= slope < 1/);
  assert.throws(() => dense(params, 'c', { inUnits: 2, outUnits: 2, kernelInit: 'xavier' as never }), /dense\("c"\): kernelInit: must be one of glorotUniform/);
  assert.throws(() => dense(params, 'a', { inUnits: 2, outUnits: 2 }), /parameter "a\/kernel" already exists/);
  assert.throws(() => dense(params, 'bad name', { inUnits: 2, outUnits: 2 }), /dense: name must be segments/);
  assert.throws(() => sequential(), /at least one layer/);
  tf.dispose([x, y]);
  params.dispose();
});
