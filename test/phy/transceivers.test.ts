import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComplexBatchF64 } from '../../lib/core/complexF64';
import { Rng } from '../../lib/core/random';
import { sumMseTransceiver } from '../../lib/phy/transceivers';

function rayleigh(rng: Rng, batch: number, rows: number, cols: number): ComplexBatchF64 {
  const n = batch * rows * cols;
  return { batch, rows, cols, re: rng.normalArray(n, Math.SQRT1_2), im: rng.normalArray(n, Math.SQRT1_2) };
}

test('sumMseTransceiver: scalar channel gives 1/(1 + |h|²P/σ²); MSE never rises; ‖V‖² = P; W is the MMSE receiver of V; bad input named', () => {
  // scalar: one user, one antenna each side, one stream
  const h1: ComplexBatchF64 = { batch: 3, rows: 1, cols: 1, re: Float64Array.from([1, 0.3, -2]), im: Float64Array.from([0.5, -0.4, 0]) };
  const r1 = sumMseTransceiver(h1, { users: 1, streams: 1, noiseVar: 0.2, power: 2, iterations: 5 });
  for (let b = 0; b < 3; b++) {
    const g = h1.re[b] ** 2 + h1.im[b] ** 2;
    const want = 1 / (1 + (g * 2) / 0.2);
    assert.ok(Math.abs(r1.mse[5][b] - want) < 1e-12, `scalar ${b}: ${r1.mse[5][b]} vs ${want}`);
  }
  // K = 2 users, N_r = 4, N_t = 8, D_k = 2 on Rayleigh channels
  const rng = new Rng('sum-mse');
  const K = 2, nr = 4, nt = 8, dk = 2, B = 5, P = 1, nv = 0.05;
  const h = rayleigh(rng, B * K, nr, nt);
  const r = sumMseTransceiver(h, { users: K, streams: dk, noiseVar: nv, power: P, iterations: 40 });
  for (let b = 0; b < B; b++) {
    for (let i = 1; i < r.mse.length; i++) assert.ok(r.mse[i][b] <= r.mse[i - 1][b] * (1 + 1e-9), `channel ${b}: MSE rose at ${i}: ${r.mse[i - 1][b]} → ${r.mse[i][b]}`);
    assert.ok(r.mse[40][b] < 0.7 * r.mse[0][b], `channel ${b}: ${r.mse[0][b]} → ${r.mse[40][b]}`);
    let p = 0;
    for (let i = 0; i < nt * K * dk; i++) p += r.v.re[b * nt * K * dk + i] ** 2 + r.v.im[b * nt * K * dk + i] ** 2;
    assert.ok(Math.abs(p - P) < 1e-12);
  }
  // W_k solves (H_k V Vᴴ H_kᴴ + σ²I) W_k = H_k V_k: check the residual on one user
  const D = K * dk, t = 3, b = 1, k = 1;
  const hv = (i: number, j: number): [number, number] => {
    let re = 0, im = 0;
    for (let a = 0; a < nt; a++) {
      const hr = h.re[(t * nr + i) * nt + a], hi = h.im[(t * nr + i) * nt + a], vr = r.v.re[(b * nt + a) * D + j], vi = r.v.im[(b * nt + a) * D + j];
      re += hr * vr - hi * vi;
      im += hr * vi + hi * vr;
    }
    return [re, im];
  };
  let worst = 0;
  for (let i = 0; i < nr; i++) for (let q = 0; q < dk; q++) {
    // (R W)_{iq} = Σ_m R_{im} W_{mq}, R = (HV)(HV)ᴴ + σ²I
    let re = 0, im = 0;
    for (let m = 0; m < nr; m++) {
      let rr = m === i ? nv : 0, ri = 0;
      for (let j = 0; j < D; j++) {
        const [ar, ai] = hv(i, j), [br, bi] = hv(m, j);
        rr += ar * br + ai * bi;
        ri += ai * br - ar * bi;
      }
      const wr = r.w.re[(t * nr + m) * dk + q], wi = r.w.im[(t * nr + m) * dk + q];
      re += rr * wr - ri * wi;
      im += rr * wi + ri * wr;
    }
    const [tr, ti] = hv(i, k * dk + q);
    worst = Math.max(worst, Math.hypot(re - tr, im - ti));
  }
  assert.ok(worst < 1e-10, `receiver residual ${worst}`);
  assert.throws(() => sumMseTransceiver(h, { users: 3, streams: 1, noiseVar: 1, power: 1 }), /batch must be B·K with K = 3/);
  assert.throws(() => sumMseTransceiver(h, { users: K, streams: 5, noiseVar: 1, power: 1 }), /D_k must be ≤ N_r = 4/);
  assert.throws(() => sumMseTransceiver(h, { users: K, streams: 2, noiseVar: 0, power: 1 }), /opts\.noiseVar/);
});
