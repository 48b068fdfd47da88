/** The WMMSE saved-run format: networks as train/checkpoint @2, round trip exact in float32, errors that name the entry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { netFromCheckpoint, netToCheckpoint, readWmmseRun, savedNets, savedRunFile } from '../../../lib/papers/wmmse/saved';
import type { TrainedNet } from '../../../lib/papers/wmmse/experiments';
import { wsrVsLayers } from '../../../lib/papers/wmmse/experiments';
import { wmmsePreset } from '../../../lib/papers/wmmse/presets';
import { RecordingProgress } from '../../../lib/train/progress';
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

test('loading saved results never trains: a deleted network or an edited SNR is an error naming the file and the entry', async () => {
  await setup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wmmse-'));
  const file = path.join(dir, 'reproduce.json');
  const raw = JSON.parse(fs.readFileSync(savedRunFile('reproduce'), 'utf8'));
  const keyOf = (c: { meta: { snrDb: number; layers: number; sameGamma: boolean } }) => `${c.meta.snrDb}/${c.meta.layers}/${c.meta.sameGamma}`;
  // a small slice of the reproduce preset, so the test is quick: L = 1, 2 at 10 dB on 200 channels
  const p = { ...wmmsePreset('reproduce'), layers: [1, 2], testChannels: 200 };
  const progress = new RecordingProgress();
  const opts = (run: ReturnType<typeof readWmmseRun>) => ({ saved: savedNets(run), trainMissing: false, savedFrom: file, progress });

  const deleted = structuredClone(raw);
  deleted.nets = deleted.nets.filter((c: Parameters<typeof keyOf>[0]) => keyOf(c) !== '10/2/false');
  fs.writeFileSync(file, JSON.stringify(deleted));
  const run1 = readWmmseRun(file);
  await assert.rejects(wsrVsLayers(p, { snrDb: 10, seed: run1.seed }, opts(run1)), new RegExp(`${escapeRe(file)}: has no network snr10/L2/K4, and loading saved results never trains`));

  const edited = structuredClone(raw);
  edited.nets.find((c: Parameters<typeof keyOf>[0]) => keyOf(c) === '10/1/false').meta.snrDb = 11;
  fs.writeFileSync(file, JSON.stringify(edited));
  const run2 = readWmmseRun(file);
  await assert.rejects(wsrVsLayers(p, { snrDb: 10, seed: run2.seed }, opts(run2)), new RegExp(`${escapeRe(file)}: has no network snr10/L1/K4`));
  assert.deepEqual(progress.events, [], 'no training step ran');

  // the complete file: the same call evaluates the saved networks without training
  fs.writeFileSync(file, JSON.stringify(raw));
  const run3 = readWmmseRun(file);
  const r = await wsrVsLayers(p, { snrDb: 10, seed: run3.seed }, opts(run3));
  assert.deepEqual(r.L, [1, 2]);
  assert.deepEqual(progress.events, [], 'still no training step');
});

test('a truncated or damaged saved run is an error naming the file and the entry', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wmmse-'));
  const file = path.join(dir, 'reproduce.json');
  const text = fs.readFileSync(savedRunFile('reproduce'), 'utf8');
  fs.writeFileSync(file, text.slice(0, text.length / 2));
  assert.throws(() => readWmmseRun(file), new RegExp(`saved run ${escapeRe(file)} is not valid JSON`));
  const raw = JSON.parse(text);
  raw.nets[0] = null;
  fs.writeFileSync(file, JSON.stringify(raw));
  assert.throws(() => readWmmseRun(file), new RegExp(`${escapeRe(file)}\\.nets\\[0\\]: must be an object \\{ format, meta, params \\}`));
  raw.nets = 'none';
  fs.writeFileSync(file, JSON.stringify(raw));
  assert.throws(() => readWmmseRun(file), new RegExp(`${escapeRe(file)}\\.nets must be an array`));
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
