import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../../lib/core/complex';
import type { Complex } from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { buildGnn } from '../../../lib/papers/gnn/model';
import { gnnTransmit, levelsToSignal } from '../../../lib/papers/gnn/precoder';
import { gnnLoss } from '../../../lib/papers/gnn/loss';
import { dacOf, gnnSystem } from '../../../lib/papers/gnn/system';
import { gnnPreset } from '../../../lib/papers/gnn/presets';
import { trainGnn } from '../../../lib/papers/gnn/training';
import { arr, assertClose, backendTest } from '../../helpers';

const B = 2, K = 3, M = 5, T = 4;

function inputs(seed: string): { h: Complex; s: Complex } {
  const rng = new Rng(seed);
  return { h: rng.fork('h').complexNormal([B, K, M]), s: rng.fork('s').complexNormal([B, K, T]) };
}

const gather = (x: Complex, idx: number[], axis: number): Complex => ({ re: tf.gather(x.re, idx, axis), im: tf.gather(x.im, idx, axis) });

backendTest('GNN logits are equivariant to antenna permutations and invariant to user permutations (§IV-C)', () => {
  const model = buildGnn(new Rng('w'), { bits: 2, hiddenLayers: 2, features: 8 });
  const { h, s } = inputs('perm');
  const base = model.logits(h, s); // [B, T, M, 2, L]
  assert.deepEqual(base.shape, [B, T, M, 2, 4]);
  const pa = [3, 0, 4, 1, 2];
  const la = model.logits(gather(h, pa, 2), s);
  assertClose(arr(la), arr(tf.gather(base, pa, 2)), 1e-5, 'f(ΠH, s) = Π f(H, s)');
  const pu = [2, 0, 1];
  const lu = model.logits(gather(h, pu, 1), gather(s, pu, 1));
  assertClose(arr(lu), arr(base), 1e-5, 'f(HΠ, Πs) = f(H, s)');
  // and it is not trivially constant: other symbols give other logits
  const other = model.logits(h, inputs('other').s);
  assert.ok(Math.max(...arr(tf.abs(tf.sub(other, base)))) > 1e-3, 'logits depend on s');
  tf.dispose([base, la, lu, other]);
  C.dispose(h, s);
  model.params.dispose();
});

backendTest('the options of ours (matched-filter edge inputs, biases) keep both symmetries', () => {
  for (const extra of [{ edgeInputs: 'matched-filter' as const }, { bias: true }]) {
    const model = buildGnn(new Rng('opt'), { bits: 1, hiddenLayers: 1, features: 6, ...extra });
    const { h, s } = inputs('opt');
    const pa = [1, 4, 0, 2, 3], pu = [1, 2, 0];
    const [e1, e2] = tf.tidy(() => {
      const base = model.logits(h, s);
      const la = model.logits(gather(h, pa, 2), s);
      const lu = model.logits(gather(h, pu, 1), gather(s, pu, 1));
      return [tf.max(tf.abs(tf.sub(la, tf.gather(base, pa, 2)))).dataSync()[0], tf.max(tf.abs(tf.sub(lu, base))).dataSync()[0]];
    });
    assert.ok(e1 < 1e-5 && e2 < 1e-5, `${JSON.stringify(extra)}: ${e1}, ${e2}`);
    C.dispose(h, s);
    model.params.dispose();
  }
  assert.throws(() => buildGnn(new Rng(1), { bits: 1, hiddenLayers: 1, features: 4, edgeInputs: 'mf' as never }), /edgeInputs/);
});

backendTest('levelsToSignal picks the one-hot level and normalises the mean power over T to P_T (eq. 15)', () => {
  const levels = dacOf(2).levels;
  const rng = new Rng('oh');
  const idx = rng.integers([B, T, M, 2], 4);
  const onehot = tf.oneHot(idx, 4).toFloat();
  const y = levelsToSignal(onehot, levels, 7);
  const p = tf.mean(tf.sum(C.abs2(y), 1), -1); // mean_t ‖y_t‖² per channel
  assertClose(arr(p), [7, 7], 1e-4, 'power');
  // every entry is a level times one scale per channel
  const scale = Math.sqrt(7 / (arr(tf.mean(tf.sum(tf.square(tf.gather(tf.tensor1d(levels), idx)), [2, 3]), 1))[0]));
  const want = arr(tf.transpose(tf.gather(tf.tensor1d(levels), tf.slice(idx, [0, 0, 0, 0], [1, T, M, 1])).reshape([1, T, M]), [0, 2, 1]));
  assertClose(arr(tf.slice(y.re, [0, 0, 0], [1, M, T])), want.map((v) => v * scale), 1e-5, 'Re y = level · α');
  tf.dispose([idx, onehot, p]);
  C.dispose(y);
});

backendTest('training loss: straight-through Gumbel-softmax gives finite, non-zero gradients for every weight but the zero-input ones; no leaks', () => {
  const sys = gnnSystem({ antennas: M, users: K, bits: 1 });
  const model = buildGnn(new Rng('g'), { bits: 1, hiddenLayers: 1, features: 6 });
  const { h, s } = inputs('loss');
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => gnnLoss(model, sys, h, s, { noiseVar: 0.1, rng: new Rng('gumbel') }), model.params.variables());
  assert.ok(Number.isFinite(value.dataSync()[0]) && value.dataSync()[0] <= 0, 'loss = −rate ≤ 0');
  const norms = tf.tidy(() => Object.fromEntries(Object.entries(model.params.named()).map(([n, v]) => [n, Math.sqrt(tf.sum(tf.square(grads[v.name])).dataSync()[0])])));
  tf.dispose([value, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  for (const name of Object.keys(model.params.named())) {
    const norm = norms[name];
    assert.ok(Number.isFinite(norm), `${name} gradient finite`);
    // z_bs⁽⁰⁾ = 0: the input layer's W_bs and W_self_bs multiply zeros (messagePassing docs)
    if (name === 'in/W_bs' || name === 'in/W_self_bs') assert.equal(norm, 0, name);
    else assert.ok(norm > 0, `${name} gradient non-zero`);
  }
  // inference is deterministic (argmax) and the same for the same weights
  const y1 = gnnTransmit(model, h, s, { levels: dacOf(1).levels, power: sys.power });
  const y2 = gnnTransmit(model, h, s, { levels: dacOf(1).levels, power: sys.power });
  assertClose(arr(y1.re), arr(y2.re), 0, 'argmax inference is deterministic');
  C.dispose(y1, y2, h, s);
  model.params.dispose();
});

test('bad input: bits, layers and features name their ranges', () => {
  assert.throws(() => buildGnn(new Rng(1), { bits: 5, hiddenLayers: 1, features: 4 }), /bits.*1\.\.4/);
  assert.throws(() => buildGnn(new Rng(1), { bits: 1, hiddenLayers: -1, features: 4 }), /hiddenLayers/);
  assert.throws(() => buildGnn(new Rng(1), { bits: 1, hiddenLayers: 1, features: 0 }), /features/);
  assert.throws(() => gnnSystem({ antennas: 2, users: 3, bits: 1 }), /users.*1\.\.2/);
  assert.throws(() => gnnSystem({ antennas: 8, users: 1, bits: 0 }), /bits/);
  assert.throws(() => gnnPreset('fast'), /preset must be one of quick, reproduce, paper/);
});

test('bad training settings are refused before anything is built', async () => {
  const sys = gnnSystem({ antennas: 4, users: 1, bits: 1 });
  const ok = { arch: { hiddenLayers: 1, features: 4 }, channel: 'rayleigh' as const, steps: 1, batchChannels: 1, symbols: 8, learningRate: 1e-3, snrDb: 20, tau: 1, validationChannels: 1, validateEvery: 1 };
  await assert.rejects(trainGnn(sys, { ...ok, symbols: 1 }, new Rng(1)), /N_s ≥ 2/);
  await assert.rejects(trainGnn(sys, { ...ok, channel: 'tdl' as never }, new Rng(1)), /channel.*rayleigh, los/);
  await assert.rejects(trainGnn(sys, { ...ok, learningRate: 0 }, new Rng(1)), /learningRate/);
  await assert.rejects(trainGnn(sys, { ...ok, noiseScale: -1 }, new Rng(1)), /noiseScale/);
});
