import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { clusteredChannel } from '../../../lib/phy/channels';
import { blockGradient, MSER_BLOCKS } from '../../../lib/papers/mser/gradients';
import { alignmentInit } from '../../../lib/papers/mser/init';
import { disposeSymbols, sampleSymbols } from '../../../lib/papers/mser/symbols';
import { MserSystem, noiseVarOf } from '../../../lib/papers/mser/system';
import { disposeState } from '../../../lib/papers/mser/transceiver';
import { relativeSteps, tuneSteps } from '../../../lib/papers/mser/tune';
import { backendTest, valuesOf as read } from '../../helpers';

test('tuneSteps: best common μ of the grid, then per-block factors; every try recorded; non-finite scores never win; bad grids named', async () => {
  // separable score with its minimum at v = 0.1, w = 0.01, θ_U = 0.3, θ_F = 0.03 (in log10)
  const target = { v: 0.1, w: 0.01, thetaU: 0.3, thetaF: 0.03 };
  const score = (s: typeof target) => (Object.keys(target) as (keyof typeof target)[]).reduce((a, k) => a + Math.log10(s[k] / target[k]) ** 2, 0);
  const r = await tuneSteps(score, { grid: [0.001, 0.01, 0.1, 1], factors: [1 / 3, 3] });
  assert.equal(r.tried.length, 4 + 4 * 2);
  // the common μ minimising Σ(log μ − log target)² on the grid is 0.1 (mean log10 target ≈ −1.4 → 0.01 or 0.1)
  const common = r.tried.slice(0, 4).reduce((a, b) => (b.score < a.score ? b : a));
  assert.ok(r.score <= common.score && r.score < score({ v: 0.1, w: 0.1, thetaU: 0.1, thetaF: 0.1 }));
  assert.ok(r.steps.w < r.steps.thetaU, `per-block refinement moved w down and θ_U up: ${JSON.stringify(r.steps)}`);
  assert.equal(r.score, Math.min(...r.tried.map((t) => t.score)));
  const nan = await tuneSteps((s) => (s.v > 0.05 ? NaN : 1 / s.v), { grid: [0.01, 0.1], factors: [2] });
  assert.equal(nan.steps.v, 0.02);
  await assert.rejects(tuneSteps(score, { grid: [] }), /opts\.grid/);
  await assert.rejects(tuneSteps(score, { grid: [0.1, -1] }), /opts\.grid\[1\]/);
});

backendTest('relativeSteps: the first step moves V and W by η of their RMS and every phase by η radians RMS', () => {
  const sys: MserSystem = { txAntennas: 16, txRf: 4, users: 2, rxAntennas: 4, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };
  const rng = new Rng('mser/relsteps');
  const h = clusteredChannel(rng.fork('h'), { batch: 3, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2, raysPerCluster: 5 }).h;
  const s = alignmentInit(h, sys);
  const sym = sampleSymbols(rng.fork('s'), { streams: 4, count: 64, modulation: 'qpsk' });
  const rho = Math.sqrt(noiseVarOf(sys, 5) / 2), eta = 0.01;
  const before = tf.memory().numTensors;
  const st = relativeSteps(h, s, sym, { rho, eta });
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  const rms = (ts: tf.Tensor[]) => Math.sqrt(ts.reduce((a, t) => a + read(() => tf.mean(tf.square(t)))[0], 0));
  for (const b of MSER_BLOCKS) {
    const g = blockGradient(h, s, sym, { rho, block: b });
    const gs = g.block === 'v' || g.block === 'w' ? [g.g.re, g.g.im] : [g.g as tf.Tensor];
    const xs = b === 'v' ? [s.v.re, s.v.im] : b === 'w' ? [s.w.re, s.w.im] : [];
    const move = st[b] * rms(gs), want = eta * (xs.length ? rms(xs) : 1);
    assert.ok(Math.abs(move / want - 1) < 1e-4, `${b}: ${move} vs ${want}`);
    tf.dispose(gs);
    g.objective?.dispose();
  }
  assert.throws(() => relativeSteps(h, s, sym, { rho, eta: 0 }), /opts\.eta/);
  disposeState(s);
  disposeSymbols(sym);
  tf.dispose([h.re, h.im]);
});
