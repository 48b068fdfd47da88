import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as C from '../../lib/core/complex';
import { Rng } from '../../lib/core/random';
import { mrt, quantizedPrecode, zf } from '../../lib/phy/precoders';
import { lloydMax } from '../../lib/phy/quantizer';
import { radiationFromSignals, radiationPattern, sdr, toDb } from '../../lib/phy/radiation';
import { losResponse } from '../../lib/phy/channels';
import { backendTest, assertClose, arr } from '../helpers';

const deg = Math.PI / 180;

/** Local half-wavelength ULA steering rows a(φ)_m = exp(−jπ m cos φ), GNN eq. (10). → [nAngles, M]. */
function steering(anglesDeg: number[], m: number): C.Complex {
  const re: number[] = [], im: number[] = [];
  for (const a of anglesDeg) for (let i = 0; i < m; i++) {
    re.push(Math.cos(-Math.PI * i * Math.cos(a * deg)));
    im.push(Math.sin(-Math.PI * i * Math.cos(a * deg)));
  }
  return C.complexFromArrays(re, im, [anglesDeg.length, m]);
}

const grid = Array.from({ length: 181 }, (_, i) => i); // 0°..180°

backendTest('MRT to one LoS user: P_lin is the Fejér kernel (P/M)·sin²(Mπδ/2)/sin²(πδ/2), peak P·M at the user', async () => {
  const [m, P, user] = [16, 16, 110];
  const h = C.reshape(steering([user], m), [1, 1, m]);
  const w = mrt(h, { power: P });
  const p = radiationPattern(w, C.complex(tf.zeros([1, m, m])), steering(grid, m));
  const lin = arr(p.lin);
  const expected = grid.map((phi) => {
    const d = Math.cos(phi * deg) - Math.cos(user * deg);
    const den = Math.sin((Math.PI * d) / 2) ** 2;
    return den < 1e-12 ? P * m : ((P / m) * Math.sin((m * Math.PI * d) / 2) ** 2) / den;
  });
  assertClose(lin, expected, 1e-3 * P * m, 'P_lin(φ)');
  assertClose(lin[user], P * m, 1e-3 * P * m, 'peak value = P·M');
  assert.equal(lin.indexOf(Math.max(...lin)), user, 'peak at the user angle');
  assert.ok(arr(p.dist).every((v) => v === 0), 'no distortion');
});

backendTest('P_dist: white distortion C_q = σ² I radiates σ²·M in every direction', async () => {
  const [m, s2] = [8, 0.3];
  const cq = C.complex(tf.mul(tf.eye(m), s2).reshape([1, m, m]));
  const p = radiationPattern(C.complex(tf.zeros([1, m, 1])), cq, steering(grid, m));
  assertClose(arr(p.dist), new Float32Array(grid.length).fill(s2 * m), 1e-5, 'P_dist');
});

backendTest('power split: P_lin(φ) + P_dist(φ) = (1/T) Σ_t |a(φ) y_t|² when S Sᴴ = T I', async () => {
  const rng = new Rng(41);
  const [m, k, t] = [8, 2, 64];
  const h = rng.complexNormal([1, k, m]);
  const w = zf(h, { power: m });
  // symbols with orthogonal rows (T-point DFT rows), so q ⟂ s exactly with G = Y Sᴴ / T
  const re: number[] = [], im: number[] = [];
  for (let u = 0; u < k; u++) for (let n = 0; n < t; n++) {
    re.push(Math.cos((2 * Math.PI * (u + 3) * n) / t));
    im.push(Math.sin((2 * Math.PI * (u + 3) * n) / t));
  }
  const s = C.complexFromArrays(re, im, [1, k, t]);
  const y = quantizedPrecode(w, s, lloydMax(2, 0.5));
  const a = steering(grid, m);
  const p = radiationFromSignals(y, s, a);
  const total = arr(tf.mean(C.abs2(C.matmul(C.expandDims(a, 0), y)), -1)); // [1, nAngles]
  const sum = arr(tf.add(p.lin, p.dist));
  assertClose(sum, total, 1e-3 * Math.max(...total), 'P_lin + P_dist');
  assert.ok(arr(p.dist).some((v) => v > 1e-3 * Math.max(...total)), 'quantisation leaves distortion');
});

backendTest('1-bit MRT, LoS: SDR is uniform over angle at the pathological user angles 90° and 60°, not at 110° (GNN §III)', async () => {
  const [m, t] = [16, 4000];
  const a = steering(grid, m);
  const spread = (user: number): number => {
    const rng = new Rng(42 + user);
    const h = C.reshape(steering([user], m), [1, 1, m]);
    const w = mrt(h, { power: m });
    const s = rng.complexNormal([1, 1, t]);
    const y = quantizedPrecode(w, s, lloydMax(1, 0.5));
    const p = radiationFromSignals(y, s, a);
    const lin = arr(p.lin);
    const ratio = arr(toDb(sdr(p)));
    const top = Math.max(...lin);
    // compare only directions with non-negligible signal (avoid 0/0 at the nulls)
    const r = Array.from(ratio).filter((_, i) => lin[i] > 1e-2 * top);
    return Math.max(...r) - Math.min(...r);
  };
  assert.ok(spread(90) < 0.1, `90°: SDR spread ${spread(90)} dB`);
  assert.ok(spread(60) < 0.1, `60°: SDR spread ${spread(60)} dB`);
  assert.ok(spread(110) > 3, `110°: SDR spread ${spread(110)} dB should be large`);
});

backendTest('losResponse gives the eq. (10) steering rows used here; its errors name losResponse and the parameter', async () => {
  const angles = [0, 37, 90, 151];
  const ref = steering(angles, 8);
  for (const got of [losResponse(angles, 8), losResponse(tf.tensor1d(angles), 8)]) {
    assertClose(arr(got.re), arr(ref.re), 1e-5, 'Re');
    assertClose(arr(got.im), arr(ref.im), 1e-5, 'Im');
  }
  assert.throws(() => losResponse([0, NaN], 4), /losResponse: anglesDeg\[1\] \(degrees\) must be a finite number/);
  assert.throws(() => losResponse([0], 0), /losResponse: antennas \(M\) must be a positive integer/);
  assert.throws(() => losResponse([0], 4, -0.5), /losResponse: spacing \(wavelengths\) must be finite and > 0/);
});

backendTest('bad input: steering matrix with the wrong M, C_q with the wrong shape, im shapes', async () => {
  const g = C.complex(tf.zeros([1, 4, 1]));
  const cq = C.complex(tf.zeros([1, 4, 4]));
  assert.throws(() => radiationPattern(g, cq, steering([0, 90], 5)), /radiationPattern\(a\): steering matrix must be \[nAngles, 4\]/);
  assert.throws(() => radiationPattern(g, C.complex(tf.zeros([1, 4, 3])), steering([0], 4)), /radiationPattern\(cq\): must be \[1, 4, 4\]/);
  assert.throws(() => radiationFromSignals(C.complex(tf.zeros([4])), C.complex(tf.zeros([1, 3])), steering([0], 4)), /radiationFromSignals\(y\): must be \[\.\.\., M, T\]/);
  // imaginary parts are shape-checked too
  const a = steering([0, 90], 4);
  assert.throws(() => radiationPattern(g, cq, { re: a.re, im: tf.zeros([2, 3]) }), /radiationPattern\(a\): re shape \[2,4\] and im shape \[2,3\] must agree/);
  assert.throws(() => radiationPattern({ re: g.re, im: tf.zeros([1, 4]) }, cq, a), /radiationPattern\(g\): re shape/);
  assert.throws(() => radiationPattern(g, { re: cq.re, im: tf.zeros([1, 4, 3]) }, a), /radiationPattern\(cq\): re shape/);
  assert.throws(() => radiationPattern(C.complex(tf.zeros([4])), cq, a), /radiationPattern\(g\): must be \[\.\.\., M, K\]/);
  assert.throws(() => radiationPattern(C.complex(tf.zeros([2, 4, 1])), cq, a), /radiationPattern\(cq\): must be \[2, 4, 4\]/);
  const y = C.complex(tf.zeros([1, 4, 6]));
  assert.throws(() => radiationFromSignals(y, C.complex(tf.ones([1, 2, 5])), a), /radiationFromSignals\(s\): must be \[1, K, 6\]/);
  assert.throws(() => radiationFromSignals(y, C.complex(tf.ones([2, 2, 6])), a), /radiationFromSignals\(s\): must be \[1, K, 6\]/);
});
