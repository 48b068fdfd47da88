import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { ParamSet } from '../../../lib/train/params';
import { conv1d, conv2d, Conv2dOptions } from '../../../lib/train/layers';
import { backendTest, assertClose, arr } from '../../helpers';
import { checkGradients, conv2dRef, Conv2dRefSpec, RefPad, valuesOf, weightedSum } from './reference';

interface Case {
  what: string;
  h: number; w: number; kh: number; kw: number;
  stride?: [number, number]; dilation?: [number, number];
  padding: 'same' | 'valid' | number | { height: number; width: number };
}

const CASES: Case[] = [
  { what: '3×3 same (SLP-DNet)', h: 6, w: 4, kh: 3, kw: 3, padding: 'same' },
  { what: '3×2 valid', h: 5, w: 6, kh: 3, kw: 2, padding: 'valid' },
  { what: 'padding 1, stride 2 (MSER: (n − k + 2P)/St + 1)', h: 7, w: 6, kh: 3, kw: 3, stride: [2, 2], padding: 1 },
  { what: 'same, stride (2, 3), even kernel', h: 7, w: 8, kh: 2, kw: 4, stride: [2, 3], padding: 'same' },
  { what: 'dilation 2, padding { height 2, width 0 }', h: 6, w: 7, kh: 3, kw: 2, dilation: [2, 2], padding: { height: 2, width: 0 } },
  { what: 'stride 2 with dilation (1, 3), same', h: 7, w: 9, kh: 2, kw: 3, stride: [2, 2], dilation: [1, 3], padding: 'same' },
];

function spec(c: Case, batch: number, cin: number, cout: number): Conv2dRefSpec {
  const pads: [RefPad, RefPad] = typeof c.padding === 'object' ? [c.padding.height, c.padding.width] : [c.padding, c.padding];
  return {
    batch, h: c.h, w: c.w, cin, cout, kh: c.kh, kw: c.kw, sh: c.stride?.[0] ?? 1, sw: c.stride?.[1] ?? 1,
    dh: c.dilation?.[0] ?? 1, dw: c.dilation?.[1] ?? 1, padH: pads[0], padW: pads[1], act: 'tanh',
  };
}

function options(c: Case, cin: number, cout: number): Conv2dOptions {
  return {
    inChannels: cin, outChannels: cout, kernelSize: { height: c.kh, width: c.kw }, padding: c.padding, activation: 'tanh',
    stride: c.stride && { height: c.stride[0], width: c.stride[1] }, dilation: c.dilation && { height: c.dilation[0], width: c.dilation[1] },
    biasInit: { kind: 'normal', std: 0.5 },
  };
}

backendTest('conv2d forward equals the direct loop convolution (padding, stride, dilation)', async () => {
  const rng = new Rng(10);
  for (const c of CASES) {
    const params = new ParamSet(rng.fork(c.what));
    const f = conv2d(params, 'c', options(c, 2, 3));
    const x = rng.normal([2, c.h, c.w, 2]);
    const p = valuesOf(params);
    const before = tf.memory().numTensors;
    const y = f(x);
    assert.equal(tf.memory().numTensors, before + 1, `${c.what}: no leak`);
    const want = conv2dRef(Float64Array.from(arr(x)), p['c/kernel'], p['c/bias'], spec(c, 2, 2, 3));
    assert.deepEqual(y.shape, [2, want.oh, want.ow, 3], c.what);
    assertClose(arr(y), want.y, 2e-6, c.what);
    tf.dispose([x, y]);
    params.dispose();
  }
});

backendTest('conv1d forward equals the direct loop convolution (a conv2d of height 1)', async () => {
  const rng = new Rng(11);
  const cases: { k: number; s?: number; d?: number; padding: 'same' | 'valid' | number }[] = [
    { k: 3, padding: 'same' }, { k: 4, padding: 'valid' }, { k: 3, s: 2, padding: 2 }, { k: 2, d: 3, padding: 'same' }, { k: 4, s: 3, padding: 'same' }, { k: 3, s: 2, d: 2, padding: 1 },
  ];
  for (const c of cases) {
    const params = new ParamSet(rng.fork(JSON.stringify(c)));
    const f = conv1d(params, 'c', { inChannels: 3, outChannels: 2, kernelSize: c.k, stride: c.s, dilation: c.d, padding: c.padding, activation: 'tanh', biasInit: { kind: 'constant', value: 0.1 } });
    const x = rng.normal([2, 9, 3]);
    const p = valuesOf(params);
    const y = f(x);
    const ref = conv2dRef(Float64Array.from(arr(x)), p['c/kernel'], p['c/bias'], {
      batch: 2, h: 1, w: 9, cin: 3, cout: 2, kh: 1, kw: c.k, sh: 1, sw: c.s ?? 1, dh: 1, dw: c.d ?? 1,
      padH: 'valid', padW: c.padding, act: 'tanh',
    });
    assert.deepEqual(y.shape, [2, ref.ow, 2], JSON.stringify(c));
    assertClose(arr(y), ref.y, 2e-6, JSON.stringify(c));
    tf.dispose([x, y]);
    params.dispose();
  }
});

backendTest('conv2d gradients (kernel, bias, input) equal finite differences of the loop convolution', async () => {
  const rng = new Rng(12);
  for (const c of [CASES[0], CASES[2], CASES[4], CASES[5]]) {
    const params = new ParamSet(rng.fork(c.what));
    const f = conv2d(params, 'c', options(c, 2, 2));
    const x = rng.normal([2, c.h, c.w, 2]);
    const y0 = f(x);
    const r = rng.normal(y0.shape);
    const rv = arr(r);
    checkGradients({
      params,
      inputs: { x },
      tfLoss: ({ x: xi }) => tf.sum(tf.mul(f(xi), r)) as tf.Scalar,
      refLoss: (p, i) => weightedSum(conv2dRef(i.x, p['c/kernel'], p['c/bias'], spec(c, 2, 2, 2)).y, rv),
      tol: 2e-5,
    });
    tf.dispose([x, y0, r]);
    params.dispose();
  }
});

backendTest('conv1d gradients equal finite differences (stride 2, padding 1)', async () => {
  const rng = new Rng(13);
  const params = new ParamSet(rng);
  const f = conv1d(params, 'c', { inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, activation: 'tanh' });
  const x = rng.normal([3, 8, 2]);
  const r = rng.normal([3, 4, 3]);
  const rv = arr(r);
  checkGradients({
    params,
    inputs: { x },
    tfLoss: ({ x: xi }) => tf.sum(tf.mul(f(xi), r)) as tf.Scalar,
    refLoss: (p, i) => weightedSum(conv2dRef(i.x, p['c/kernel'], p['c/bias'], {
      batch: 3, h: 1, w: 8, cin: 2, cout: 3, kh: 1, kw: 3, sh: 1, sw: 2, dh: 1, dw: 1, padH: 'valid', padW: 1, act: 'tanh',
    }).y, rv),
    tol: 2e-5,
  });
  tf.dispose([x, r]);
  params.dispose();
});

backendTest('conv layers reject bad options and inputs, naming the layer, the option and the range', async () => {
  const params = new ParamSet(new Rng(14));
  const f = conv2d(params, 'img', { inChannels: 2, outChannels: 4, kernelSize: 3, padding: 'valid' });
  assert.deepEqual(params.shapes(), { 'img/kernel': [3, 3, 2, 4], 'img/bias': [4] });
  assert.throws(() => f(tf.zeros([1, 5, 5, 3])), /conv2d\("img"\): input must have shape \[batch, height, width, 2\] \(inChannels\); got \[1,5,5,3\]/);
  assert.throws(() => f(tf.zeros([5, 5, 2])), /got \[5,5,2\]/);
  assert.throws(() => f(tf.zeros([1, 2, 5, 2])), /conv2d\("img"\): input height 2 \(\+ 0 padding\) is shorter than the kernel span 3/);
  assert.throws(() => conv2d(params, 'b', { inChannels: 1, outChannels: 1, kernelSize: { height: 0, width: 3 } }), /conv2d\("b"\): kernelSize must be an integer >= 1/);
  assert.throws(() => conv2d(params, 'b', { inChannels: 1, outChannels: 1, kernelSize: 3, padding: -1 }), /padding must be an integer >= 0/);
  assert.throws(() => conv1d(params, 'b', { inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'full' as never }), /conv1d\("b"\): padding must be 'same', 'valid' or a non-negative integer/);
  assert.throws(() => conv1d(params, 'b', { inChannels: 0, outChannels: 1, kernelSize: 3 }), /conv1d\("b"\): inChannels must be a positive integer; got 0/);
  const g = conv1d(params, 'seq', { inChannels: 2, outChannels: 1, kernelSize: 3 });
  assert.throws(() => g(tf.zeros([1, 4, 3])), /conv1d\("seq"\): input must have shape \[batch, width, 2\]/);
  params.dispose();
});
