/** What the WMMSE notebook says about a run, computed by library functions (so tests and scripts say the same). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepestNet, describeSteps, stepSummary } from '../../../lib/papers/wmmse/analysis';
import type { TrainedNet } from '../../../lib/papers/wmmse/experiments';

const net = (layers: number, sameGamma = false): TrainedNet => ({
  snrDb: 20, layers, pgdSteps: 2, sameGamma, trainingChannels: 100,
  gamma: Array.from({ length: layers }, (_, l) => (sameGamma ? [1] : [l + 1, 0.5])),
});

test('step-size summary: largest step with its (layer, step), means per layer and overall', () => {
  const s = stepSummary({ ...net(2), gamma: [[1, 3], [0.5, 0.5]] });
  assert.deepEqual(s.largest, { layer: 1, step: 2, gamma: 3 });
  assert.deepEqual(s.meanPerLayer, [2, 0.5]);
  assert.equal(s.mean, 1.25);
  assert.equal(describeSteps({ ...net(2), gamma: [[1, 3], [0.5, 0.5]] }), '20 dB, L = 2: largest step γ_1^(2) = 3.00; mean step per layer 2.00, 0.50');
  assert.throws(() => stepSummary({ ...net(1), gamma: [] }), /has no step sizes/);
});

test('the deepest trained network of a figure, never a same-γ one', () => {
  assert.equal(deepestNet({ nets: [net(1), net(3, true), net(2)] }).layers, 2);
  assert.throws(() => deepestNet({ nets: [net(3, true)] }), /no trained \(non-same-γ\) network/);
});
