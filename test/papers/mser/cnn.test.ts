import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { clusteredChannel } from '../../../lib/phy/channels';
import { buildCnn, cnnDesign, CnnConfig, cnnLayerCount, cnnParamCount, cnnPreset, trainCnn, CnnTrainSettings } from '../../../lib/papers/mser/cnn';
import { MserSystem, PAPER_SYSTEM, symbolEnergy } from '../../../lib/papers/mser/system';
import { combinerNoiseGain, disposeState, HybridState, precoderPower } from '../../../lib/papers/mser/transceiver';
import { backendTest, setup, valuesOf as read } from '../../helpers';

const SYS: MserSystem = { txAntennas: 16, txRf: 4, users: 2, rxAntennas: 4, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };
const channels = (rng: Rng, batch: number) => clusteredChannel(rng, { batch, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2 }).h;
const tensors = (s: HybridState) => [s.thetaF, s.v.re, s.v.im, s.thetaU, s.w.re, s.w.im];

backendTest('CNN benchmark (§V-B): shapes, ‖FV‖² = P_T/E_s and ‖U_kᴴw_{i,k}‖ = 1 by construction, same seed → same design, no leaks', () => {
  const rng = new Rng('mser/cnn');
  const h = channels(rng.fork('h'), 3);
  const before = tf.memory().numTensors;
  const net = buildCnn(rng.fork('net'), cnnPreset('small', SYS));
  const twin = buildCnn(rng.fork('net'), cnnPreset('small', SYS));
  const other = buildCnn(rng.fork('other'), cnnPreset('small', SYS));
  const afterBuild = tf.memory().numTensors;
  // determinism: same seed, same numbers, in both modes (a training-mode pass moves the running statistics alike)
  for (const training of [false, true]) {
    const a = net.forward(h, { training }), b = twin.forward(h, { training }), c = other.forward(h, { training });
    tensors(a).forEach((t, i) => assert.deepEqual(read(() => tf.clone(t)), read(() => tf.clone(tensors(b)[i])), `training ${training}, tensor ${i}`));
    assert.ok(read(() => tf.max(tf.abs(tf.sub(a.v.re, c.v.re))))[0] > 1e-3, 'another seed, another design');
    [a, b, c].forEach(disposeState);
  }
  for (const training of [false, true]) {
    const s = training ? net.forward(h, { training }) : cnnDesign(net, h);
    assert.deepEqual(s.thetaF.shape, [3, 16, 4]);
    assert.deepEqual(s.v.re.shape, [3, 4, 4]);
    assert.deepEqual(s.v.im.shape, [3, 4, 4]);
    assert.deepEqual(s.thetaU.shape, [3, 2, 2, 4]);
    assert.deepEqual(s.w.re.shape, [3, 2, 2, 2]);
    assert.deepEqual(s.w.im.shape, [3, 2, 2, 2]);
    for (const t of tensors(s)) assert.ok(read(() => tf.clone(t)).every(Number.isFinite), `training ${training}: non-finite output`);
    read(() => precoderPower(s)).forEach((p) => assert.ok(Math.abs(p * symbolEnergy('qpsk') - SYS.power) < 1e-4, `‖FV‖²·E_s = ${p * 2}`));
    read(() => combinerNoiseGain(s)).forEach((g) => assert.ok(Math.abs(g - 1) < 1e-4, `‖U_kᴴw‖ = ${g}`));
    disposeState(s);
  }
  // the MSE loss's view: (26) holds, the combiners keep their scale
  const raw = net.forward(h, { training: false, normaliseCombiner: false });
  read(() => precoderPower(raw)).forEach((p) => assert.ok(Math.abs(p * 2 - 1) < 1e-4));
  assert.ok(read(() => combinerNoiseGain(raw)).some((g) => Math.abs(g - 1) > 1e-3), 'unnormalised combiners');
  disposeState(raw);
  // the design in chunks is the design (inference: each channel on its own)
  const whole = cnnDesign(net, h), chunked = cnnDesign(net, h, { chunk: 2 });
  tensors(whole).forEach((t, i) => assert.ok(read(() => tf.max(tf.abs(tf.sub(t, tensors(chunked)[i]))))[0] < 1e-5, `chunked tensor ${i}`));
  disposeState(whole);
  disposeState(chunked);
  // the untrained phases are spread (bias uniform on [−π, π)), not all-equal
  const thetaF = read(() => cnnDesign(net, h).thetaF);
  const spread = Math.max(...thetaF) - Math.min(...thetaF);
  assert.ok(spread > 3, `θ_F spread ${spread}`);
  assert.equal(tf.memory().numTensors, afterBuild, 'no tensor leaks in forward and design');
  net.dispose();
  twin.dispose();
  other.dispose();
  assert.equal(tf.memory().numTensors, before, 'dispose frees every variable');
  tf.dispose([h.re, h.im]);
});

backendTest('CNN benchmark: training with either loss keeps finite losses, never ends above its validation start, lowers the loss; no leaks', async () => {
  const rng = new Rng('mser/cnn-train');
  const trainH = channels(rng.fork('train'), 8);
  const valH = channels(rng.fork('val'), 4);
  for (const objective of ['mse', 'mser'] as const) {
    const net = buildCnn(rng.fork(`net-${objective}`), cnnPreset('small', SYS));
    const before = tf.memory().numTensors;
    const settings: CnnTrainSettings = { steps: 20, batchChannels: 8, learningRate: 3e-3, objective, snrDb: 10, symbols: 64, validateEvery: 10 };
    const r = await trainCnn(net, { trainH, valH }, settings, rng.fork(`fit-${objective}`));
    const loss = r.history.loss;
    assert.equal(loss.length, 20, `${objective}: no skipped step`);
    assert.ok(loss.every(Number.isFinite), `${objective}: finite losses`);
    assert.ok(r.validation.end <= r.validation.start, `${objective}: validation ${r.validation.start} → ${r.validation.end}`);
    assert.equal(r.history.validation.length, 3);
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    const first = mean(loss.slice(0, 4)), last = mean(loss.slice(-4));
    assert.ok(last < 0.9 * first, `${objective}: loss ${first.toFixed(4)} → ${last.toFixed(4)} over 20 Adam steps`);
    assert.equal(tf.memory().numTensors, before, `${objective}: no tensor leaks in training`);
    net.dispose();
  }
  tf.dispose([trainH.re, trainH.im, valH.re, valH.im]);
});

test('CNN benchmark: the paper preset has 17 layers per sub-network; the closed-form parameter count is the variables\' size', async () => {
  await setup();
  for (const name of ['paper', 'compact'] as const) assert.deepEqual(cnnLayerCount(cnnPreset(name, PAPER_SYSTEM)), { thetaF: 17, thetaU: 17, p: 17, w: 17 });
  assert.deepEqual(cnnLayerCount(cnnPreset('small', SYS)), { thetaF: 7, thetaU: 7, p: 6, w: 6 });
  for (const [cfg, what] of [[cnnPreset('paper', PAPER_SYSTEM), 'paper'], [cnnPreset('paper', SYS), 'paper preset, small system'], [cnnPreset('small', SYS), 'small']] as [CnnConfig, string][]) {
    const net = buildCnn(new Rng(`mser/cnn-count-${what}`), cfg);
    const counts = cnnParamCount(net);
    const shapes = net.params.shapes();
    const named = net.params.named();
    const trainable = new Set(net.trainable());
    for (const sub of ['thetaF', 'thetaU', 'p', 'w'] as const) {
      const size = Object.keys(shapes).filter((n) => n.startsWith(`${sub}/`) && trainable.has(named[n])).reduce((a, n) => a + named[n].size, 0);
      assert.equal(counts[sub], size, `${what}, ${sub}`);
    }
    assert.equal(counts.total, net.params.count({ trainableOnly: true }), what);
    assert.deepEqual(cnnParamCount(cfg), counts);
    // it runs: pooling 'same' takes every map down to ⌈n/2⌉ (1×… in the small system)
    const h = clusteredChannel(new Rng('h'), { batch: 2, users: cfg.sys.users, txAntennas: cfg.sys.txAntennas, rxAntennas: cfg.sys.rxAntennas, clusters: 2 }).h;
    const s = net.forward(h, { training: true });
    assert.deepEqual(s.v.re.shape, [2, cfg.sys.txRf, cfg.sys.users * cfg.sys.streams], what);
    assert.ok(read(() => precoderPower(s)).every((p) => Math.abs(p * 2 - 1) < 1e-4), what);
    disposeState(s);
    tf.dispose([h.re, h.im]);
    net.dispose();
  }
});

test('CNN benchmark: argument errors name the parameter and the allowed values', async () => {
  await setup();
  const rng = new Rng('mser/cnn-errors');
  const cfg = cnnPreset('small', SYS);
  assert.throws(() => cnnPreset('huge' as 'paper', SYS), /cnnPreset\(name\): 'paper', 'compact' or 'small'; got huge/);
  assert.throws(() => buildCnn(rng, { ...cfg, phase: { stages: [], hidden: 8 } }), /config\.phase\.stages\): needs at least one stage/);
  assert.throws(() => buildCnn(rng, { ...cfg, digital: { stages: [{ channels: [4, 0], pool: true }], hidden: 8 } }), /config\.digital\.stages\[0\]\.channels\[1\] must be a positive integer; got 0/);
  assert.throws(() => buildCnn(rng, { ...cfg, digital: { stages: [{ channels: [4], pool: 1 as unknown as boolean }], hidden: 8 } }), /stages\[0\]\.pool\): true or false/);
  assert.throws(() => buildCnn(rng, { ...cfg, phase: { ...cfg.phase, hidden: 2.5 } }), /config\.phase\.hidden must be a positive integer; got 2\.5/);
  assert.throws(() => buildCnn(rng, { ...cfg, sys: { ...SYS, txRf: 3 } }), /buildCnn\(sys\.txRf\): R_t must be ≥ K·D_k = 4/);
  assert.throws(() => cnnLayerCount({ ...cfg, phase: { stages: [{ channels: [], pool: false }], hidden: 4 } }), /cnnLayerCount\(config\.phase\.stages\[0\]\)/);
  const net = buildCnn(rng.fork('net'), cfg);
  const before = tf.memory().numTensors;
  const wrong = clusteredChannel(rng.fork('h'), { batch: 2, users: 2, txAntennas: 8, rxAntennas: 4, clusters: 2 }).h;
  const one = channels(rng.fork('one'), 1);
  const h = channels(rng.fork('ok'), 4);
  assert.throws(() => cnnDesign(net, wrong), /cnnDesign\(h\): needs complex shape \[B, K, N_r, N_t\] = \[B, 2,4,16\].*got re \[2,2,4,8\]/);
  assert.throws(() => net.forward(wrong, { training: false }), /CnnNet\.forward\(h\): needs complex shape/);
  assert.throws(() => cnnDesign(net, h, { chunk: 0 }), /cnnDesign: opts\.chunk must be a positive integer; got 0/);
  assert.throws(() => net.forward(one, { training: true }), /training mode \(batch statistics\) needs B >= 2 channels; got B = 1/);
  disposeState(cnnDesign(net, one)); // inference on one channel is fine
  const ok: CnnTrainSettings = { steps: 2, batchChannels: 2, learningRate: 1e-3, objective: 'mser', snrDb: 10, symbols: 8, validateEvery: 1 };
  const data = { trainH: h, valH: h };
  const fails: [Partial<CnnTrainSettings>, RegExp][] = [
    [{ steps: 0 }, /trainCnn: settings\.steps must be a positive integer; got 0/],
    [{ batchChannels: 1 }, /trainCnn\(settings\.batchChannels\): needs N >= 2/],
    [{ learningRate: 0 }, /settings\.learningRate must be finite and > 0; got 0/],
    [{ objective: 'ser' as 'mse' }, /settings\.objective\): 'mser' or 'mse'; got ser/],
    [{ optimizer: 'rmsprop' as 'adam' }, /settings\.optimizer\): 'sgd' or 'adam'/],
    [{ symbols: 0 }, /settings\.symbols \(J\) must be a positive integer/],
    [{ batchChannels: 5 }, /trainCnn\(data\.trainH\): needs at least batchChannels = 5 channels; got 4/],
  ];
  for (const [bad, re] of fails) await assert.rejects(trainCnn(net, data, { ...ok, ...bad }, rng), re);
  await assert.rejects(trainCnn(net, { trainH: h, valH: wrong }, ok, rng), /trainCnn\(data\.valH\): needs complex shape/);
  const qam = buildCnn(rng.fork('qam'), cnnPreset('small', { ...SYS, modulation: '16qam' }));
  await assert.rejects(trainCnn(qam, data, ok, rng), /'mser' is the QPSK loss \(15\); the system is 16qam/);
  qam.dispose();
  tf.dispose([wrong.re, wrong.im, one.re, one.im, h.re, h.im]);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks on errors');
  net.dispose();
});
