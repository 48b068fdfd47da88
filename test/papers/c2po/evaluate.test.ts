import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../../lib/core/complex';
import { Rng } from '../../../lib/core/random';
import { constellation, qamBerAwgnApprox } from '../../../lib/phy/constellation';
import { oppScale } from '../../../lib/phy/metrics';
import { c2po } from '../../../lib/papers/c2po/c2po';
import { berCurve, berOf, snrAt, transmitSignal } from '../../../lib/papers/c2po/evaluate';
import { c2poSystem, disposeProblem, prepareProblem, toColumns } from '../../../lib/papers/c2po/system';
import { disposeData, makeC2poData } from '../../../lib/papers/c2po/training';
import { precodingFactor } from '../../../lib/papers/c2po/unfolded';
import { arr, assertClose, backendTest } from '../../helpers';

const qam = constellation('16qam');

backendTest('BER of ZF on H = [I 0] equals the 16-QAM AWGN BER at Es/N0 = SNR/U (closed form, Monte-Carlo error allowed)', () => {
  const U = 4, B = 8, N = 2000;
  const sys = c2poSystem({ users: U, antennas: B });
  const rng = new Rng('awgn');
  const eye = tf.concat([tf.eye(U), tf.zeros([U, B - U])], 1);
  const h = { re: tf.tile(tf.expandDims(eye, 0), [N, 1, 1]), im: tf.zeros([N, U, B]) };
  const { indices, symbols } = qam.randomSymbols(rng.fork('s'), [N, U]);
  const data = { h, s: symbols, indices };
  const snrDb = [14, 17, 20]; // Es/N0 = 8, 11, 14 dB: where BER ≈ SER/log2 M (Gray) is accurate
  const curve = berOf(data, sys, { kind: 'zf' }, { snrDb, noiseDraws: 2, rng: rng.fork('n'), constellation: qam, power: 1 });
  assert.equal(curve.bits, N * U * 4 * 2);
  snrDb.forEach((snr, i) => {
    const p = qamBerAwgnApprox(16, snr - 10 * Math.log10(U)); // H W = √(P/U) I: per-user Es/N0 = SNR/U
    const se = Math.sqrt((p * (1 - p)) / curve.bits);
    assert.ok(Math.abs(curve.ber[i] - p) <= 4 * se + 0.1 * p, `SNR ${snr}: BER ${curve.ber[i]} vs closed form ${p}`);
    assert.ok(curve.low[i] <= curve.ber[i] && curve.ber[i] <= curve.high[i]);
  });
  const at = snrAt(curve, 0.05);
  assert.ok(at.snrDb !== undefined && at.snrDb > 14 && at.snrDb < 17, `SNR at 5e-2: ${at.snrDb}`);
  C.dispose(h, symbols);
  tf.dispose([eye, indices]);
});

backendTest('transmit signals: ZF has Tr(WWᴴ) = P on average, 1-bit ZF and C2PO lie in X^B with ‖x‖² = P, C2PO equals c2po()', () => {
  const U = 3, B = 16, N = 50;
  const sys = c2poSystem({ users: U, antennas: B });
  const d = makeC2poData(new Rng('tx'), sys, { count: N });
  const data = { h: d.h, s: d.s, indices: d.indices as tf.Tensor };
  const q = transmitSignal(data, sys, { kind: 'zf-1bit' });
  for (const v of [...arr(q.re), ...arr(q.im)]) assertClose([Math.abs(v)], [sys.xi], 1e-6, 'on ±ξ');
  const z = transmitSignal(data, sys, { kind: 'zf' });
  const hz = C.matmul(d.h, C.expandDims(z, -1)); // H x = c s
  const beta = oppScale(hz, C.expandDims(d.s, -1));
  assertClose(arr(C.mul(beta, hz).re), arr(C.expandDims(d.s, -1).re), 1e-3, 'β̂ H x = s for ZF');
  const tx = transmitSignal(data, sys, { kind: 'c2po', iterations: 2, tau: [0.01, 0.02], rho: [1.1, 1.2] });
  const ref = c2po(d.h, d.s, sys, { iterations: 2, tau: [0.01, 0.02], rho: [1.1, 1.2] });
  assert.deepEqual(arr(tx.re), arr(ref.xq.re));
  const power = arr(tf.sum(tf.add(tf.square(tx.re), tf.square(tx.im)), -1));
  power.forEach((p) => assertClose([p], [1], 1e-5, '‖x_Q‖² = P'));
  assert.throws(() => transmitSignal(data, sys, { kind: 'mmse' } as never), /must be 'zf', 'zf-1bit' or 'c2po'/);
  C.dispose(q, z, hz, beta, tx, ref.x, ref.xq);
  disposeData(d);
});

backendTest('precodingFactor (real embedding) equals phy/metrics oppScale: β̂ = ‖s‖²/(sᴴ H x) of (7)', () => {
  const U = 3, B = 10, N = 6;
  const sys = c2poSystem({ users: U, antennas: B });
  const d = makeC2poData(new Rng('beta'), sys, { count: N });
  const x = new Rng('x').complexNormal([N, B]);
  const p = prepareProblem(d.h, d.s, sys);
  const mine = precodingFactor(p, toColumns(p, x));
  const ref = oppScale(C.matmul(d.h, C.expandDims(x, -1)), C.expandDims(d.s, -1));
  assertClose(arr(mine.re), arr(ref.re), 1e-4, 'Re β̂');
  assertClose(arr(mine.im), arr(ref.im), 1e-4, 'Im β̂');
  disposeProblem(p);
  disposeData(d);
});

backendTest('BER curves are paired (same rng, same noise), reproducible, leak nothing, and reject bad input by name', () => {
  const U = 2, B = 8, N = 40;
  const sys = c2poSystem({ users: U, antennas: B });
  const d = makeC2poData(new Rng('pair'), sys, { count: N });
  const data = { h: d.h, s: d.s, indices: d.indices as tf.Tensor };
  const opts = { snrDb: [0, 10], noiseDraws: 2, rng: new Rng('noise'), constellation: qam, power: 1 };
  const before = tf.memory().numTensors;
  const a = berOf(data, sys, { kind: 'zf-1bit' }, opts);
  const b = berOf(data, sys, { kind: 'zf-1bit' }, opts);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  assert.deepEqual(a, b);
  const x = transmitSignal(data, sys, { kind: 'zf' });
  assert.throws(() => berCurve(data, x, { ...opts, snrDb: [10, 0] }), /berCurve\(opts.snrDb\): must be strictly increasing/);
  assert.throws(() => berCurve(data, x, { ...opts, noiseDraws: 0 }), /opts.noiseDraws/);
  assert.throws(() => berCurve(data, x, { ...opts, power: -1 }), /opts.power \(P\)/);
  assert.throws(() => berCurve(data, C.slice(x, [0, 0], [N, 4]), opts), /berCurve\(x\): must be \[N, B\] = \[40, 8\]/);
  C.dispose(x);
  disposeData(d);
});
