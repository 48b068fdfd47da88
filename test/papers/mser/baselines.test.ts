import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { qfunc } from '../../../lib/core/special';
import { clusteredChannel } from '../../../lib/phy/channels';
import { altMinDesign, exactSerFd, fdAsHybrid, fdMmseDesign, fullyDigitalSystem, ompDesign } from '../../../lib/papers/mser/baselines';
import { mserGd } from '../../../lib/papers/mser/gd';
import { disposeSymbols, sampleSymbols } from '../../../lib/papers/mser/symbols';
import { relativeSteps } from '../../../lib/papers/mser/tune';
import { exactSer } from '../../../lib/papers/mser/evaluate';
import { randomInit } from '../../../lib/papers/mser/init';
import { MserSystem, noiseVarOf, symbolEnergy } from '../../../lib/papers/mser/system';
import { combinerNoiseGain, disposeState, precoderPower } from '../../../lib/papers/mser/transceiver';
import { backendTest, valuesOf as read } from '../../helpers';

const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
backendTest('fully digital MMSE, one user, one receive antenna: maximum ratio transmission, SER = 2Q(x) − Q(x)², x = ‖h‖√(2P_T/E_s)/σ', () => {
  const sys: MserSystem = { txAntennas: 8, txRf: 1, users: 1, rxAntennas: 1, rxRf: 1, streams: 1, modulation: 'qpsk', power: 1 };
  const h = clusteredChannel(new Rng('fd-mrt'), { batch: 4, users: 1, txAntennas: 8, rxAntennas: 1, clusters: 2 }).h;
  const norms = read(() => tf.sqrt(tf.sum(tf.add(tf.square(h.re), tf.square(h.im)), [1, 2, 3])));
  for (const snr of [-10, -5]) {
    const nv = noiseVarOf(sys, snr);
    const ser = exactSerFd(h, fdMmseDesign(h, sys, nv), sys, nv);
    norms.forEach((n, i) => {
      const x = (n * Math.sqrt((2 * sys.power) / symbolEnergy('qpsk'))) / Math.sqrt(nv);
      const want = 2 * qfunc(x) - qfunc(x) ** 2;
      assert.ok(Math.abs(ser[i] / want - 1) < 1e-6, `${snr} dB #${i}: ${ser[i]} vs ${want}`);
    });
  }
  tf.dispose([h.re, h.im]);
});

backendTest('OMP and MO-AltMin hybrid designs: hybrid states meeting (26) and the combiner normalisation, better than a random start, no leaks', () => {
  const sys: MserSystem = { txAntennas: 16, txRf: 4, users: 2, rxAntennas: 4, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };
  const rng = new Rng('mser/baselines');
  const ch = clusteredChannel(rng.fork('h'), { batch: 6, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2, raysPerCluster: 5 });
  const nv = noiseVarOf(sys, 0);
  const before = tf.memory().numTensors;
  const fd = fdMmseDesign(ch.h, sys, nv);
  const designs = { omp: ompDesign(ch.h, ch, sys, nv, fd), altMin: altMinDesign(ch.h, sys, nv, rng.fork('mo'), fd) };
  const rand = randomInit(rng.fork('r'), 6, sys);
  const serRand = mean(exactSer(ch.h, rand, sys, nv));
  const serFd = mean(exactSerFd(ch.h, fd, sys, nv));
  for (const [name, s] of Object.entries(designs)) {
    read(() => precoderPower(s)).forEach((p) => assert.ok(Math.abs(p * symbolEnergy('qpsk') - 1) < 1e-5, `${name}: power ${p}`));
    read(() => combinerNoiseGain(s)).forEach((g) => assert.ok(Math.abs(g - 1) < 1e-5, `${name}: ‖Uᴴw‖ ${g}`));
    const ser = mean(exactSer(ch.h, s, sys, nv));
    assert.ok(Number.isFinite(ser) && ser < serRand, `${name}: SER ${ser} vs random ${serRand} (fully digital ${serFd})`);
    disposeState(s);
  }
  disposeState(rand);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  tf.dispose([ch.h.re, ch.h.im]);
});

backendTest('fully digital designs as hybrid states (DFT analog parts): the same exact SER as the fully digital evaluation; MSER GD with fixed phases lowers it', async () => {
  const sys: MserSystem = { txAntennas: 16, txRf: 4, users: 2, rxAntennas: 4, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };
  const rng = new Rng('mser/fd-hybrid');
  const ch = clusteredChannel(rng.fork('h'), { batch: 5, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2, raysPerCluster: 5 });
  const nv = noiseVarOf(sys, 5);
  const before = tf.memory().numTensors;
  const fd = fdMmseDesign(ch.h, sys, nv);
  const fds = fullyDigitalSystem(sys);
  assert.equal(fds.txRf, 16);
  assert.equal(fds.rxRf, 4);
  const s = fdAsHybrid(fd, sys);
  const a = exactSer(ch.h, s, fds, nv), b = exactSerFd(ch.h, fd, sys, nv);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= 1e-4 * b[i] + 1e-9, `#${i}: ${x} vs ${b[i]}`));
  read(() => precoderPower(s)).forEach((p) => assert.ok(Math.abs(p * symbolEnergy('qpsk') - 1) < 1e-5));
  const sym = sampleSymbols(rng.fork('s'), { streams: 4, count: 256, modulation: 'qpsk' });
  const rho = Math.sqrt(nv / 2);
  const steps = relativeSteps(ch.h, s, sym, { rho, eta: 0.003 });
  const r = await mserGd(ch.h, s, sym, fds, { steps: { ...steps, thetaU: 0, thetaF: 0 }, rho, iterations: 30, keepBest: true });
  read(() => tf.sub(r.state.thetaF, s.thetaF)).forEach((x) => assert.equal(x, 0));
  assert.ok(r.history.objective[r.history.objective.length - 1] < r.history.objective[0], `objective ${r.history.objective}`);
  assert.ok(mean(exactSer(ch.h, r.state, fds, nv)) < mean(a), 'MSER FD GD lowers the SER of the MMSE design');
  disposeState(s);
  disposeState(r.state);
  disposeSymbols(sym);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  tf.dispose([ch.h.re, ch.h.im]);
});
