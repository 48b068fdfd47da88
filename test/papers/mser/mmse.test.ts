import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { clusteredChannel } from '../../../lib/phy/channels';
import { randomInit } from '../../../lib/papers/mser/init';
import { mmseGd, mseObjective } from '../../../lib/papers/mser/mmse';
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
