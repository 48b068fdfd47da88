/** The WMMSE saved-run format: networks as train/checkpoint @2, round trip exact in float32, errors that name the entry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { netFromCheckpoint, netToCheckpoint, readWmmseRun, savedNets, savedRunFile } from '../../../lib/papers/wmmse/saved';
import type { TrainedNet } from '../../../lib/papers/wmmse/experiments';
import { setup } from '../../helpers';

const net: TrainedNet = { snrDb: 20, layers: 2, pgdSteps: 3, sameGamma: false, gamma: [[0.1, 2.5, 1 / 3], [4, 5e-3, 7]], trainingChannels: 5000, loss: [3, 2.5] };

test('a network survives the checkpoint round trip (float32-exact), with its budget and loss curve', async () => {
  await setup();
  const before = tf.memory().numTensors;
  const c = netToCheckpoint(net, { preset: 'quick', seed: 3, backend: 'cpu', batchSize: 100 });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(c.params.gamma.shape, [2, 3]);
  assert.deepEqual(c.meta.trainingBudget, { steps: 50, batchSize: 100, channels: 5000 });
  const back = netFromCheckpoint(JSON.parse(JSON.stringify(c)), 'x');
  assert.deepEqual(back.gamma.flat().map(Math.fround), net.gamma.flat().map(Math.fround));
  assert.deepEqual({ ...back, gamma: [] }, { ...net, gamma: [] });
  const bad = { ...c, params: { gamma: { shape: [3, 2], values: c.params.gamma.values } } };
  assert.throws(() => netFromCheckpoint(bad, 'run.json: nets[4]'), /run\.json: nets\[4\]: parameter "gamma" must have shape \[2, 3\]/);
  assert.throws(() => netFromCheckpoint({ ...c, meta: { ...c.meta, layers: 'two' } }, 'run.json: nets[4]'), /run\.json: nets\[4\]\.meta\.layers must be an integer/);
});

test('the committed reproduce run reads as checkpoints; a damaged network is named', () => {
  const run = readWmmseRun(savedRunFile('reproduce'));
  const nets = savedNets(run);
  assert.equal(nets.length, run.nets.length);
  assert.ok(run.nets.every((c) => c.format === 'precoding-workbook/params@2' && c.meta.paper === 'unfolded-wmmse'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wmmse-'));
  const file = path.join(dir, 'reproduce.json');
  const raw = JSON.parse(fs.readFileSync(savedRunFile('reproduce'), 'utf8'));
  raw.nets[7].params.gamma.values[0] = null;
  fs.writeFileSync(file, JSON.stringify(raw));
  assert.throws(() => readWmmseRun(file), /reproduce\.json\.nets\[7\]: parameter "gamma": value 0 is null/);
  raw.nets[7] = raw.nets[6];
  raw.nets[7].params.gamma.values[0] = 1;
  fs.writeFileSync(file, JSON.stringify(raw));
  assert.throws(() => readWmmseRun(file), /nets\[7\] \(snr[^)]*\) appears twice/);
});
