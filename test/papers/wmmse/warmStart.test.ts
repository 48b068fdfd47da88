/**
 * Warm starts and what the notebook says about a run: a no-op layer or step computes exactly the
 * shorter network; training from a warm start never ends below it; the seed spread combines as
 * documented; monotonicity, the Fig. 5 prose and the equal-complexity verdict follow the numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../lib/core/random';
import { dropsBeyondError } from '../../../lib/kit/stats';
import { describeProgressive, equalComplexity, interpolateAt, monotoneViolations } from '../../../lib/papers/wmmse/analysis';
import { combineSeeds, Progressive, WsrVsLayers } from '../../../lib/papers/wmmse/experiments';
import { systemAtSnr } from '../../../lib/papers/wmmse/system';
import { disposeTestSet, evaluateUnfolded, makeTestSet, trainUnfolded, withNoOpLayer, withNoOpStep } from '../../../lib/papers/wmmse/training';
import { assertClose, backendTest } from '../../helpers';

const gamma3: number[][] = [[0.9, 0.4, 0.2, 0.1], [0.5, 0.3, 0.05, 0.02]];

backendTest('a no-op layer and a no-op step compute the network they extend (to float32 rounding)', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 4, antennas: 4 });
  const set = makeTestSet(new Rng('noop'), { count: 300, users: 4, antennas: 4 });
  try {
    const base = evaluateUnfolded(gamma3, { layers: 2, pgdSteps: 4, sameGamma: false }, sys, set.h);
    const layer = withNoOpLayer(gamma3);
    assert.deepEqual(layer.gamma[2], [0, 0, 0, 0]);
    assert.deepEqual(layer.scale![2], [0.5, 0.3, 0.05, 0.02], 'the new layer trains at the scale of the previous one');
    const deeper = evaluateUnfolded(layer.gamma, { layers: 3, pgdSteps: 4, sameGamma: false }, sys, set.h);
    // the same network up to float32 rounding (the no-op step re-projects V onto the power sphere it is on)
    assertClose(Array.from(deeper[2]), Array.from(base[1]), 2e-5, 'L = 3 with a no-op layer is the L = 2 network');
    const step = withNoOpStep(gamma3);
    assert.deepEqual(step.gamma.map((r) => r[4]), [0, 0]);
    assertClose(step.scale!.map((r) => r[4]), [0.3, 0.175], 1e-12, 'the new step trains at the median |γ| of its layer');
    const longer = evaluateUnfolded(step.gamma, { layers: 2, pgdSteps: 5, sameGamma: false }, sys, set.h);
    for (let l = 0; l < 2; l++) assertClose(Array.from(longer[l]), Array.from(base[l]), 2e-5, `K = 5 with a no-op step is the K = 4 network (layer ${l + 1})`);
    assert.throws(() => withNoOpLayer([]), /withNoOpLayer\(gamma\): needs at least one layer/);
  } finally {
    disposeTestSet(set);
  }
});

backendTest('training from a warm start never ends below where it started (the start is a validation candidate)', async () => {
  const sys = systemAtSnr({ snrDb: 20, users: 4, antennas: 4 });
  const shape = { layers: 3, pgdSteps: 4, sameGamma: false };
  const before = tf.memory().numTensors;
  // a deliberately destructive learning rate: without the start as a candidate this would end worse
  const t = await trainUnfolded(shape, sys, { steps: 60, batch: 50, learningRate: 3, validateEvery: 20, validationChannels: 400 }, new Rng('warm'), { warm: withNoOpLayer(gamma3) });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  const v = t.history.validation;
  assert.equal(v[0].epoch, -1, 'the start is validated first');
  assert.ok(t.history.bestValidation!.loss <= v[0].loss, 'the kept step sizes are at least as good as the start on validation');
  if (t.history.bestValidation!.epoch === -1) assert.deepEqual(t.gamma, withNoOpLayer(gamma3).gamma.map((r) => r.map(Math.fround)));
  await assert.rejects(trainUnfolded(shape, sys, { steps: 1, batch: 10, learningRate: 0.1 }, new Rng(1), { warm: { gamma: gamma3 } }), /trainUnfolded\(init\)\(gamma\): needs 3 rows/);
});

test('combineSeeds: mean over seeds, s.e. √(mean test s.e.² + sd²/n)', () => {
  const c = combineSeeds([0.1, 0.3, 0.2], [0.01, 0.03, 0.02]);
  assert.ok(Math.abs(c.mean - 0.2) < 1e-12);
  assert.ok(Math.abs(c.se - Math.sqrt(0.02 ** 2 + 0.01 / 3)) < 1e-12);
  assert.deepEqual(combineSeeds([0.5], [0.1]), { mean: 0.5, se: 0.1 });
  assert.throws(() => combineSeeds([1, 2], [0.1]), /one s\.e\. per seed mean/);
});

function layersFig(unfolded: number[], se = 0.01): WsrVsLayers {
  const n = unfolded.length;
  const z = Array(n).fill(0);
  return {
    snrDb: 10, L: unfolded.map((_, i) => i + 1), wmmse: unfolded.map((u) => u - 0.1), unfolded, sameGamma: unfolded.map((u) => u - 0.2),
    converged: 10, convergedIterations: 20, se: { wmmse: z.map(() => se), unfolded: z.map(() => se), sameGamma: z.map(() => se), converged: se },
    unfoldedMinusWmmse: z.map(() => ({ mean: 0.1, se })), unfoldedMinusSameGamma: z.map(() => ({ mean: 0.2, se })), sameGammaMinusWmmse: z.map(() => ({ mean: -0.1, se })),
    testChannels: 1000, nets: [],
  };
}

test('monotonicity: a drop beyond 2 s.e. is named, one within it is not; Fig. 5 is checked in L and in K', () => {
  assert.deepEqual(dropsBeyondError([1, 1.2, 1.19, 0.9], [0.01, 0.01, 0.01, 0.01]), [3]);
  const f5: Progressive = { snrDb: 20, L: [1, 2], wmmse: [1, 2], converged: 3, byK: { 4: [1, 2], 5: [1.1, 1.5] }, se: { 4: [0.01, 0.01], 5: [0.01, 0.01] }, finalMinusWmmse: [{ mean: 0.1, se: 0.01 }, { mean: -0.5, se: 0.01 }], nets: [] };
  assert.deepEqual(monotoneViolations({ fig2: layersFig([1, 2, 3]), fig4: layersFig([1, 2, 1.5]), fig5: f5 }), [
    'Fig. 4 WMMSE: 1.900 at L = 2 → 1.400 at L = 3',
    'Fig. 4 unfolded: 2.000 at L = 2 → 1.500 at L = 3',
    'Fig. 4 same γ: 1.800 at L = 2 → 1.300 at L = 3',
    'Fig. 5 L = 2: 2.000 at K = 4 → 1.500 at K = 5',
  ]);
  const text = describeProgressive(f5);
  assert.match(text, /Extending K = 4 → 5 changed the WSR by \+0\.10 \(L = 1\), -0\.50 \(L = 2\) bit\/s\/Hz\./);
  assert.match(text, /1 extension\(s\) ended significantly below their parent: L = 2, K = 4 → 5\./);
  assert.match(text, /above WMMSE truncated at the same L for L ∈ \{1\}, and below or level for L ∈ \{2\}/);
});

test('equal complexity: the classic curve interpolated at the unfolded cost decides who is ahead', () => {
  const f = layersFig([10, 11, 12]);
  f.wmmse = [9, 11.5, 11.8];
  const rows = [1, 2, 3].map((L) => ({ L, unfoldedFlops: 100 * L, classicFlops: 120 * L, unfoldedMs: 0.01 * L, classicMs: 0.005 * L, backend: 'cpu' }));
  const eq = equalComplexity(f, rows);
  assert.deepEqual(eq.unfolded.flops, [100, 200, 300]);
  assert.deepEqual(eq.classic.micros, [5, 10, 15]);
  // at 200 flops WMMSE is 9 + (80/120)·2.5 = 10.67 < 11; at 300 flops 11.5 + 0.5·0.3 = 11.65 < 12; 100 flops is below its range
  assert.equal(eq.verdict[0], 'At equal FLOPs (flops per channel), the unfolded WMMSE is ahead at L ∈ {2, 3} and behind at L ∈ {–}; at L ∈ {1} its cost is outside WMMSE\'s range (no comparison).');
  // at 10 µs WMMSE is 11.5 > 10 (L = 1); 20 and 30 µs are beyond its range
  assert.equal(eq.verdict[1], 'At equal measured time (µs per channel), the unfolded WMMSE is ahead at L ∈ {–} and behind at L ∈ {1}; at L ∈ {2, 3} its cost is outside WMMSE\'s range (no comparison).');
  // the gains behind the verdicts: 11 − 10.667 at L = 2, 12 − 11.65 at L = 3; time: 10 − 11.5 at L = 1
  assert.deepEqual(eq.gains.map((g) => g.L), [1, 2, 3]);
  assert.equal(eq.gains[0].atFlops, null);
  assert.ok(Math.abs(eq.gains[1].atFlops! - (11 - (9 + (80 / 120) * 2.5))) < 1e-12);
  assert.ok(Math.abs(eq.gains[2].atFlops! - (12 - 11.65)) < 1e-12);
  assert.ok(Math.abs(eq.gains[0].atTime! - (10 - 11.5)) < 1e-12);
  assert.deepEqual([eq.gains[1].atTime, eq.gains[2].atTime], [null, null]);
  assert.throws(() => equalComplexity(f, rows.slice(0, 2)), /no complexity row for L = 3/);
});

test('interpolateAt: the knots themselves, linear between them, undefined outside, any order of the knots', () => {
  assert.equal(interpolateAt([3, 1, 2], [30, 10, 20], 2), 20);
  assert.equal(interpolateAt([1, 2, 3], [10, 20, 40], 2.5), 30);
  assert.equal(interpolateAt([1, 2], [10, 20], 0.5), undefined);
  assert.equal(interpolateAt([1, 2], [10, 20], 2.5), undefined);
  assert.equal(interpolateAt([], [], 1), undefined);
});

backendTest("the 'same γ' network with a single step size (L = 1) trains (tfjs's unstack gradient fails on one element)", async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 4, antennas: 4 });
  const t = await trainUnfolded({ layers: 1, pgdSteps: 4, sameGamma: true }, sys, { steps: 3, batch: 10, learningRate: 0.01, validationChannels: 50 }, new Rng(3));
  assert.equal(t.gamma.length, 1);
  assert.equal(t.gamma[0].length, 1);
  assert.ok(Number.isFinite(t.gamma[0][0]));
});
