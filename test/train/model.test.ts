import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../lib/core/random';
import { backendInfo } from '../../lib/core/backend';
import { train, TrainHistory } from '../../lib/train/loop';
import { ParamSet } from '../../lib/train/params';
import { conv1d, dense, sequential } from '../../lib/train/layers';
import { loadCheckpoint, restoreInto, saveCheckpoint } from '../../lib/train/checkpoint';
import { backendTest, arr } from '../helpers';

/** Target: y = Σ_t tanh((x ⋆ g)_t) for a fixed filter g; x: [batch, 16, 1]. */
function target(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.tanh(tf.conv1d(x as tf.Tensor3D, tf.tensor3d([0.5, -1, 0.25], [3, 1, 1]), 1, 'same')), [1]));
}

/** The README example: a conv + dense model on a ParamSet, trained by train(), saved and reloaded. */
async function run(seed: number): Promise<{ params: ParamSet; history: TrainHistory; net: (x: tf.Tensor) => tf.Tensor }> {
  const rng = new Rng(seed);
  const params = new ParamSet(rng.fork('model'));
  const net = sequential(
    conv1d(params, 'conv', { inChannels: 1, outChannels: 4, kernelSize: 3, activation: 'tanh' }),
    (h) => tf.reshape(h, [h.shape[0], 16 * 4]),
    dense(params, 'head', { inUnits: 64, outUnits: 1 }),
  );
  const data = rng.fork('data');
  const history = await train({
    variables: params.variables(),
    batch: () => { const x = data.normal([32, 16, 1]); return { x, y: target(x) }; },
    loss: ({ x, y }) => tf.losses.meanSquaredError(y, net(x)) as tf.Scalar,
    epochs: 4, stepsPerEpoch: 25, learningRate: 0.01,
  });
  return { params, history, net };
}

backendTest('a ParamSet model trains with train(): loss falls, memory flat, one seed gives the same run, checkpoint restores its predictions', async () => {
  const before = tf.memory().numTensors;
  const a = await run(1);
  const n0 = tf.memory().numTensors;
  const first = a.history.loss.slice(0, 10).reduce((s, v) => s + v, 0) / 10;
  const last = a.history.loss.slice(-10).reduce((s, v) => s + v, 0) / 10;
  assert.ok(last < 0.4 * first, `loss ${first} → ${last}`);
  assert.ok(a.history.numTensors.every((n) => n === a.history.numTensors[0]), `numTensors per epoch: ${a.history.numTensors}`);
  const b = await run(1);
  assert.deepEqual(b.history.loss, a.history.loss, 'same seed, same losses step by step');
  // save, restore into a fresh model of another seed, same predictions
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-'));
  const file = path.join(dir, 'net.json');
  saveCheckpoint(file, a.params, {
    paper: 'demo', preset: 'quick', seed: 1, backend: backendInfo().name,
    trainingBudget: { steps: 100, batchSize: 32, channels: 3200 }, finalLoss: last,
  });
  const c = await run(2); // different seed: different weights
  const x = new Rng(99).normal([8, 16, 1]);
  const ya = a.net(x), yc0 = c.net(x);
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(ya, yc0))).dataSync()[0]) > 1e-3, 'another seed predicts differently');
  restoreInto(loadCheckpoint(file, { expect: { paper: 'demo' } }), c.params);
  const yc = c.net(x);
  assert.deepEqual(Array.from(arr(yc)), Array.from(arr(ya)), 'restored model predicts identically');
  tf.dispose([x, ya, yc0, yc]);
  b.params.dispose();
  c.params.dispose();
  assert.equal(tf.memory().numTensors, n0);
  a.params.dispose();
  assert.equal(tf.memory().numTensors, before);
  fs.rmSync(dir, { recursive: true, force: true });
});
