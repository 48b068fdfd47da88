/** The notebook's walkthrough cells compute what they claim: constraints to float32 precision, gradients equal to autodiff, KDE objective finite and tied to the exact SER. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { backpropAgreement, clearStartCache, constraintCheck, gradientAgreement, mserPreset, objectiveVsExact } from '../../../lib/papers/mser';
import { setup } from '../../helpers';

test('MSER walkthrough (quick): constraints hold on both starts, closed-form gradients equal autodiff, the KDE objective tracks the exact SER; no leaks', async () => {
  await setup();
  const p = mserPreset('quick');
  const before = tf.memory().numTensors;
  for (const r of constraintCheck(p, { snrDb: 15, channels: 3 })) {
    assert.ok(r.unitModulusError < 1e-5 && r.powerError < 1e-5 && r.combinerError < 1e-5, JSON.stringify(r));
  }
  for (const g of gradientAgreement(p, { snrDb: 15, channels: 2, symbols: 32 })) assert.ok(g.relativeError < 1e-3 && g.norm > 0, `${g.block}: ${g.relativeError}`);
  const ove = objectiveVsExact(p, { snrDb: 5, channels: 4, symbols: 256 });
  // P̃ sums the per-axis error probabilities of every stream (a union bound); at 5 dB both are well above float32 noise
  for (const r of ove) assert.ok(Number.isFinite(r.objective) && r.objective >= r.exactSer * 0.5, JSON.stringify(r));
  clearStartCache();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

test('MSER walkthrough (quick): Appendices A–B on one layer — hand-derived gradients of α, O, ρ and the input equal autodiff; no leaks', async () => {
  await setup();
  const before = tf.memory().numTensors;
  const rows = backpropAgreement(mserPreset('quick'), { snrDb: 15, channels: 3, symbols: 64 });
  assert.equal(rows.length, 8, 'V and θ_F, four gradients each');
  for (const r of rows) assert.ok(r.relativeError < 1e-4, `${r.block} ${r.gradient}: relative error ${r.relativeError}`);
  assert.equal(tf.memory().numTensors, before);
});
