import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { clusteredChannel } from '../../../lib/phy/channels';
import { gdIteration, mserGd, stepBlock } from '../../../lib/papers/mser/gd';
import { blockGradient } from '../../../lib/papers/mser/gradients';
import { randomInit } from '../../../lib/papers/mser/init';
import { mserObjective } from '../../../lib/papers/mser/kde';
import { disposeSymbols, sampleSymbols } from '../../../lib/papers/mser/symbols';
import { checkSystem, MserSystem, noiseVarOf, symbolEnergy, totalStreams } from '../../../lib/papers/mser/system';
import { analog, combinerNoiseGain, disposeState, HybridState, precoderPower } from '../../../lib/papers/mser/transceiver';
import { backendTest, valuesOf as read } from '../../helpers';

const SYS: MserSystem = { txAntennas: 16, txRf: 4, users: 2, rxAntennas: 4, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };

backendTest('Algorithm 1: after every iteration ‖FV‖² = P_T/E_s (26), |F|, |U| = 1 (14c), ‖U_kᴴw_{i,k}‖ = 1; the objective falls; no leaks', async () => {
  const rng = new Rng('mser/gd');
  const b = 4;
  const h = clusteredChannel(rng.fork('h'), { batch: b, users: SYS.users, txAntennas: SYS.txAntennas, rxAntennas: SYS.rxAntennas, clusters: 2 }).h;
  const sym = sampleSymbols(rng.fork('s'), { streams: totalStreams(SYS), count: 64, modulation: 'qpsk' });
  const rho = Math.sqrt(noiseVarOf(SYS, 10) / 2);
  const steps = { v: 0.002, w: 0.002, thetaU: 0.002, thetaF: 0.002 };
  const before = tf.memory().numTensors;
  let s = randomInit(rng.fork('init'), b, SYS);
  const start = read(() => mserObjective(h, s, sym, { rho }));
  for (let t = 0; t < 8; t++) {
    const next = gdIteration(h, s, sym, SYS, { steps, rho });
    disposeState(s);
    s = next;
    const p = read(() => precoderPower(s));
    p.forEach((v) => assert.ok(Math.abs(v * symbolEnergy('qpsk') - SYS.power) < 1e-5, `‖FV‖² = ${v}`));
    const g = read(() => combinerNoiseGain(s));
    g.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-5, `‖Uᴴw‖ = ${v}`));
    for (const th of [s.thetaF, s.thetaU]) {
      const x = analog(th);
      const m = read(() => tf.max(tf.abs(tf.sub(tf.add(tf.square(x.re), tf.square(x.im)), 1))))[0];
      assert.ok(m < 1e-6, `unit modulus off by ${m}`);
      tf.dispose([x.re, x.im]);
    }
  }
  const end = read(() => mserObjective(h, s, sym, { rho }));
  end.forEach((v, i) => assert.ok(v < start[i], `channel ${i}: P̃ ${start[i]} → ${v}`));
  disposeState(s);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  // mserGd records the start and every `recordEvery` iterations, and leaves `init` alone
  const init = randomInit(rng.fork('init2'), b, SYS);
  const r = await mserGd(h, init, sym, SYS, { steps, rho, iterations: 6, recordEvery: 3 });
  assert.deepEqual(r.history.iteration, [0, 3, 6]);
  assert.ok(r.history.objective[2] < r.history.objective[0]);
  disposeState(r.state);
  disposeState(init);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks (mserGd)');
  disposeSymbols(sym);
  tf.dispose([h.re, h.im]);
});

backendTest('Algorithm 1: bad input names the parameter and the allowed range', async () => {
  const rng = new Rng('mser/gd-bad');
  const h = clusteredChannel(rng.fork('h'), { batch: 2, users: 2, txAntennas: 16, rxAntennas: 4 }).h;
  const sym = sampleSymbols(rng.fork('s'), { streams: 4, count: 8, modulation: 'qpsk' });
  const s = randomInit(rng, 2, SYS);
  const ok = { steps: { v: 0.1, w: 0.1, thetaU: 0.1, thetaF: 0.1 }, rho: 0.5, iterations: 2 };
  await assert.rejects(mserGd(h, s, sym, { ...SYS, txAntennas: 32 }, ok), /mserGd\(h\): needs shape \[2,2,4,32\]/);
  await assert.rejects(mserGd(h, s, sym, SYS, { ...ok, iterations: 0 }), /opts\.iterations \(T\)/);
  await assert.rejects(mserGd(h, s, sym, SYS, { ...ok, steps: { ...ok.steps, w: -1 } }), /opts\.steps\.w/);
  await assert.rejects(mserGd(h, s, sym, SYS, { ...ok, rho: 0 }), /opts\.rho/);
  assert.throws(() => checkSystem('f', { ...SYS, streams: 3 }), /D_k must be ≤ R_r = 2; got 3/);
  assert.throws(() => checkSystem('f', { ...SYS, txRf: 3 }), /R_t must be ≥ K·D_k = 4/);
  disposeState(s);
  disposeSymbols(sym);
  tf.dispose([h.re, h.im]);
});

backendTest('Algorithm 1 with keepBest: per channel the recorded iterate of lowest objective (never above the start), the last iterate otherwise; no leaks', async () => {
  const rng = new Rng('mser/gd-best');
  const b = 4;
  const h = clusteredChannel(rng.fork('h'), { batch: b, users: SYS.users, txAntennas: SYS.txAntennas, rxAntennas: SYS.rxAntennas, clusters: 2 }).h;
  const sym = sampleSymbols(rng.fork('s'), { streams: totalStreams(SYS), count: 64, modulation: 'qpsk' });
  const rho = Math.sqrt(noiseVarOf(SYS, 10) / 2);
  const init = randomInit(rng.fork('init'), b, SYS);
  const start = read(() => mserObjective(h, init, sym, { rho }));
  const before = tf.memory().numTensors;
  // a step so large that descent is erratic: the last iterate can be worse than the start
  const big = { v: 5, w: 5, thetaU: 5, thetaF: 5 };
  const last = await mserGd(h, init, sym, SYS, { steps: big, rho, iterations: 12, recordEvery: 3 });
  const best = await mserGd(h, init, sym, SYS, { steps: big, rho, iterations: 12, recordEvery: 3, keepBest: true });
  const oLast = read(() => mserObjective(h, last.state, sym, { rho })), oBest = read(() => mserObjective(h, best.state, sym, { rho }));
  oBest.forEach((o, i) => {
    assert.ok(o <= start[i] * (1 + 1e-5) + 1e-7, `#${i}: best ${o} above the start ${start[i]}`);
    assert.ok(o <= oLast[i] * (1 + 1e-5) + 1e-7, `#${i}: best ${o} above the last ${oLast[i]}`);
  });
  disposeState(last.state);
  disposeState(best.state);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  disposeState(init);
  disposeSymbols(sym);
  tf.dispose([h.re, h.im]);
});

backendTest('relative steps (normalisedSteps): every channel\'s block moves by μ of its own RMS (phases μ rad RMS), whatever the gradient scale', () => {
  const rng = new Rng('mser/gd-rel');
  const h = clusteredChannel(rng.fork('h'), { batch: 3, users: SYS.users, txAntennas: SYS.txAntennas, rxAntennas: SYS.rxAntennas, clusters: 2 }).h;
  const sym = sampleSymbols(rng.fork('s'), { streams: totalStreams(SYS), count: 64, modulation: 'qpsk' });
  const rho = Math.sqrt(noiseVarOf(SYS, 10) / 2);
  const s = randomInit(rng.fork('init'), 3, SYS);
  const before = tf.memory().numTensors;
  const mu = 0.01;
  const rmsPer = (t: () => tf.Tensor[]) => read(() => tf.sqrt(t().map((x) => tf.mean(tf.square(x), x.shape.slice(1).map((_, i) => i + 1))).reduce((a, b) => tf.add(a, b))));
  for (const block of ['v', 'w', 'thetaU', 'thetaF'] as const) {
    const grad = (st: HybridState, b: typeof block) => blockGradient(h, st, sym, { rho, block: b });
    const next = stepBlock(s, block, mu, grad, { normalised: true });
    const parts = (st: HybridState) => (block === 'v' || block === 'w' ? [st[block].re, st[block].im] : [st[block]]);
    const moved = rmsPer(() => parts(next).map((x, i) => tf.sub(x, parts(s)[i])));
    const size = block === 'v' || block === 'w' ? rmsPer(() => parts(s)) : new Float32Array(3).fill(1);
    moved.forEach((m, i) => assert.ok(Math.abs(m / (mu * size[i]) - 1) < 1e-3, `${block} #${i}: moved ${m}, want ${mu * size[i]}`));
    parts(next).forEach((x) => x.dispose());
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  disposeState(s);
  disposeSymbols(sym);
  tf.dispose([h.re, h.im]);
});
