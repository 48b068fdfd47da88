import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { gdSerCurve } from '../../../lib/papers/mser/calibration';
import { axisLevels, disposeSymbols, sampleSymbols } from '../../../lib/papers/mser/symbols';
import { MserSystem } from '../../../lib/papers/mser/system';
import { setup } from '../../helpers';

test('sampleSymbols: the unnormalised alphabets (QPSK ±1 ± j, 16-QAM {±1, ±3}²) drawn uniformly, Sᴴ the adjoint of S, seeded; bad counts named', async () => {
  await setup();
  for (const modulation of ['qpsk', '16qam'] as const) {
    const lv = axisLevels(modulation);
    const s = sampleSymbols(new Rng(`sym/${modulation}`), { streams: 6, count: 4000, modulation });
    const re = s.s.re.arraySync() as number[][], im = s.s.im.arraySync() as number[][];
    const hre = s.sH.re.arraySync() as number[][], him = s.sH.im.arraySync() as number[][];
    const counts = new Map<number, number>();
    for (let d = 0; d < 6; d++) for (let j = 0; j < 4000; j++) {
      assert.ok(lv.includes(re[d][j]) && lv.includes(im[d][j]));
      assert.equal(hre[j][d], re[d][j]);
      assert.equal(him[j][d], -im[d][j]);
      counts.set(re[d][j], (counts.get(re[d][j]) ?? 0) + 1);
    }
    // each level has probability 1/|levels|: 24 000 draws, 5 standard deviations
    for (const l of lv) {
      const p = 1 / lv.length, n = 24000;
      assert.ok(Math.abs((counts.get(l) ?? 0) - n * p) < 5 * Math.sqrt(n * p * (1 - p)), `${modulation} level ${l}: ${counts.get(l)}`);
    }
    const again = sampleSymbols(new Rng(`sym/${modulation}`), { streams: 6, count: 4000, modulation });
    assert.deepEqual(again.s.re.dataSync(), s.s.re.dataSync());
    disposeSymbols(s);
    disposeSymbols(again);
  }
  assert.throws(() => sampleSymbols(new Rng(1), { streams: 0, count: 4, modulation: 'qpsk' }), /opts\.streams \(D\)/);
  assert.throws(() => sampleSymbols(new Rng(1), { streams: 2, count: 4, modulation: '8psk' as never }), /axisLevels\(mod\): one of qpsk, 16qam/);
});

test('gdSerCurve: one point per SNR, the step of the grid with the lowest mean exact SER, no tensors left behind', async () => {
  await setup();
  const sys: MserSystem = { txAntennas: 8, txRf: 2, users: 1, rxAntennas: 2, rxRf: 2, streams: 2, modulation: 'qpsk', power: 1 };
  const before = tf.memory().numTensors;
  const curve = await gdSerCurve({ sys, clusters: 2, snrDb: [0, 10], channels: 3, iterations: 3, symbols: 16, stepGrid: [0.001, 0.05], rng: new Rng('curve') });
  assert.deepEqual(curve.map((p) => p.snrDb), [0, 10]);
  for (const p of curve) {
    assert.equal(p.tried.length, 2);
    assert.equal(p.ser, Math.min(...p.tried.map((t) => t.ser)));
    assert.equal(p.step, p.tried.find((t) => t.ser === p.ser)!.step);
    assert.ok(p.ser >= 0 && p.ser <= 1);
  }
  assert.equal(tf.memory().numTensors, before);
});
