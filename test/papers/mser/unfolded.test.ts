import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { clusteredChannel } from '../../../lib/phy/channels';
import { gdIteration } from '../../../lib/papers/mser/gd';
import { alignmentInit } from '../../../lib/papers/mser/init';
import { mserObjective } from '../../../lib/papers/mser/kde';
import { disposeSymbols, sampleSymbols } from '../../../lib/papers/mser/symbols';
import { MserSystem, noiseVarOf, symbolEnergy, totalStreams } from '../../../lib/papers/mser/system';
import { trainUnfolded } from '../../../lib/papers/mser/training';
import { combinerNoiseGain, disposeState, HybridState, precoderPower } from '../../../lib/papers/mser/transceiver';
import { buildUnfolded } from '../../../lib/papers/mser/unfolded';
import { backendTest, valuesOf as read } from '../../helpers';

const SYS: MserSystem = { txAntennas: 16, txRf: 4, users: 2, rxAntennas: 4, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => read(() => tf.max(tf.abs(tf.sub(a, b))))[0];

backendTest('unfolded network (27)–(30): untrained it is L iterations of Algorithm 1 (plain or relative steps); (26), |θ|-phases and the combiner normalisation hold after every layer', () => {
  const rng = new Rng('mser/unfolded');
  const h = clusteredChannel(rng.fork('h'), { batch: 3, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2 }).h;
  const sym = sampleSymbols(rng.fork('s'), { streams: totalStreams(SYS), count: 32, modulation: 'qpsk' });
  const rho = Math.sqrt(noiseVarOf(SYS, 10) / 2);
  const steps = { v: 0.01, w: 0.01, thetaU: 0.01, thetaF: 0.01 };
  const init = alignmentInit(h, SYS);
  const before = tf.memory().numTensors;
  for (const [L, normalisedSteps] of [[1, false], [3, false], [3, true]] as const) {
    const net = buildUnfolded(rng.fork(`net${L}`), { sys: SYS, layers: L, steps, rho, normalisedSteps });
    const out = tf.tidy(() => {
      const o = net.forward(h, init, sym);
      return [o.thetaF, o.v.re, o.v.im, o.thetaU, o.w.re, o.w.im];
    });
    let gd: HybridState = init;
    for (let l = 0; l < L; l++) {
      const next = gdIteration(h, gd, sym, SYS, { steps, rho, normalisedSteps });
      if (gd !== init) disposeState(gd);
      gd = next;
    }
    const ref = [gd.thetaF, gd.v.re, gd.v.im, gd.thetaU, gd.w.re, gd.w.im];
    ref.forEach((r, i) => assert.ok(maxDiff(out[i], r) < 1e-5, `L = ${L}${normalisedSteps ? ' (relative steps)' : ''}, tensor ${i}: ${maxDiff(out[i], r)}`));
    const st: HybridState = { thetaF: out[0], v: { re: out[1], im: out[2] }, thetaU: out[3], w: { re: out[4], im: out[5] } };
    read(() => precoderPower(st)).forEach((p) => assert.ok(Math.abs(p * symbolEnergy('qpsk') - 1) < 1e-5));
    read(() => combinerNoiseGain(st)).forEach((g) => assert.ok(Math.abs(g - 1) < 1e-5));
    disposeState(gd);
    tf.dispose(out);
    // parameters: per layer 4 blocks × (a, o, r) plus the imaginary a, o of V and W; the last layer has no θ_F ones
    const names = net.params.names();
    assert.equal(names.length, L * 16 - 3);
    net.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  disposeState(init);
  disposeSymbols(sym);
  tf.dispose([h.re, h.im]);
});

backendTest('unfolded network: every parameter gets a finite gradient from the loss (31); training never ends above its start', async () => {
  const rng = new Rng('mser/unfolded-train');
  const snrDb = 5;
  const trainH = clusteredChannel(rng.fork('train'), { batch: 12, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2 }).h;
  const valH = clusteredChannel(rng.fork('val'), { batch: 6, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2 }).h;
  const rho = Math.sqrt(noiseVarOf(SYS, snrDb) / 2);
  const net = buildUnfolded(rng.fork('net'), { sys: SYS, layers: 2, steps: { v: 0.02, w: 0.02, thetaU: 0.02, thetaF: 0.02 }, rho });
  const sym = sampleSymbols(rng.fork('s'), { streams: 4, count: 16, modulation: 'qpsk' });
  const init = alignmentInit(valH, SYS);
  const { grads } = tf.variableGrads(() => tf.mean(mserObjective(valH, net.forward(valH, init, sym), sym, { rho })) as tf.Scalar, net.trainable());
  const named = net.params.named();
  for (const [name, v] of Object.entries(named)) {
    const g = grads[v.name];
    assert.ok(g, `no gradient for ${name}`);
    const d = g.dataSync();
    assert.ok(d.every(Number.isFinite), `${name}: non-finite gradient`);
  }
  const nonzero = Object.values(grads).filter((g) => read(() => tf.max(tf.abs(g)))[0] > 0).length;
  assert.ok(nonzero > Object.keys(grads).length / 2, `${nonzero} of ${Object.keys(grads).length} gradients are non-zero`);
  tf.dispose(Object.values(grads));
  disposeState(init);
  disposeSymbols(sym);
  const before = tf.memory().numTensors;
  const r = await trainUnfolded(net, { trainH, valH }, { steps: 4, batchChannels: 4, symbols: 16, learningRate: 0.02, halveEvery: 10, optimizer: 'sgd', snrDb, validateEvery: 2 }, rng.fork('fit'));
  assert.ok(r.validation.end <= r.validation.start, `${r.validation.start} → ${r.validation.end}`);
  assert.equal(r.history.validation.length, 3);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks in training');
  net.dispose();
  tf.dispose([trainH.re, trainH.im, valH.re, valH.im]);
});
