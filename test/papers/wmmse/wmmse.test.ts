import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { weightedSumRate } from '../../../lib/phy/metrics';
import { matchedFilterInit, systemAtSnr, weightsAndGains, wsr } from '../../../lib/papers/wmmse/system';
import { classicFlops, classicWmmse, jacobiFlops, wsrF64 } from '../../../lib/papers/wmmse/wmmse';
import { makeTestSet } from '../../../lib/papers/wmmse/training';
import { backendTest, assertClose, arr } from '../../helpers';

backendTest('WSR via w_i = 1 + SINR_i agrees with the phy metric and with the float64 one', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 4, antennas: 4, alpha: [1, 0.5, 2, 1] });
  const set = makeTestSet(new Rng(1), { count: 50, users: 4, antennas: 4 });
  const v = matchedFilterInit(set.h, sys.power);
  const ours = arr(wsr(set.h, v, sys));
  const phy = arr(weightedSumRate(set.h, v, sys.noiseVar, sys.alpha));
  assertClose(ours, phy, 1e-4, 'system.wsr vs phy.weightedSumRate');
  const f64 = wsrF64(set.f64, Float64Array.from(v.re.dataSync()), Float64Array.from(v.im.dataSync()), sys);
  assertClose(ours, f64, 1e-4, 'tfjs vs float64');
  // matched filter: v = a Hᴴ at full power
  assertClose(arr(C.frobNorm2(v)), new Float32Array(50).fill(sys.power), 1e-3 * sys.power, 'Tr(VVᴴ) = P');
});

backendTest('(5b) u_i is the MMSE receiver: it minimises the MSE e_i(u) of (10) for fixed V', async () => {
  const sys = systemAtSnr({ snrDb: 5, users: 3, antennas: 4 });
  const set = makeTestSet(new Rng(2), { count: 4, users: 3, antennas: 4 });
  const v = new Rng(3).complexNormal([4, 4, 3]);
  const { u } = weightsAndGains(set.h, v, sys.noiseVar);
  // e(u) = |u|² (Σ_j |g_ij|² + σ²) − 2 Re(u* g_ii) + 1 is minimised at u = g_ii/(Σ + σ²): ∂e/∂u* = 0
  const g = C.matmul(set.h, v);
  const total = tf.add(tf.sum(C.abs2(g), -1), sys.noiseVar);
  const d = C.diagPart(g);
  const e = (ur: tf.Tensor, ui: tf.Tensor) =>
    tf.sum(tf.add(tf.sub(tf.mul(tf.add(tf.square(ur), tf.square(ui)), total), tf.mul(2, tf.add(tf.mul(ur, d.re), tf.mul(ui, d.im)))), 1)) as tf.Scalar;
  const grads = tf.grads(e)([u.re, u.im]);
  assertClose(arr(grads[0]), new Float32Array(12), 1e-4, '∂e/∂Re u');
  assertClose(arr(grads[1]), new Float32Array(12), 1e-4, '∂e/∂Im u');
});

backendTest('classic WMMSE: power met to 1e-4, WSR never decreases, stops by the 1e-4 rule', async () => {
  for (const snr of [0, 10, 20]) {
    const sys = systemAtSnr({ snrDb: snr, users: 4, antennas: 4 });
    const set = makeTestSet(new Rng(`wm${snr}`), { count: 200, users: 4, antennas: 4 });
    const res = classicWmmse(set.f64, sys, { maxIter: 300 });
    assert.ok(res.maxPowerError <= 1e-4, `SNR ${snr}: power error ${res.maxPowerError}`);
    for (let b = 0; b < 200; b++) {
      let p = 0;
      for (let q = 0; q < 16; q++) p += res.vRe[b * 16 + q] ** 2 + res.vIm[b * 16 + q] ** 2;
      assert.ok(p <= sys.power * (1 + 1e-9), `SNR ${snr} channel ${b}: Tr(VVᴴ) = ${p} > P = ${sys.power}`);
      for (let l = 1; l < res.wsrTrace.length; l++) {
        assert.ok(res.wsrTrace[l][b] >= res.wsrTrace[l - 1][b] - 1e-9, `SNR ${snr} channel ${b}: WSR fell at iteration ${l}`);
      }
      // stopped when the last gain was ≤ 1e-4 (or hit the cap)
      const it = res.iterations[b];
      assert.ok(it === 300 || res.wsrTrace[it][b] - res.wsrTrace[it - 1][b] <= 1e-4, `channel ${b} stopped early`);
    }
  }
});

backendTest('classic WMMSE reaches the single-user optimum log2(1 + P‖h‖²/σ²) (MRT is optimal for N = 1)', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 1, antennas: 6 });
  const set = makeTestSet(new Rng(4), { count: 20, users: 1, antennas: 6 });
  const res = classicWmmse(set.f64, sys, { maxIter: 100, powerTol: 1e-12 });
  const final = res.wsrTrace[res.wsrTrace.length - 1];
  for (let b = 0; b < 20; b++) {
    let n2 = 0;
    for (let m = 0; m < 6; m++) n2 += set.f64.re[b * 6 + m] ** 2 + set.f64.im[b * 6 + m] ** 2;
    const opt = Math.log2(1 + (sys.power * n2) / sys.noiseVar);
    assert.ok(Math.abs(final[b] - opt) < 1e-9, `channel ${b}: ${final[b]} vs ${opt}`);
  }
});

backendTest('trace: false runs the same iterations without recording the WSR', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 4, antennas: 4 });
  const set = makeTestSet(new Rng(11), { count: 30, users: 4, antennas: 4 });
  const a = classicWmmse(set.f64, sys, { maxIter: 3, tol: 0 });
  const b = classicWmmse(set.f64, sys, { maxIter: 3, tol: 0, trace: false });
  assert.equal(b.wsrTrace.length, 1);
  assertClose(b.wsrTrace[0], a.wsrTrace[3], 0, 'final WSR identical');
  assertClose(b.vRe, a.vRe, 0);
  assert.throws(() => classicWmmse(set.f64, sys, { maxIter: 3, trace: false }), /trace\): false needs tol <= 0/);
});

backendTest('bad input is named', async () => {
  assert.throws(() => systemAtSnr({ snrDb: NaN, users: 4, antennas: 4 }), /systemAtSnr: snrDb must be a finite number/);
  assert.throws(() => systemAtSnr({ snrDb: 10, users: 4, antennas: 4, alpha: [1, 1] }), /needs 4 priorities/);
  const set = makeTestSet(new Rng(1), { count: 2, users: 4, antennas: 4 });
  assert.throws(() => classicWmmse(set.f64, systemAtSnr({ snrDb: 10, users: 3, antennas: 4 }), { maxIter: 2 }), /classicWmmse\(sys.alpha\): needs 4 priorities/);
  assert.throws(() => classicWmmse(set.f64, systemAtSnr({ snrDb: 10, users: 4, antennas: 4 }), { maxIter: 0 }), /maxIter must be a positive integer/);
});

backendTest('classic WMMSE reports its work; classicFlops counts the eigensolver with the measured sweeps', async () => {
  const sys = systemAtSnr({ snrDb: 10, users: 4, antennas: 4 });
  const set = makeTestSet(new Rng(12), { count: 500, users: 4, antennas: 4 });
  const res = classicWmmse(set.f64, sys, { maxIter: 3, tol: 0, trace: false });
  const work = res.work;
  assert.ok(work !== undefined && work.updates === 1500, `updates ${work?.updates}`);
  const sweeps = work.eigSweeps / work.updates, steps = work.bisectionSteps / work.updates;
  // the defaults of classicFlops are these means (M = N = 4, 10 dB)
  assert.ok(Math.abs(sweeps - 4.2) < 0.3 && Math.abs(steps - 31) < 4, `sweeps ${sweeps}, bisection steps ${steps}`);
  const flops = classicFlops({ antennas: 4, users: 4 });
  assert.ok(flops > jacobiFlops(4, 4.2) && jacobiFlops(4, 4.2) > 0.5 * flops, 'the eigensolver is most of an iteration');
  const rest = classicFlops({ antennas: 4, users: 4, eigSweeps: 0, bisectionSteps: 0 });
  assert.ok(Math.abs(rest + jacobiFlops(4, 4.2) - jacobiFlops(4, 0) + 31 * 22 - flops) <= 1, 'the parts add up');
});
