import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { clusteredChannel } from '../../../lib/phy/channels';
import { randomInit } from '../../../lib/papers/mser/init';
import { mmseGd, mmseScaledCombiners, mseObjective } from '../../../lib/papers/mser/mmse';
import { MserSystem, symbolEnergy } from '../../../lib/papers/mser/system';
import { combinerNoiseGain, disposeState, effectiveMatrix, precoderPower } from '../../../lib/papers/mser/transceiver';
import { backendTest, valuesOf as read } from '../../helpers';

const SYS: MserSystem = { txAntennas: 16, txRf: 4, users: 2, rxAntennas: 4, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };
backendTest('MSE objective: E_s‖M − I‖² + σ²Σ‖U_kᴴw_{i,k}‖² equals the average over all 4^D QPSK vectors of ‖(M − I)b‖² plus the noise power', () => {
  const rng = new Rng('mser/mse');
  const h = clusteredChannel(rng.fork('h'), { batch: 2, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2 }).h;
  const s = randomInit(rng.fork('init'), 2, SYS);
  const nv = 0.3;
  const got = read(() => mseObjective(h, s, SYS, nv));
  const m = effectiveMatrix(h, s);
  const mr = m.re.arraySync() as number[][][], mi = m.im.arraySync() as number[][][];
  const gain = read(() => combinerNoiseGain(s));
  const D = 4;
  for (let c = 0; c < 2; c++) {
    let acc = 0;
    for (let q = 0; q < 4 ** D; q++) {
      const b = Array.from({ length: D }, (_, d) => { const k = Math.floor(q / 4 ** d) % 4; return [k & 1 ? 1 : -1, k & 2 ? 1 : -1]; });
      for (let i = 0; i < D; i++) {
        let er = -b[i][0], ei = -b[i][1];
        for (let j = 0; j < D; j++) {
          er += mr[c][i][j] * b[j][0] - mi[c][i][j] * b[j][1];
          ei += mr[c][i][j] * b[j][1] + mi[c][i][j] * b[j][0];
        }
        acc += er * er + ei * ei;
      }
    }
    const noise = nv * gain.slice(c * D, (c + 1) * D).reduce((a, g) => a + g * g, 0);
    const want = acc / 4 ** D + noise;
    assert.ok(Math.abs(got[c] / want - 1) < 1e-5, `channel ${c}: ${got[c]} vs ${want}`);
  }
  tf.dispose([m.re, m.im, h.re, h.im]);
  disposeState(s);
});

backendTest('MMSE-based GD: the MSE falls, (26) holds, the combiners keep their scale (no normalisation), no leaks', async () => {
  const rng = new Rng('mser/mmse-gd');
  const h = clusteredChannel(rng.fork('h'), { batch: 3, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2 }).h;
  const init = randomInit(rng.fork('init'), 3, SYS);
  const before = tf.memory().numTensors;
  const r = await mmseGd(h, init, SYS, { steps: { v: 1e-3, w: 1e-3, thetaU: 1e-3, thetaF: 1e-3 }, iterations: 20, noiseVar: 0.1, recordEvery: 10 });
  assert.ok(r.history.objective[2] < r.history.objective[0], `MSE ${r.history.objective.join(' → ')}`);
  read(() => precoderPower(r.state)).forEach((p) => assert.ok(Math.abs(p * symbolEnergy('qpsk') - 1) < 1e-5));
  assert.ok(read(() => combinerNoiseGain(r.state)).some((g) => Math.abs(g - 1) > 1e-3), 'combiners rescaled by the MMSE descent');
  disposeState(r.state);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  await assert.rejects(mmseGd(h, init, SYS, { steps: { v: 0.01, w: 0.01, thetaU: 0.01, thetaF: 0.01 }, iterations: 2, noiseVar: 0 }), /opts\.noiseVar/);
  disposeState(init);
  tf.dispose([h.re, h.im]);
});

backendTest('MMSE-scaled combiners: the MSE falls to its minimum over each column\'s complex scale (any other scale is worse); each stream gain becomes real and positive', () => {
  const sys: MserSystem = { txAntennas: 16, txRf: 4, users: 2, rxAntennas: 4, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };
  const rng = new Rng('mser/mmse-scale');
  const h = clusteredChannel(rng.fork('h'), { batch: 3, users: 2, txAntennas: 16, rxAntennas: 4, clusters: 2 }).h;
  const s = randomInit(rng.fork('init'), 3, sys);
  const nv = 0.1;
  const before = tf.memory().numTensors;
  const sc = mmseScaledCombiners(h, s, sys, nv);
  const m0 = read(() => mseObjective(h, s, sys, nv)), m1 = read(() => mseObjective(h, sc, sys, nv));
  m1.forEach((x, i) => assert.ok(x <= m0[i] + 1e-6, `#${i}: ${x} > ${m0[i]}`));
  for (const f of [{ re: 1.1, im: 0 }, { re: 0.9, im: 0 }, { re: 1, im: 0.1 }]) {
    const [wr, wi] = tf.tidy(() => [tf.sub(tf.mul(sc.w.re, f.re), tf.mul(sc.w.im, f.im)), tf.add(tf.mul(sc.w.re, f.im), tf.mul(sc.w.im, f.re))]);
    const w = { re: wr, im: wi };
    const m2 = read(() => mseObjective(h, { ...sc, w }, sys, nv));
    m2.forEach((x, i) => assert.ok(x > m1[i], `scale ${JSON.stringify(f)} #${i}: ${x} ≤ ${m1[i]}`));
    tf.dispose([w.re, w.im]);
  }
  const d = read(() => { const m = effectiveMatrix(h, sc); return tf.stack([tf.sum(tf.mul(m.re, tf.eye(4)), 2), tf.sum(tf.mul(m.im, tf.eye(4)), 2)]); });
  for (let i = 0; i < 12; i++) { assert.ok(d[i] > 0); assert.ok(Math.abs(d[12 + i]) < 1e-5 * Math.max(1, d[i])); }
  disposeState(sc);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  disposeState(s);
  tf.dispose([h.re, h.im]);
});
