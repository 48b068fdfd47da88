import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  initBackend, backendInfo, chooseBackend, describeBackend, isAvailable, fillWasmKernelGaps, restoreBackend, BackendName,
} from '../../lib/core/backend';
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

test('the selection rule, case by case: installed packages and override → backend', () => {
  // [installed, override, expected]: every expectation written out, not derived from the rule
  const cases: [BackendName[], BackendName | undefined, BackendName][] = [
    [['node', 'wasm', 'cpu'], undefined, 'node'],
    [['wasm', 'cpu'], undefined, 'wasm'],
    [['node', 'cpu'], undefined, 'node'],
    [['cpu'], undefined, 'cpu'],
    [['node', 'wasm', 'cpu'], 'cpu', 'cpu'],
    [['node', 'wasm', 'cpu'], 'wasm', 'wasm'],
    [['wasm', 'cpu'], 'cpu', 'cpu'],
  ];
  for (const [installed, forced, expected] of cases) {
    assert.equal(chooseBackend(forced, (b) => installed.includes(b)), expected, `installed ${installed}, override ${forced}`);
  }
  assert.throws(() => chooseBackend('node', (b) => b !== 'node'), /PRECODING_BACKEND=node was requested but its package is not installed \(@tensorflow\/tfjs-node\); available: wasm, cpu/);
  assert.throws(() => chooseBackend('wasm', (b) => b === 'cpu'), /PRECODING_BACKEND=wasm .* \(@tensorflow\/tfjs-backend-wasm\); available: cpu/);
});

test('automatic choice on this machine: node where tfjs-node is installed, else wasm', async () => {
  // which optional package is on disk here (read from node_modules, not from the library)
  const onDisk = fs.existsSync(path.resolve(__dirname, '..', '..', 'node_modules', '@tensorflow', 'tfjs-node', 'package.json'));
  const expected: BackendName = onDisk ? 'node' : 'wasm';
  const saved = process.env.PRECODING_BACKEND;
  delete process.env.PRECODING_BACKEND;
  try {
    const info = await initBackend();
    assert.equal(info.name, expected);
    assert.equal(info.chosenBy, 'automatic');
    assert.equal(isAvailable('cpu'), true);
    assert.equal(isAvailable('wasm'), true, '@tensorflow/tfjs-backend-wasm is a dependency');
  } finally {
    if (saved !== undefined) process.env.PRECODING_BACKEND = saved;
  }
});

test('restoreBackend brings back a backend exactly as reported before a switch', async () => {
  const before = await initBackend('wasm');
  await initBackend('cpu');
  assert.equal(backendInfo().name, 'cpu');
  const after = await restoreBackend(before);
  assert.deepEqual(after, before);
  assert.equal(tf.getBackend(), 'wasm');
  await assert.rejects(restoreBackend({ ...before, name: 'gpu' as BackendName }), /restoreBackend\(info\): info.name must be an installed backend/);
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
