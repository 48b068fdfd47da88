/** Bad input: every error names the function, the parameter and the allowed range. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { c2po, deltaOf, prox } from '../../../lib/papers/c2po/c2po';
import { c2poPreset, C2PO_PRESETS, epochsFor } from '../../../lib/papers/c2po/presets';
import { c2poSystem, prepareProblem, disposeProblem } from '../../../lib/papers/c2po/system';
import { trainC2po } from '../../../lib/papers/c2po/training';
import { checkParams, startingValues, unfoldedForward } from '../../../lib/papers/c2po/unfolded';
import { setup } from '../../helpers';

const sys = c2poSystem({ users: 2, antennas: 4 });

test('system: U, B positive integers, P > 0, ξ = √(P/2B)', () => {
  assert.equal(sys.xi, Math.sqrt(1 / 8));
  assert.equal(c2poSystem({ users: 8, antennas: 128 }).xi, 1 / 16);
  assert.throws(() => c2poSystem({ users: 0, antennas: 4 }), /c2poSystem\(opts\): users \(U\) must be a positive integer; got 0/);
  assert.throws(() => c2poSystem({ users: 2, antennas: 2.5 }), /antennas \(B\) must be a positive integer; got 2.5/);
  assert.throws(() => c2poSystem({ users: 2, antennas: 4, power: 0 }), /power \(P\) must be finite and > 0; got 0/);
  assert.throws(() => c2po(tf.zeros([1]) as never, tf.zeros([1]) as never, { ...sys, xi: 1 }, { iterations: 1 }), /sys\.xi must be √\(P\/2B\)/);
});

test('shapes: h and s must match the system and each other', async () => {
  await setup();
  const rng = new Rng(1);
  const h = rng.complexNormal([3, 2, 4]);
  const s = rng.complexNormal([3, 2]);
  assert.throws(() => c2po(rng.complexNormal([3, 2, 5]), s, sys, { iterations: 1 }), /c2po\(h\): needs U = 2 users × B = 4 antennas .*got \[3,2,5\]/);
  assert.throws(() => c2po(rng.complexNormal([4]), s, sys, { iterations: 1 }), /c2po\(h\): must be \[batch, U, B\] or \[U, B\] complex/);
  assert.throws(() => c2po(h, rng.complexNormal([3, 3]), sys, { iterations: 1 }), /c2po\(s\): must be \[batch, U\] with U = 2 \(one symbol per user\)/);
  assert.throws(() => c2po(h, rng.complexNormal([2, 2]), sys, { iterations: 1 }), /c2po\(s\): needs one symbol vector per channel, \[batch, U\] = \[3, 2\]; got \[2,2\]/);
  assert.throws(() => c2po(h, rng.complexNormal([3, 2, 1]), sys, { iterations: 1 }), /c2po\(s\): must be \[batch, U\] = \[3, 2\] complex/);
  assert.throws(() => c2po(h, { re: s.re, im: tf.zeros([3, 3]) }, sys, { iterations: 1 }), /c2po\(s\): re shape \[3,2\] and im shape \[3,3\] must agree/);
});

test('iterations (t_max ≥ 1); c2po takes any finite τ, ρ (learned values), starting values τ ≥ 0, ρ > 0', async () => {
  await setup();
  const rng = new Rng(2);
  const h = rng.complexNormal([3, 2, 4]);
  const s = rng.complexNormal([3, 2]);
  assert.throws(() => c2po(h, s, sys, { iterations: 0 }), /c2po: opts\.iterations \(t_max\) must be a positive integer; got 0/);
  assert.throws(() => c2po(h, s, sys, { iterations: -2 }), /t_max\) must be a positive integer; got -2/);
  const uphill = c2po(h, s, sys, { iterations: 2, tau: [-1e-4, 0.01], rho: [1.2, 1.1] }); // a learned τ⁽¹⁾ slightly below 0
  assert.ok(Array.from(uphill.xq.re.dataSync()).every((v) => Math.abs(v) === Math.fround(sys.xi)));
  assert.throws(() => c2po(h, s, sys, { iterations: 2, rho: Infinity }), /opts\.rho \(prox scale ρ\) must be a finite number; got Infinity/);
  assert.throws(() => c2po(h, s, sys, { iterations: 2, tau: [0.1, 0.1, 0.1] }), /c2po: opts\.tau needs one value or t_max = 2 values; got 3/);
  assert.throws(() => c2po(h, s, sys, { iterations: 2, rho: [1, NaN] }), /opts\.rho\[1\] \(prox scale ρ\) must be a finite number/);
  assert.throws(() => c2po(h, s, sys, { iterations: 2, tau: NaN }), /tau \(step size τ\) must be a finite number; got NaN/);
  assert.throws(() => startingValues({ variant: 'nno', iterations: 0 }), /iterations \(t_max\) must be a positive integer; got 0/);
  assert.throws(() => startingValues({ variant: 'nno', iterations: 2, tau: [0.1, -1] }), /tau\[1\] \(step size τ\) must be finite and >= 0; got -1/);
  assert.throws(() => startingValues({ variant: 'nno', iterations: 3, rho: [1, 1] }), /rho needs 3 values \(t_max\); got 2/);
  assert.throws(() => startingValues({ variant: 'tied', iterations: 3, tau: [1, 1] }), /tau needs 1 values \(one, 'tied'\); got 2/);
  assert.throws(() => startingValues({ variant: 'free' as never, iterations: 3 }), /variant must be one of nno, tied; got "free"/);
  assert.throws(() => deltaOf(0, 1.25), /tau \(step size τ\) must be finite and > 0; got 0/);
  assert.ok(Math.abs(deltaOf(2 ** -8, 1.25) - 51.2) < 1e-9, 'δ = (1 − 1/ρ)/τ = 51.2 for the original parameters');
  assert.throws(() => prox(tf.zeros([2]), 1, 0), /prox: xi \(ξ\) must be finite and > 0; got 0/);
});

test('parameter tensors: [t_max] or [1], tau and rho alike', async () => {
  await setup();
  const rng = new Rng(3);
  const p = prepareProblem(rng.complexNormal([3, 2, 4]), rng.complexNormal([3, 2]), sys);
  const ok = { tau: tf.ones([3]), rho: tf.ones([3]) };
  assert.throws(() => unfoldedForward(p, ok, 0), /unfoldedForward: iterations \(t_max\) must be a positive integer; got 0/);
  assert.throws(() => unfoldedForward(p, { tau: tf.ones([2]), rho: tf.ones([3]) }, 3), /unfoldedForward\(params\.tau\): must have shape \[t_max\] = \[3\] \(NNO-C2PO\) or \[1\] \(tied, C2PO\); got \[2\]/);
  assert.throws(() => unfoldedForward(p, { tau: tf.ones([3]), rho: tf.ones([1, 3]) }, 3), /params\.rho\): must have shape \[t_max\] = \[3\]/);
  assert.throws(() => checkParams('f', { tau: tf.ones([1]), rho: tf.ones([3]) }, 3), /f\(params\): tau \[1\] and rho \[3\] must have the same length/);
  disposeProblem(p);
});

test('presets: the three names, paper values, unknown preset named with the allowed ones', () => {
  assert.deepEqual(Object.keys(C2PO_PRESETS), ['quick', 'reproduce', 'paper']);
  const p = c2poPreset('paper');
  assert.deepEqual([p.antennas, p.users, p.modulation, p.trainSamples, p.evalSamples, p.learningRate, p.power], [128, 8, '16qam', 500, 1000, 1e-4, 1]);
  assert.deepEqual(p.iterations, [2, 4, 8]);
  assert.deepEqual(p.init, { tau: 2 ** -8, rho: 1.25 });
  assert.equal(epochsFor(p, 8), 800);
  assert.throws(() => c2poPreset('fast'), /c2poPreset\(preset\): must be one of quick, reproduce, paper; got "fast"/);
  assert.throws(() => epochsFor(p, 0), /epochsFor\(iterations\): t_max must be a positive integer; got 0/);
});

test('trainC2po: settings checked before anything is drawn or trained', async () => {
  await setup();
  const base = { variant: 'nno' as const, iterations: 2, epochs: 2, learningRate: 1e-3, trainSamples: 4, validationSamples: 4 };
  const before = tf.memory().numTensors;
  await assert.rejects(trainC2po(sys, { ...base, iterations: 0 }, new Rng(1)), /trainC2po: settings\.iterations \(t_max\) must be a positive integer; got 0/);
  await assert.rejects(trainC2po(sys, { ...base, learningRate: -1 }, new Rng(1)), /settings\.learningRate must be finite and > 0; got -1/);
  await assert.rejects(trainC2po(sys, { ...base, variant: 'x' as never }, new Rng(1)), /variant must be one of nno, tied; got "x"/);
  await assert.rejects(trainC2po(sys, base, new Rng(1), { init: { tau: -1 } }), /tau \(step size τ\) must be finite and >= 0; got -1/);
  assert.equal(tf.memory().numTensors, before);
});
