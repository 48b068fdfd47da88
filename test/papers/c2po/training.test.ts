import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { RecordingProgress } from '../../../lib/train/progress';
import { c2poSystem } from '../../../lib/papers/c2po/system';
import { disposeData, makeC2poData, trainC2po } from '../../../lib/papers/c2po/training';
import { backendTest } from '../../helpers';

const sys = c2poSystem({ users: 4, antennas: 16 });

backendTest('a short training run never ends worse on validation than its start (the original C2PO), leaks nothing', async () => {
  for (const variant of ['nno', 'tied'] as const) {
    const before = tf.memory().numTensors;
    const progress = new RecordingProgress();
    const r = await trainC2po(sys, { variant, iterations: 2, epochs: 30, learningRate: 1e-3, trainSamples: 64, validationSamples: 64, validateEvery: 5 }, new Rng(`t-${variant}`), { progress });
    assert.equal(tf.memory().numTensors, before, `${variant}: tensors left behind`);
    assert.equal(r.history.validation[0].epoch, -1, 'the start is validated');
    assert.ok(r.validation.end <= r.validation.start, `${variant}: validation ${r.validation.end} > start ${r.validation.start}`);
    assert.deepEqual(r.start, { tau: Array(variant === 'nno' ? 2 : 1).fill(2 ** -8), rho: Array(variant === 'nno' ? 2 : 1).fill(1.25) });
    assert.equal(r.values.tau.length, variant === 'nno' ? 2 : 1);
    assert.ok([...r.values.tau, ...r.values.rho].every(Number.isFinite));
    assert.equal(r.history.loss.length, 30, 'full batch: one Adam step per epoch');
    assert.ok(progress.events.some((e) => e.kind === 'end'));
  }
});

backendTest('training is reproducible from the seed and accepts fixed data (caller keeps ownership)', async () => {
  const settings = { variant: 'nno' as const, iterations: 2, epochs: 5, learningRate: 1e-3, trainSamples: 16, validationSamples: 16 };
  const a = await trainC2po(sys, settings, new Rng(9));
  const b = await trainC2po(sys, settings, new Rng(9));
  assert.deepEqual(a.values, b.values);
  const rng = new Rng(9);
  const data = { train: makeC2poData(rng.fork('train'), sys, { count: 16 }), validation: makeC2poData(rng.fork('validation'), sys, { count: 16 }) };
  const c = await trainC2po(sys, settings, new Rng('other'), { data });
  assert.deepEqual(c.values, a.values, 'the same data as drawn from rng 9 give the same result');
  assert.ok(data.train.h.re.size > 0, 'given data are not disposed');
  disposeData(data.train);
  disposeData(data.validation);
});
