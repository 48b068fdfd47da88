import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, backendInfo, describeBackend, isAvailable, fillWasmKernelGaps } from '../../lib/core/backend';
import { Rng } from '../../lib/core/random';

/** Train a tiny conv net (needs Conv2DBackpropFilter) and an embedding model (gather → UnsortedSegmentSum). */
function trainTiny(steps: number): { conv: number[]; gather: number[] } {
  const rng = new Rng('tiny');
  const x = rng.normal([8, 6, 6, 1]);
  const target = rng.normal([8]);
  const variable = (t: tf.Tensor) => {
    const v = tf.variable(t);
    t.dispose(); // a variable holds its own reference to the data
    return v;
  };
  const filt = variable(rng.normal([3, 3, 1, 2], 0.3));
  const dense = variable(rng.normal([2], 0.3));
  const table = variable(rng.normal([10, 3], 0.3));
  const idx = rng.integers([16], 10);
  const gtarget = rng.normal([16, 3]);
  const opt = tf.train.adam(0.05);
  const optG = tf.train.adam(0.05); // tfjs optimizers index their moments by position: one per var list
  const conv: number[] = [], gather: number[] = [];
  for (let s = 0; s < steps; s++) {
    const lc = opt.minimize(() => {
      const h = tf.relu(tf.conv2d(x as tf.Tensor4D, filt as tf.Variable<tf.Rank.R4>, 1, 'same'));
      const feat = tf.mean(h, [1, 2]); // [8, 2]
      const y = tf.sum(tf.mul(feat, dense), -1);
      return tf.mean(tf.square(tf.sub(y, target))) as tf.Scalar;
    }, true, [filt, dense]) as tf.Scalar;
    conv.push(lc.dataSync()[0]);
    lc.dispose();
    const lg = optG.minimize(() => tf.mean(tf.square(tf.sub(tf.gather(table, idx), gtarget))) as tf.Scalar, true, [table]) as tf.Scalar;
    gather.push(lg.dataSync()[0]);
    lg.dispose();
  }
  tf.dispose([x, target, filt, dense, table, idx, gtarget]);
  opt.dispose();
  optG.dispose();
  return { conv, gather };
}

test('override picks the named backend and reports it; a bad name is rejected', async () => {
  const info = await initBackend('cpu');
  assert.equal(info.name, 'cpu');
  assert.equal(info.chosenBy, 'override');
  assert.equal(backendInfo().tfjsBackend, 'cpu');
  assert.match(describeBackend(), /tfjs 4\.\d+\.\d+ on cpu/);
  await assert.rejects(initBackend('gpu'), /must be one of node, wasm, cpu; got "gpu"/);
  const saved = process.env.PRECODING_BACKEND;
  process.env.PRECODING_BACKEND = 'tpu';
  await assert.rejects(initBackend(), /PRECODING_BACKEND must be one of/);
  if (saved === undefined) delete process.env.PRECODING_BACKEND; else process.env.PRECODING_BACKEND = saved;
});

test('automatic choice is the fastest installed backend', async () => {
  const saved = process.env.PRECODING_BACKEND;
  delete process.env.PRECODING_BACKEND;
  const info = await initBackend();
  const expected = isAvailable('node') ? 'node' : isAvailable('wasm') ? 'wasm' : 'cpu';
  assert.equal(info.name, expected);
  assert.equal(info.chosenBy, 'automatic');
  if (saved !== undefined) process.env.PRECODING_BACKEND = saved;
});

test('wasm trains a conv net and a gather model to the same losses as cpu', async () => {
  assert.ok(isAvailable('wasm'), '@tensorflow/tfjs-backend-wasm must be installed');
  const filled = fillWasmKernelGaps();
  assert.ok(filled.includes('Conv2DBackpropFilter') && filled.includes('UnsortedSegmentSum'), `filled: ${filled}`);
  await initBackend('cpu');
  const cpu = trainTiny(30);
  await initBackend('wasm');
  assert.ok(backendInfo().cpuFallbackKernels.includes('Conv2DBackpropFilter'));
  const before = tf.memory().numTensors;
  const wasm = trainTiny(30);
  assert.equal(tf.memory().numTensors, before, 'no tensors leaked by training or the fallback kernels');
  for (const k of ['conv', 'gather'] as const) {
    assert.ok(cpu[k][29] < 0.7 * cpu[k][0], `${k} loss decreases on cpu: ${cpu[k][0]} → ${cpu[k][29]}`);
    for (let s = 0; s < 30; s++) {
      assert.ok(Math.abs(cpu[k][s] - wasm[k][s]) <= 1e-4 * Math.max(1, cpu[k][s]), `${k} step ${s}: cpu ${cpu[k][s]} wasm ${wasm[k][s]}`);
    }
  }
});
