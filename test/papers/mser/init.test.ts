import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { qfunc } from '../../../lib/core/special';
import { clusteredChannel } from '../../../lib/phy/channels';
import { exactSer } from '../../../lib/papers/mser/evaluate';
import { alignmentInit, randomInit } from '../../../lib/papers/mser/init';
import { MserSystem, noiseVarOf, PAPER_SYSTEM, symbolEnergy } from '../../../lib/papers/mser/system';
import { combinerNoiseGain, disposeState, precoderPower } from '../../../lib/papers/mser/transceiver';
import { backendTest, valuesOf as read } from '../../helpers';

backendTest('alignment start on a single-path channel: full array gain, SER = the QPSK AWGN closed form 2Q(x) − Q(x)², x = ‖H‖_F√(2P_T/E_s)/σ', () => {
  const sys: MserSystem = { txAntennas: 16, txRf: 1, users: 1, rxAntennas: 4, rxRf: 1, streams: 1, modulation: 'qpsk', power: 1 };
  const rng = new Rng('mser/align1');
  const ch = clusteredChannel(rng, { batch: 5, users: 1, txAntennas: 16, rxAntennas: 4, clusters: 1, raysPerCluster: 1 });
  const s = alignmentInit(ch.h, sys);
  const fro = read(() => tf.sqrt(tf.sum(tf.add(tf.square(ch.h.re), tf.square(ch.h.im)), [1, 2, 3])));
  for (const snr of [-25, -20, -15]) {
    const nv = noiseVarOf(sys, snr);
    const ser = exactSer(ch.h, s, sys, nv);
    fro.forEach((f, i) => {
      const x = (f * Math.sqrt((2 * sys.power) / symbolEnergy('qpsk'))) / Math.sqrt(nv);
      const want = 2 * qfunc(x) - qfunc(x) ** 2;
      assert.ok(want > 1e-12 && Math.abs(ser[i] / want - 1) < 1e-3, `${snr} dB, channel ${i}: ${ser[i]} vs ${want}`);
    });
  }
  disposeState(s);
  tf.dispose([ch.h.re, ch.h.im]);
});

backendTest('alignment and random starts meet (26) and the combiner normalisation; alignment beats random on the paper system', () => {
  const sys = PAPER_SYSTEM;
  const rng = new Rng('mser/align2');
  const h = clusteredChannel(rng.fork('h'), { batch: 4, users: sys.users, txAntennas: sys.txAntennas, rxAntennas: sys.rxAntennas, clusters: 3 }).h;
  const before = tf.memory().numTensors;
  const a = alignmentInit(h, sys), r = randomInit(rng.fork('r'), 4, sys);
  for (const s of [a, r]) {
    read(() => precoderPower(s)).forEach((p) => assert.ok(Math.abs(p * symbolEnergy('qpsk') - 1) < 1e-5));
    read(() => combinerNoiseGain(s)).forEach((g) => assert.ok(Math.abs(g - 1) < 1e-5));
  }
  const nv = noiseVarOf(sys, 10);
  const sa = exactSer(h, a, sys, nv), sr = exactSer(h, r, sys, nv);
  sa.forEach((v, i) => assert.ok(v < sr[i], `channel ${i}: alignment ${v} vs random ${sr[i]}`));
  disposeState(a);
  disposeState(r);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => alignmentInit(h, { ...sys, rxAntennas: 4, rxRf: 4 }), /alignmentInit\(h\): needs \[B, 2, 4, 64\]/);
  tf.dispose([h.re, h.im]);
});
