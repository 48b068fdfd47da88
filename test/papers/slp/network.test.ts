import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { makeSlpData } from '../../../lib/papers/slp/data';
import { constructiveCheck, mean, netDirections, precodeFromDirections, precodeWithNet, sliceInstances } from '../../../lib/papers/slp/evaluate';
import { buildSlpNet, disposeTensors, prepareTensors, SLP_VARIANTS } from '../../../lib/papers/slp/network';
import { slpLoss } from '../../../lib/papers/slp/training';
import { constraintValues, fromDb, slpInstances } from '../../../lib/papers/slp/problem';
import { solveSlp } from '../../../lib/papers/slp/solver';
import { testChannels, testInstances } from '../../../lib/papers/slp/experiments';
import { slpPreset } from '../../../lib/papers/slp/presets';
import { backendTest } from '../../helpers';

const data = (count: number, sinrDb: number | [number, number], seed = 1) => makeSlpData(new Rng(seed), { count, users: 4, antennas: 4, sinrDb });

backendTest('prepareTensors: Ã u⁰ = −2 (slack 1), ‖u⁰‖ = 1, and the unit problem maps back exactly: ρ·w* meets Ã w ≤ −1 with equality where μ* > 0', () => {
  const inst = data(20, 12);
  const t = prepareTensors(inst);
  const a = t.a.arraySync(), u0 = t.u0.arraySync();
  const opt = solveSlp(inst);
  for (let b = 0; b < 20; b++) {
    const n0 = Math.hypot(...u0[b].map((r) => r[0]));
    assert.ok(Math.abs(n0 - 1) < 1e-5, `‖u⁰‖ = ${n0}`);
    for (let j = 0; j < 8; j++) {
      const au = a[b][j].reduce((s, x, i) => s + x * u0[b][i][0], 0);
      assert.ok(Math.abs(au + 2) < 1e-4, `Ãu⁰ = ${au}`);
      const aw = a[b][j].reduce((s, x, i) => s + x * t.rho[b] * opt.w[b * 8 + i], 0);
      assert.ok(aw <= -1 + 1e-4, `Ã(ρw*) = ${aw}`);
      if (opt.multipliers[b * 8 + j] > 1e-6 * Math.max(...opt.multipliers.slice(b * 8, b * 8 + 8))) assert.ok(Math.abs(aw + 1) < 1e-4, 'active constraint');
    }
  }
  disposeTensors(t);
  assert.throws(() => prepareTensors(makeSlpData(new Rng(1), { count: 2, users: 3, antennas: 2, sinrDb: 0 })), /users K ≤ antennas M/);
});

backendTest('SLP-DNet (untrained = the interior-point schedule): every iterate strictly feasible, weak duality g(λ) ≤ ‖u‖², more layers get closer to the optimum, no leaks', async () => {
  const inst = data(120, 25, 3);
  const opt = solveSlp(inst);
  const t = prepareTensors(inst);
  const before = tf.memory().numTensors;
  const ratios: number[] = [];
  for (const L of [1, 3, 8]) {
    const net = buildSlpNet(new Rng(2), { variant: 'full', users: 4, antennas: 4, layers: L });
    const f = net.forward(t);
    const u = f.primal.arraySync(), g = f.dual.arraySync();
    for (let b = 0; b < inst.batch; b++) {
      const w = u[b].map((x) => x / t.rho[b]);
      assert.ok(Math.max(...constraintValues(inst, b, w)) < 0, `L=${L} #${b}: the last iterate is strictly feasible`);
      const pu = u[b].reduce((s, x) => s + x * x, 0);
      assert.ok(g[b] <= pu * (1 + 1e-4) + 1e-6, `L=${L} #${b}: dual ${g[b]} ≤ primal ${pu}`);
      // the optimum of the unit problem lies between them
      assert.ok(g[b] <= opt.power[b] * t.rho[b] ** 2 * (1 + 1e-3) + 1e-6 && opt.power[b] * t.rho[b] ** 2 <= pu * (1 + 1e-4), `L=${L} #${b}: g ≤ P* ≤ ‖u‖²`);
    }
    tf.dispose([f.w, f.dual, f.lambda, f.primal]);
    const pr = precodeWithNet(net, inst);
    ratios.push(mean(pr.power) / mean(opt.power));
    net.dispose();
  }
  assert.ok(ratios[0] > ratios[1] && ratios[1] > ratios[2], `power/optimum falls with L: ${ratios.map((r) => r.toFixed(4)).join(', ')}`);
  assert.ok(ratios[2] < 1.02, `8 Newton layers within 2 % of the optimum: ${ratios[2]}`);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  disposeTensors(t);
});

backendTest('precodeWithNet: every precoder meets every constraint and none beats the exact optimum; a common SINR only scales the output (exact scale-equivariance)', async () => {
  for (const variant of SLP_VARIANTS) {
    const net = buildSlpNet(new Rng(4), { variant, users: 4, antennas: 4, layers: 3 });
    const lo = data(40, 5, 6), hi = data(40, 25, 6); // the same channels and symbols at 5 and 25 dB
    const a = precodeWithNet(net, lo), b = precodeWithNet(net, hi);
    const opt = solveSlp(hi);
    const chk = constructiveCheck(hi, b.w);
    assert.equal(chk.share, 1, `${variant}: all constraints met (worst ${chk.worstViolation})`);
    for (let i = 0; i < 40; i++) {
      assert.ok(b.power[i] >= opt.power[i] * (1 - 1e-9), `${variant} #${i}: ${b.power[i]} below the optimum ${opt.power[i]}`);
      assert.ok(Math.abs(b.power[i] / a.power[i] / 100 - 1) < 1e-3, `${variant} #${i}: power ratio ${b.power[i] / a.power[i]} for a 20 dB step`);
    }
    net.dispose();
  }
});

backendTest('training loss: finite, differentiable in every trainable parameter of every variant, leaves no tensors', async () => {
  const inst = data(16, [0, 45], 8);
  const t = prepareTensors(inst);
  for (const variant of SLP_VARIANTS) {
    const net = buildSlpNet(new Rng(5), { variant, users: 4, antennas: 4, layers: 2 });
    // move the zero-initialised output layers so every parameter has a path to the loss
    tf.tidy(() => { for (const [n, v] of Object.entries(net.params.named())) if (/fc\/kernel|conv3\/kernel/.test(n)) v.assign(tf.fill(v.shape, 0.01)); });
    const before = tf.memory().numTensors;
    const g = tf.variableGrads(() => slpLoss(net, t, { weightDecay: 1e-6, rng: new Rng(9) }), net.trainable());
    assert.ok(Number.isFinite(g.value.dataSync()[0]), `${variant}: loss finite`);
    const zero = Object.entries(g.grads).filter(([, v]) => Math.max(...Array.from(v.dataSync()).map(Math.abs)) === 0).map(([k]) => k);
    assert.deepEqual(zero, [], `${variant}: parameters without gradient`);
    tf.dispose([g.value, ...Object.values(g.grads)]);
    assert.equal(tf.memory().numTensors, before, `${variant}: no leaks`);
    net.dispose();
  }
  disposeTensors(t);
});

test('buildSlpNet / slp data: bad configuration names the parameter and its range', () => {
  const rng = new Rng(1);
  assert.throws(() => buildSlpNet(rng, { variant: 'octal' as never, users: 4, antennas: 4, layers: 2 }), /variant.*full, binary/);
  assert.throws(() => buildSlpNet(rng, { variant: 'full', users: 5, antennas: 4, layers: 2 }), /K ≤ antennas M/);
  assert.throws(() => buildSlpNet(rng, { variant: 'sq-binary', quantRatio: 1.5, users: 4, antennas: 4, layers: 2 }), /QR must be in \[0, 1\]/);
  assert.throws(() => buildSlpNet(rng, { variant: 'full', users: 4, antennas: 4, layers: 0 }), /layers/);
  assert.throws(() => makeSlpData(rng, { count: 2, users: 2, antennas: 2, sinrDb: [10, 0] }), /low ≤ high/);
  assert.equal(sliceInstances(data(5, 3), 1, 2).batch, 2);
  assert.ok(fromDb(30) === 1000);
});

backendTest('precodeFromDirections: directions computed at one SINR give the precoders computed at another (same channels and symbols)', async () => {
  const net = buildSlpNet(new Rng(7), { variant: 'sq-ternary', quantRatio: 0.5, users: 4, antennas: 4, layers: 3 });
  const at30 = data(30, 30, 11), at5 = data(30, 5, 11);
  const dirs = netDirections(net, at30);
  for (const errorBound of [0, 0.01]) {
    const a = precodeFromDirections(at5, dirs, { errorBound }), b = precodeWithNet(net, at5, { errorBound });
    for (let i = 0; i < 30; i++) {
      if (!Number.isFinite(b.power[i])) { assert.equal(a.power[i], b.power[i]); continue; }
      // equal in exact arithmetic; the float32 network sees inputs rounded differently (≈ 1e-5 relative)
      assert.ok(Math.abs(a.power[i] / b.power[i] - 1) < 1e-3, `ζ=${errorBound} #${i}: ${a.power[i]} vs ${b.power[i]}`);
    }
  }
  net.dispose();
});

test('testChannels: the channels BLP is measured on are those of the test instances', () => {
  const p = { ...slpPreset('quick'), testSamples: 12 };
  const inst = testInstances(p, 10), h = testChannels(p);
  const again = slpInstances({ h, phase: inst.phase, sinr: 10, noiseVar: p.noiseVar });
  assert.deepEqual(Array.from(again.a), Array.from(inst.a));
});
