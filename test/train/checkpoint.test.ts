import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../lib/core/random';
import {
  Checkpoint, CHECKPOINT_FORMAT, CheckpointMeta, checkpointFromJson, checkpointSource, checkpointToJson, loadCheckpoint,
  paramTensor, restoreInto, savedParamCount, saveCheckpoint, shortestFloat32,
} from '../../lib/train/checkpoint';
import { ParamSet } from '../../lib/train/params';
import { batchNorm, conv2d, dense, messagePassing } from '../../lib/train/layers';
import { setup, arr } from '../helpers';

const META: CheckpointMeta = {
  paper: 'demo', preset: 'quick', seed: 1, backend: 'wasm',
  trainingBudget: { steps: 100, batchSize: 32, channels: 3200 }, finalLoss: 0.125, note: 'free-form extra',
};

/** A small model with every kind of layer; `seed` decides its values. */
function model(seed: number, opts: { hidden?: number } = {}): ParamSet {
  const p = new ParamSet(new Rng(seed));
  dense(p, 'enc', { inUnits: 4, outUnits: opts.hidden ?? 6, activation: 'relu' });
  conv2d(p, 'conv', { inChannels: 1, outChannels: 2, kernelSize: 3, biasInit: { kind: 'normal', std: 1 } });
  messagePassing(p, 'gnn/l1', { inUnits: 2, outUnits: 3 });
  p.add('bn/mean', { shape: [2], init: { kind: 'normal', std: 1 }, trainable: false });
  return p;
}

function values(p: ParamSet): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(p.named())) out[k] = Array.from(arr(v));
  return out;
}

const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
  dirs.push(d);
  return d;
}
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

test('a model round-trips bit-exactly through a @2 file (meta kept, one parameter per line, no leak)', async () => {
  await setup();
  const dir = tmpDir();
  const file = path.join(dir, 'sub', 'net.json');
  const trained = model(1);
  const target = model(2);
  assert.notDeepEqual(values(target), values(trained));
  const before = tf.memory().numTensors;
  saveCheckpoint(file, trained, META);
  const c = loadCheckpoint(file, { expect: { paper: 'demo', preset: 'quick', seed: 1 } });
  restoreInto(c, target);
  assert.equal(tf.memory().numTensors, before, 'save, load and restore leave no tensor');
  assert.deepEqual(values(target), values(trained), 'bit-exact float32 round trip');
  assert.equal(c.format, CHECKPOINT_FORMAT);
  assert.deepEqual(c.meta, META);
  assert.equal(checkpointSource(c), file);
  const text = fs.readFileSync(file, 'utf8');
  assert.equal(text.split('\n').filter((l) => l.includes('"shape"')).length, trained.names().length, 'one line per parameter');
  assert.ok(!text.includes('source'), 'the source is not written');
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['net.json'], 'no temp files left behind');
  // shortest decimals: a float32 needs at most 9 significant digits, and 0.1f is written 0.1
  assert.equal(shortestFloat32(0.1), 0.1);
  assert.equal(Math.fround(shortestFloat32(Math.fround(1 / 3))), Math.fround(1 / 3));
  assert.ok(!/\d{10}/.test(text.replace(/"seed".*$/m, '')), 'no value is written with 10+ digits');
  const t = paramTensor(c, 'enc/bias');
  assert.deepEqual(t.shape, [6]);
  t.dispose();
  trained.dispose();
  target.dispose();
});

test('restoreInto refuses a missing, extra or mis-shaped parameter, naming the file and every parameter, and assigns nothing', async () => {
  await setup();
  const dir = tmpDir();
  const file = path.join(dir, 'net.json');
  const trained = model(1);
  saveCheckpoint(file, trained, META);
  const c = loadCheckpoint(file);
  // the model has a parameter the file lacks
  const bigger = model(3);
  bigger.add('extra/w', { shape: [2, 2], init: 'zeros' });
  const snapshot = values(bigger);
  assert.throws(() => restoreInto(c, bigger), (e: Error) => {
    assert.match(e.message, new RegExp(`checkpoint ${file.replace(/[.\\/]/g, '\\$&')} does not fit the model`));
    assert.match(e.message, /missing parameter "extra\/w" \(the model expects \[2,2\]\)/);
    return true;
  });
  assert.deepEqual(values(bigger), snapshot, 'nothing assigned');
  // the file has a parameter the model lacks
  const smaller = new ParamSet(new Rng(1));
  dense(smaller, 'enc', { inUnits: 4, outUnits: 6, activation: 'relu' });
  assert.throws(() => restoreInto(c, smaller), /extra parameter "conv\/kernel" \[3,3,1,2\] that the model does not have/);
  // a parameter of another shape
  const wider = model(1, { hidden: 7 });
  assert.throws(() => restoreInto(c, wider), /net\.json does not fit the model: parameter "enc\/kernel" has shape \[4,6\], the model expects \[4,7\]; parameter "enc\/bias" has shape \[6\], the model expects \[7\]/);
  // a plain record of variables works the same way
  const v = tf.variable(tf.zeros([4, 6]));
  assert.throws(() => restoreInto(c, { 'enc/kernel': v }), /extra parameter "enc\/bias"/);
  [trained, bigger, smaller, wider].forEach((p) => p.dispose());
  v.dispose();
});

test('loading fails on wrong format, newer version, missing meta, bad shapes, non-finite values and truncation, naming file and parameter', async () => {
  await setup();
  const dir = tmpDir();
  const trained = model(1);
  const good = checkpointToJson(trained, META);
  const write = (name: string, v: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
    return f;
  };
  const clone = () => JSON.parse(JSON.stringify(good)) as Checkpoint;
  const cases: [string, (c: Checkpoint) => unknown, RegExp][] = [
    ['format.json', (c) => ({ ...c, format: 'something-else@1' }), /format\.json: format "something-else@1" is not readable; this library reads "precoding-workbook\/params@2" and "precoding-workbook\/params@1"$/],
    ['newer.json', (c) => ({ ...c, format: 'precoding-workbook/params@3' }), /newer\.json: format "precoding-workbook\/params@3" is not readable.*a newer version/],
    ['nometa.json', (c) => ({ ...c, meta: undefined }), /nometa\.json: meta must be an object with paper, preset, seed, backend, trainingBudget/],
    ['paper.json', (c) => ({ ...c, meta: { ...c.meta, paper: undefined } }), /paper\.json: meta\.paper must be a non-empty string; got undefined/],
    ['preset.json', (c) => ({ ...c, meta: { ...c.meta, preset: '' } }), /preset\.json: meta\.preset must be a non-empty string; got ""/],
    ['seed.json', (c) => ({ ...c, meta: { ...c.meta, seed: null } }), /seed\.json: meta\.seed must be a finite number or a non-empty string; got null/],
    ['backend.json', (c) => ({ ...c, meta: { ...c.meta, backend: 3 } }), /backend\.json: meta\.backend must be a non-empty string; got 3/],
    ['budget.json', (c) => ({ ...c, meta: { ...c.meta, trainingBudget: undefined } }), /budget\.json: meta\.trainingBudget must be an object \{ steps, batchSize, channels, … \}/],
    ['steps.json', (c) => ({ ...c, meta: { ...c.meta, trainingBudget: { batchSize: 1, channels: 1 } } }), /steps\.json: meta\.trainingBudget\.steps is missing/],
    ['count.json', (c) => ({ ...c, meta: { ...c.meta, trainingBudget: { ...c.meta.trainingBudget, epochs: 1.5 } } }), /count\.json: meta\.trainingBudget\.epochs must be a non-negative integer; got 1\.5/],
    ['shape.json', (c) => { c.params['enc/kernel'].shape = [4, -6]; return c; }, /shape\.json: parameter "enc\/kernel": shape must be a list of non-negative integers; got \[4,-6\]/],
    ['count2.json', (c) => { c.params['conv/bias'].values.pop(); return c; }, /count2\.json: parameter "conv\/bias" must hold 2 values for shape \[2\]; got 1/],
    ['nan.json', (c) => { (c.params['gnn/l1/W_ue'].values as unknown[])[4] = null; return c; }, /nan\.json: parameter "gnn\/l1\/W_ue": value 4 is null, not a finite number/],
    ['str.json', (c) => { (c.params['bn/mean'].values as unknown[])[0] = '1'; return c; }, /str\.json: parameter "bn\/mean": value 0 is "1", not a finite number/],
    ['params.json', (c) => ({ ...c, params: [] }), /params\.json: "params" must be an object/],
  ];
  for (const [name, edit, re] of cases) {
    const f = write(name, edit(clone()));
    assert.throws(() => loadCheckpoint(f), (e: Error) => {
      assert.match(e.message, new RegExp(`^checkpoint ${dir.replace(/[.\\/]/g, '\\$&')}`), `${name}: names the file`);
      assert.match(e.message, re, name);
      return true;
    });
  }
  // truncated: the message names the parameter where the text breaks off
  saveCheckpoint(path.join(dir, 'full.json'), trained, META);
  const text = fs.readFileSync(path.join(dir, 'full.json'), 'utf8');
  const cut = text.indexOf('"gnn/l1/W_bs"') + 40;
  const truncated = write('truncated.json', text.slice(0, cut));
  assert.throws(() => loadCheckpoint(truncated), /checkpoint .*truncated\.json is not valid JSON \(truncated or edited\?\): .*; it breaks in or after parameter "gnn\/l1\/W_bs"/);
  assert.throws(() => loadCheckpoint(write('empty.json', '')), /empty\.json is not valid JSON/);
  assert.throws(() => loadCheckpoint(path.join(dir, 'missing.json')), /checkpoint .*missing\.json cannot be read: ENOENT/);
  // a loader can insist on the preset it needs
  assert.throws(() => loadCheckpoint(path.join(dir, 'full.json'), { expect: { preset: 'reproduce' } }), /full\.json: meta\.preset is "quick", expected "reproduce"/);
  trained.dispose();
});

test('saving refuses non-finite values and incomplete meta and writes nothing', async () => {
  await setup();
  const dir = tmpDir();
  const file = path.join(dir, 'bad.json');
  const p = model(1);
  p.get('conv/bias').assign(tf.tensor1d([0, NaN]));
  assert.throws(() => saveCheckpoint(file, p, META), /saveCheckpoint\(.*bad\.json\): parameter "conv\/bias" holds a non-finite value \(NaN at index 1\); refusing to save/);
  const q = model(1);
  const { backend: _omit, ...noBackend } = META;
  assert.throws(() => saveCheckpoint(file, q, noBackend as CheckpointMeta), /saveCheckpoint\(.*bad\.json\): meta\.backend must be a non-empty string/);
  assert.throws(() => saveCheckpoint(file, {}, META), /no parameters to save/);
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing written');
  // a plain record of tensors saves too
  saveCheckpoint(file, { gamma: tf.tensor2d([[1, 0.5], [0.25, 2]]) }, META);
  assert.deepEqual(loadCheckpoint(file).params.gamma, { shape: [2, 2], values: [1, 0.5, 0.25, 2] });
  p.dispose();
  q.dispose();
});

test('@1 files still load and restore (meta free-form)', async () => {
  await setup();
  const dir = tmpDir();
  const file = path.join(dir, 'old.json');
  fs.writeFileSync(file, JSON.stringify({ format: 'precoding-workbook/params@1', meta: { preset: 'quick', seed: 1 }, params: { gamma: { shape: [2, 2], values: [1, 0.5, 0.25, 2] } } }, null, 1));
  const c = loadCheckpoint(file);
  assert.equal(c.format, 'precoding-workbook/params@1');
  assert.equal(c.meta.preset, 'quick');
  const v = tf.variable(tf.zeros([2, 2]));
  restoreInto(c, { gamma: v });
  assert.deepEqual(Array.from(arr(v)), [1, 0.5, 0.25, 2]);
  assert.throws(() => restoreInto(c, { beta: v }), /checkpoint .*old\.json does not fit the model: missing parameter "beta".*extra parameter "gamma"/);
  const noMeta = path.join(dir, 'nometa.json');
  fs.writeFileSync(noMeta, JSON.stringify({ format: 'precoding-workbook/params@1', params: { a: { shape: [1], values: [3] } } }));
  assert.deepEqual(loadCheckpoint(noMeta).meta, {});
  fs.writeFileSync(noMeta, JSON.stringify({ format: 'precoding-workbook/params@1', params: { a: { shape: [2], values: [1] } } }));
  assert.throws(() => loadCheckpoint(noMeta), /nometa\.json: parameter "a" must hold 2 values for shape \[2\]; got 1/);
  v.dispose();
});

test('checkpointToJson / checkpointFromJson embed a checkpoint in a larger saved-run file; errors name the embedding', async () => {
  await setup();
  const dir = tmpDir();
  const runFile = path.join(dir, 'run.json');
  const a = model(1), b = model(5), target = model(9);
  const before = tf.memory().numTensors;
  const run = { notebook: 'demo', metrics: { wsr: 3.2 }, nets: { L1: checkpointToJson(a, META), L2: checkpointToJson(b, { ...META, seed: 5 }) } };
  fs.writeFileSync(runFile, JSON.stringify(run));
  const back = JSON.parse(fs.readFileSync(runFile, 'utf8'));
  const l2 = checkpointFromJson(back.nets.L2, `${runFile}: nets.L2`);
  restoreInto(l2, target);
  assert.deepEqual(values(target), values(b));
  assert.equal(l2.meta.seed, 5);
  assert.equal(tf.memory().numTensors, before, 'no leak');
  assert.ok(!JSON.stringify(l2).includes('nets.L2'), 'the source label stays out of the JSON');
  back.nets.L1.params['enc/kernel'].shape = [6, 4];
  const l1 = checkpointFromJson(back.nets.L1, `${runFile}: nets.L1`);
  assert.throws(() => checkpointFromJson({ ...back.nets.L1, format: 'x' }, `${runFile}: nets.L1`), /checkpoint .*run\.json: nets\.L1: format "x" is not readable/);
  assert.throws(() => restoreInto(l1, target), /checkpoint .*run\.json: nets\.L1 does not fit the model: parameter "enc\/kernel" has shape \[6,4\], the model expects \[4,6\]/);
  assert.throws(() => checkpointToJson(a, { ...META, trainingBudget: { steps: -1, batchSize: 1, channels: 1 } }), /checkpointToJson: meta\.trainingBudget\.steps must be a non-negative integer; got -1/);
  [a, b, target].forEach((p) => p.dispose());
});

test('savedParamCount: trained parameters and batch-norm running statistics, from a saved model', () => {
  const params = new ParamSet(new Rng('count'));
  dense(params, 'fc', { inUnits: 3, outUnits: 4 });
  batchNorm(params, 'bn', { channels: 4 });
  try {
    const ckpt = checkpointToJson(params, META);
    // dense: 3·4 weights + 4 biases; batch norm: γ, β trained (4 + 4), running mean and variance saved (4 + 4)
    assert.deepEqual(savedParamCount(ckpt), { trained: 12 + 4 + 8, state: 8 });
    assert.equal(savedParamCount(ckpt).trained, params.variables().reduce((s, v) => s + v.size, 0), 'trained = the variables training updates');
  } finally {
    params.dispose();
  }
});
