/**
 * Conventional BLP baselines (lib/papers/slp/blp.ts): the SINR-constrained power minimisation of [40]
 * by uplink–downlink duality and the conservative robust variant. Float64 JavaScript, no tfjs: plain
 * `test`s. Checks closed forms (K = 1, orthogonal users, identical users), the fixed point and the
 * duality identity against an independent eigendecomposition, optimality against perturbations, ZF as
 * an upper bound, infeasibility flags, the worst-case guarantee of the robust variant, and the errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComplexBatchF64 } from '../../../lib/core/complexF64';
import { eighHermitian } from '../../../lib/core/linalg';
import { Rng } from '../../../lib/core/random';
import { blpPowerMin, blpRobustConservative, downlinkPowers, sinrOf, worstCaseSinrBound } from '../../../lib/papers/slp/blp';

/** i.i.d. CN(0, 1) channels [batch, K, M]. */
function rayleigh(rng: Rng, batch: number, k: number, m: number): ComplexBatchF64 {
  const n = batch * k * m;
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = rng.gauss() * Math.SQRT1_2;
    im[i] = rng.gauss() * Math.SQRT1_2;
  }
  return { batch, rows: k, cols: m, re, im };
}

/** ||row k of channel b||² */
function rowNorm2(h: ComplexBatchF64, b: number, k: number): number {
  let t = 0;
  for (let a = 0; a < h.cols; a++) {
    const i = (b * h.rows + k) * h.cols + a;
    t += h.re[i] * h.re[i] + h.im[i] * h.im[i];
  }
  return t;
}

/** Σ ||w||² of every precoder [batch, M, K], from the entries. */
function frob2(w: ComplexBatchF64): Float64Array {
  const out = new Float64Array(w.batch), n = w.rows * w.cols;
  for (let b = 0; b < w.batch; b++) for (let i = 0; i < n; i++) out[b] += w.re[b * n + i] ** 2 + w.im[b * n + i] ** 2;
  return out;
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

function assertAllFinite(what: string, ...xs: Float64Array[]): void {
  for (const x of xs) for (let i = 0; i < x.length; i++) assert.ok(!Number.isNaN(x[i]), `${what}: NaN at ${i}`);
}

/** One channel b of a batch as its own batch of 1. */
function pick(h: ComplexBatchF64, b: number): ComplexBatchF64 {
  const n = h.rows * h.cols;
  return { batch: 1, rows: h.rows, cols: h.cols, re: h.re.slice(b * n, (b + 1) * n), im: h.im.slice(b * n, (b + 1) * n) };
}

/**
 * h_kᴴ A⁻¹ h_k for every k with A = σ²I + Σ_j λ_j h_j h_jᴴ (h_j = conj of row j), through an
 * independent eigendecomposition A = V diag(μ) Vᴴ: h_kᴴA⁻¹h_k = Σ_i |v_iᴴ h_k|² / μ_i. Also returns
 * the direction A⁻¹h_k (for a parallelism check).
 */
function quadForms(h: ComplexBatchF64, b: number, lambda: Float64Array, noiseVar: number): { x: number[]; dirRe: number[][]; dirIm: number[][] } {
  const { rows: k, cols: m } = h;
  const a: ComplexBatchF64 = { batch: 1, rows: m, cols: m, re: new Float64Array(m * m), im: new Float64Array(m * m) };
  const H = (j: number, q: number): [number, number] => [h.re[(b * k + j) * m + q], h.im[(b * k + j) * m + q]];
  for (let p = 0; p < m; p++) {
    for (let q = 0; q < m; q++) {
      let re = p === q ? noiseVar : 0, im = 0;
      for (let j = 0; j < k; j++) {
        const [xr, xi] = H(j, p), [yr, yi] = H(j, q); // conj(H_jp) H_jq
        re += lambda[b * k + j] * (xr * yr + xi * yi);
        im += lambda[b * k + j] * (xr * yi - xi * yr);
      }
      a.re[p * m + q] = re;
      a.im[p * m + q] = im;
    }
  }
  const e = eighHermitian(a);
  const x: number[] = [], dirRe: number[][] = [], dirIm: number[][] = [];
  for (let u = 0; u < k; u++) {
    let t = 0;
    const dr = new Array<number>(m).fill(0), di = new Array<number>(m).fill(0);
    for (let i = 0; i < m; i++) {
      // c = v_iᴴ h_u = Σ_p conj(V_pi) conj(H_up)
      let cr = 0, ci = 0;
      for (let p = 0; p < m; p++) {
        const vr = e.vectorsRe[p * m + i], vi = e.vectorsIm[p * m + i];
        const [hr, hi] = H(u, p);
        cr += vr * hr - vi * hi;
        ci += -(vr * hi + vi * hr);
      }
      t += (cr * cr + ci * ci) / e.values[i];
      for (let p = 0; p < m; p++) {
        // (A⁻¹h_u)_p = Σ_i V_pi c_i / μ_i
        const vr = e.vectorsRe[p * m + i], vi = e.vectorsIm[p * m + i];
        dr[p] += (vr * cr - vi * ci) / e.values[i];
        di[p] += (vr * ci + vi * cr) / e.values[i];
      }
    }
    x.push(t);
    dirRe.push(dr);
    dirIm.push(di);
  }
  return { x, dirRe, dirIm };
}

/** Σ_k [(HHᴴ)⁻¹]_kk per channel, by eigendecomposition of HHᴴ. */
function traceInvGram(h: ComplexBatchF64): Float64Array {
  const { batch, rows: k, cols: m } = h;
  const g: ComplexBatchF64 = { batch, rows: k, cols: k, re: new Float64Array(batch * k * k), im: new Float64Array(batch * k * k) };
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) {
        let re = 0, im = 0;
        for (let a = 0; a < m; a++) {
          const xr = h.re[(b * k + p) * m + a], xi = h.im[(b * k + p) * m + a];
          const yr = h.re[(b * k + q) * m + a], yi = -h.im[(b * k + q) * m + a];
          re += xr * yr - xi * yi;
          im += xr * yi + xi * yr;
        }
        g.re[(b * k + p) * k + q] = re;
        g.im[(b * k + p) * k + q] = im;
      }
    }
  }
  const e = eighHermitian(g);
  const out = new Float64Array(batch);
  for (let b = 0; b < batch; b++) for (let i = 0; i < k; i++) out[b] += 1 / e.values[b * k + i];
  return out;
}

test('every SINR equals its target (1e-8) on Rayleigh channels, common and per-user targets, K ≤ M', () => {
  const rng = new Rng('blp/sinr');
  const cases: { k: number; m: number; sinr: number | Float64Array; noiseVar: number }[] = [
    { k: 4, m: 4, sinr: 1, noiseVar: 1 },
    { k: 4, m: 4, sinr: 10, noiseVar: 1 },
    { k: 4, m: 4, sinr: 100, noiseVar: 0.5 },
    { k: 4, m: 4, sinr: 1000, noiseVar: 1 },
    { k: 4, m: 6, sinr: Float64Array.from([1, 10, 100, 3]), noiseVar: 2 },
    { k: 1, m: 3, sinr: 5, noiseVar: 0.1 },
    { k: 8, m: 8, sinr: 31.6, noiseVar: 1 },
  ];
  for (const c of cases) {
    const h = rayleigh(rng, 50, c.k, c.m);
    const r = blpPowerMin(h, { sinr: c.sinr, noiseVar: c.noiseVar });
    const target = (u: number): number => (typeof c.sinr === 'number' ? c.sinr : c.sinr[u]);
    const direct = sinrOf(h, r.w, c.noiseVar);
    const p2 = frob2(r.w);
    assertAllFinite('blp', r.power, r.achievedSinr, r.lambda, r.userPower, r.relChange);
    for (let b = 0; b < h.batch; b++) {
      const tag = `K=${c.k} M=${c.m} Γ=${c.sinr} channel ${b}`;
      assert.equal(r.feasible[b], 1, `${tag}: feasible`);
      assert.equal(r.converged[b], 1, `${tag}: converged (relChange ${r.relChange[b]}, ${r.iterations[b]} iterations)`);
      assert.ok(r.iterations[b] <= 20, `${tag}: Newton iterations ${r.iterations[b]}`);
      for (let u = 0; u < c.k; u++) {
        assert.ok(relErr(direct[b * c.k + u], target(u)) < 1e-8, `${tag} user ${u}: SINR ${direct[b * c.k + u]} vs ${target(u)}`);
        assert.ok(relErr(r.achievedSinr[b * c.k + u], direct[b * c.k + u]) < 1e-12, `${tag}: achievedSinr = sinrOf`);
      }
      assert.ok(relErr(p2[b], r.power[b]) < 1e-12, `${tag}: power = Σ||w_k||²`);
    }
  }
});

test('fixed point and duality: λ solves (FP) and Σp = Σλ; w_k ∥ A⁻¹h_k (independent eigendecomposition)', () => {
  const rng = new Rng('blp/duality');
  for (const [k, m, gamma, noiseVar] of [[4, 4, 10, 1], [3, 5, 300, 0.2], [4, 4, 1000, 3], [5, 4, 0.3, 1]] as const) {
    const h = rayleigh(rng, 20, k, m);
    const r = blpPowerMin(h, { sinr: gamma, noiseVar });
    for (let b = 0; b < h.batch; b++) {
      const tag = `K=${k} M=${m} Γ=${gamma} σ²=${noiseVar} channel ${b}`;
      if (k > m && !r.feasible[b]) continue;
      assert.equal(r.feasible[b], 1, tag);
      let sumL = 0, sumP = 0;
      for (let u = 0; u < k; u++) { sumL += r.lambda[b * k + u]; sumP += r.userPower[b * k + u]; }
      assert.ok(relErr(sumP, sumL) < 1e-9, `${tag}: Σp ${sumP} vs Σλ ${sumL}`);
      const q = quadForms(h, b, r.lambda, noiseVar);
      for (let u = 0; u < k; u++) {
        // (FP) of [40] in the σ²-consistent scaling: λ_k (1 + 1/Γ) h_kᴴ A⁻¹ h_k = 1
        const lhs = r.lambda[b * k + u] * (1 + 1 / gamma) * q.x[u];
        assert.ok(Math.abs(lhs - 1) < 1e-8, `${tag} user ${u}: λ(1+1/Γ)hᴴA⁻¹h = ${lhs}`);
        // |<w_k, A⁻¹h_k>| = ||w_k|| ||A⁻¹h_k||
        let dr = 0, di = 0, nw = 0, nd = 0;
        for (let a = 0; a < m; a++) {
          const wr = r.w.re[(b * m + a) * k + u], wi = r.w.im[(b * m + a) * k + u];
          dr += wr * q.dirRe[u][a] + wi * q.dirIm[u][a];
          di += wr * q.dirIm[u][a] - wi * q.dirRe[u][a];
          nw += wr * wr + wi * wi;
          nd += q.dirRe[u][a] ** 2 + q.dirIm[u][a] ** 2;
        }
        const cos = Math.hypot(dr, di) / Math.sqrt(nw * nd);
        assert.ok(Math.abs(cos - 1) < 1e-9, `${tag} user ${u}: |cos(w_k, A⁻¹h_k)| = ${cos}`);
      }
    }
  }
});

test("'fixedPoint' (the iteration of [40]) reaches the same λ and power as 'newton'", () => {
  const h = rayleigh(new Rng('blp/methods'), 10, 4, 4);
  const a = blpPowerMin(h, { sinr: 3, noiseVar: 1 });
  const b = blpPowerMin(h, { sinr: 3, noiseVar: 1, method: 'fixedPoint', maxIter: 20000, tol: 1e-11 });
  for (let i = 0; i < h.batch; i++) {
    assert.equal(b.converged[i], 1, `channel ${i}: fixed point converged`);
    assert.ok(b.iterations[i] > a.iterations[i], `channel ${i}: fixed point is the slower (${b.iterations[i]} vs ${a.iterations[i]})`);
    assert.ok(relErr(b.power[i], a.power[i]) < 1e-8, `channel ${i}: power ${b.power[i]} vs ${a.power[i]}`);
    for (let u = 0; u < 4; u++) assert.ok(relErr(b.lambda[i * 4 + u], a.lambda[i * 4 + u]) < 1e-8, `channel ${i}: λ`);
  }
  // a capped fixed point reports its iterations and last relative change and is not "converged"
  const c = blpPowerMin(h, { sinr: 1000, noiseVar: 1, method: 'fixedPoint', maxIter: 5 });
  for (let i = 0; i < h.batch; i++) {
    assert.equal(c.iterations[i], 5);
    assert.equal(c.converged[i], 0);
    assert.ok(c.relChange[i] > 1e-12 && Number.isFinite(c.relChange[i]));
    // from λ = 0 the fifth iterate is still far below the fixed point: its near-matched-filter
    // directions cannot reach Γ = 1000, so no precoder is returned (flagged, not NaN)
    assert.equal(c.feasible[i], 0);
    assert.equal(c.power[i], Infinity);
  }
  assertAllFinite('capped', c.achievedSinr, c.lambda, c.relChange);
  // capped closer to the fixed point the directions do reach the targets, with more than the least power
  const d = blpPowerMin(h, { sinr: 3, noiseVar: 1, method: 'fixedPoint', maxIter: 30 });
  for (let i = 0; i < h.batch; i++) {
    assert.equal(d.converged[i], 0);
    assert.equal(d.feasible[i], 1);
    assert.ok(d.power[i] > a.power[i] * (1 + 1e-12), `channel ${i}: ${d.power[i]} vs ${a.power[i]}`);
  }
});

test('K = 1 closed form: power Γσ²/||h||² with the matched filter w ∝ h̄ᴴ', () => {
  const rng = new Rng('blp/k1');
  const h = rayleigh(rng, 30, 1, 4);
  for (const [gamma, noiseVar] of [[1, 1], [1000, 0.3], [0.01, 5]]) {
    const r = blpPowerMin(h, { sinr: gamma, noiseVar });
    for (let b = 0; b < h.batch; b++) {
      const g = rowNorm2(h, b, 0);
      assert.ok(relErr(r.power[b], (gamma * noiseVar) / g) < 1e-12, `channel ${b}: ${r.power[b]} vs ${(gamma * noiseVar) / g}`);
      // matched filter: |h̄ w|² = ||h||² ||w||²
      let dr = 0, di = 0;
      for (let a = 0; a < 4; a++) {
        const hr = h.re[b * 4 + a], hi = h.im[b * 4 + a], wr = r.w.re[b * 4 + a], wi = r.w.im[b * 4 + a];
        dr += hr * wr - hi * wi;
        di += hr * wi + hi * wr;
      }
      assert.ok(relErr(dr * dr + di * di, g * r.power[b]) < 1e-12, `channel ${b}: matched filter`);
    }
  }
});

test('K = 2 orthogonal users: power Σ_k Γ_k σ² / ||h_k||² (no interference to manage)', () => {
  const rng = new Rng('blp/orth');
  const h = rayleigh(rng, 20, 2, 4);
  for (let b = 0; b < h.batch; b++) {
    // h̄_2 ← h̄_2 − (h̄_2 h̄_1ᴴ / ||h̄_1||²) h̄_1 (Gram–Schmidt on the rows)
    const o1 = b * 8, o2 = b * 8 + 4;
    let cr = 0, ci = 0;
    for (let a = 0; a < 4; a++) {
      cr += h.re[o2 + a] * h.re[o1 + a] + h.im[o2 + a] * h.im[o1 + a];
      ci += h.im[o2 + a] * h.re[o1 + a] - h.re[o2 + a] * h.im[o1 + a];
    }
    const n1 = rowNorm2(h, b, 0);
    for (let a = 0; a < 4; a++) {
      const xr = h.re[o1 + a], xi = h.im[o1 + a];
      h.re[o2 + a] -= (cr * xr - ci * xi) / n1;
      h.im[o2 + a] -= (cr * xi + ci * xr) / n1;
    }
  }
  const sinr = Float64Array.from([30, 2]);
  const noiseVar = 0.7;
  const r = blpPowerMin(h, { sinr, noiseVar });
  for (let b = 0; b < h.batch; b++) {
    const want = (sinr[0] * noiseVar) / rowNorm2(h, b, 0) + (sinr[1] * noiseVar) / rowNorm2(h, b, 1);
    assert.ok(relErr(r.power[b], want) < 1e-10, `channel ${b}: ${r.power[b]} vs ${want}`);
  }
});

test('identical users: feasible iff Γ < 1, power 2Γσ²/(||h||²(1 − Γ)); Γ ≥ 1 flagged, no NaN', () => {
  const rng = new Rng('blp/identical');
  const one = rayleigh(rng, 1, 1, 3);
  const h: ComplexBatchF64 = { batch: 1, rows: 2, cols: 3, re: new Float64Array(6), im: new Float64Array(6) };
  for (let a = 0; a < 3; a++) { h.re[a] = h.re[3 + a] = one.re[a]; h.im[a] = h.im[3 + a] = one.im[a]; }
  const g = rowNorm2(h, 0, 0), noiseVar = 0.5;
  const ok = blpPowerMin(h, { sinr: 0.5, noiseVar });
  assert.equal(ok.feasible[0], 1);
  assert.ok(relErr(ok.power[0], (2 * 0.5 * noiseVar) / (g * 0.5)) < 1e-9, `power ${ok.power[0]}`);
  for (const gamma of [1, 2, 100]) {
    const bad = blpPowerMin(h, { sinr: gamma, noiseVar });
    assert.equal(bad.feasible[0], 0, `Γ=${gamma} flagged`);
    assert.equal(bad.power[0], Infinity);
    assert.ok(bad.w.re.every((v) => v === 0) && bad.w.im.every((v) => v === 0), 'zero precoder');
    assertAllFinite(`Γ=${gamma}`, bad.achievedSinr, bad.userPower, bad.lambda, bad.relChange);
    assert.ok(bad.iterations[0] >= 1 && bad.iterations[0] <= 1000);
  }
});

test('infeasible channels flagged per channel: K > M at high targets, a zero user; feasible neighbours unaffected', () => {
  const rng = new Rng('blp/infeasible');
  const h = rayleigh(rng, 12, 3, 2);
  // K = 3 > M = 2: interference-limited, Γ = 1000 is out of reach for every channel
  const hi = blpPowerMin(h, { sinr: 1000, noiseVar: 1 });
  assert.deepEqual(Array.from(hi.feasible), new Array(12).fill(0));
  assert.ok(Array.from(hi.power).every((p) => p === Infinity));
  assertAllFinite('K > M, Γ = 1000', hi.achievedSinr, hi.userPower, hi.lambda, hi.relChange);
  // low targets are reachable with K > M
  const lo = blpPowerMin(h, { sinr: 0.05, noiseVar: 1 });
  assert.deepEqual(Array.from(lo.feasible), new Array(12).fill(1));
  const direct = sinrOf(h, lo.w, 1);
  for (let i = 0; i < direct.length; i++) assert.ok(relErr(direct[i], 0.05) < 1e-8);
  // Γ/(1+Γ) summed over users must stay below M (Σ_k λ_k h_kᴴA⁻¹h_k = M − σ² tr A⁻¹): 3Γ/(1+Γ) < 2 ⇔ Γ < 2
  const edge = blpPowerMin(h, { sinr: 2, noiseVar: 1 });
  assert.deepEqual(Array.from(edge.feasible), new Array(12).fill(0));
  assert.deepEqual(Array.from(edge.iterations), new Array(12).fill(0), 'rejected before iterating');
  const below = blpPowerMin(h, { sinr: 1.5, noiseVar: 1 });
  assert.deepEqual(Array.from(below.feasible), new Array(12).fill(1));
  // a batch mixing outcomes (2 users, 2 antennas; even channels have identical users, infeasible at
  // Γ ≥ 1): each channel comes out as if alone
  const mixed = rayleigh(rng, 10, 2, 2);
  for (let b = 0; b < 10; b += 2) {
    mixed.re.copyWithin(b * 4 + 2, b * 4, b * 4 + 2);
    mixed.im.copyWithin(b * 4 + 2, b * 4, b * 4 + 2);
  }
  const mid = blpPowerMin(mixed, { sinr: 1.2, noiseVar: 1 });
  assert.deepEqual(Array.from(mid.feasible), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  for (let b = 0; b < 10; b++) {
    const alone = blpPowerMin(pick(mixed, b), { sinr: 1.2, noiseVar: 1 });
    assert.equal(alone.feasible[0], mid.feasible[b], `channel ${b}`);
    assert.equal(alone.power[0], mid.power[b], `channel ${b}`);
    if (mid.feasible[b]) for (let u = 0; u < 2; u++) assert.ok(relErr(mid.achievedSinr[b * 2 + u], 1.2) < 1e-8);
  }
  assertAllFinite('mixed', mid.achievedSinr, mid.userPower, mid.lambda, mid.relChange);
  // a user with a zero channel can reach no Γ > 0
  const z = rayleigh(rng, 2, 3, 4);
  z.re.fill(0, 4, 8);
  z.im.fill(0, 4, 8);
  const zr = blpPowerMin(z, { sinr: 1, noiseVar: 1 });
  assert.deepEqual(Array.from(zr.feasible), [0, 1]);
  assertAllFinite('zero user', zr.achievedSinr, zr.userPower, zr.lambda);
});

test('optimality: random perturbations of the beam directions, repriced by (DL), never use less power', () => {
  const rng = new Rng('blp/perturb');
  for (const [k, m, gamma] of [[4, 4, 10], [3, 4, 100], [2, 3, 1]] as const) {
    const h = rayleigh(rng, 8, k, m);
    const r = blpPowerMin(h, { sinr: gamma, noiseVar: 1 });
    let tried = 0, feasible = 0;
    for (const eps of [1e-4, 1e-2, 0.1, 1]) {
      const trials = 25;
      const d: ComplexBatchF64 = { batch: h.batch * trials, rows: m, cols: k, re: new Float64Array(h.batch * trials * m * k), im: new Float64Array(h.batch * trials * m * k) };
      const hh: ComplexBatchF64 = { batch: h.batch * trials, rows: k, cols: m, re: new Float64Array(h.batch * trials * k * m), im: new Float64Array(h.batch * trials * k * m) };
      for (let b = 0; b < h.batch; b++) {
        for (let t = 0; t < trials; t++) {
          const o = (b * trials + t) * m * k;
          for (let i = 0; i < m * k; i++) {
            // perturb w/||w|| columnwise (scale-free), then (DL) reprices the directions
            const col = i % k, pw = Math.sqrt(r.userPower[b * k + col]);
            d.re[o + i] = r.w.re[b * m * k + i] / pw + eps * rng.gauss();
            d.im[o + i] = r.w.im[b * m * k + i] / pw + eps * rng.gauss();
            hh.re[o + i] = h.re[b * k * m + i];
            hh.im[o + i] = h.im[b * k * m + i];
          }
        }
      }
      const p = downlinkPowers(hh, d, { sinr: gamma, noiseVar: 1 });
      // scale the directions by √p and check the repriced precoders meet the targets exactly
      const w: ComplexBatchF64 = { batch: d.batch, rows: m, cols: k, re: new Float64Array(d.re.length), im: new Float64Array(d.im.length) };
      for (let c = 0; c < d.batch; c++) {
        tried++;
        if (!p.feasible[c]) continue;
        feasible++;
        for (let u = 0; u < k; u++) {
          let nn = 0;
          for (let a = 0; a < m; a++) nn += d.re[(c * m + a) * k + u] ** 2 + d.im[(c * m + a) * k + u] ** 2;
          const sc = Math.sqrt(p.power[c * k + u] / nn);
          for (let a = 0; a < m; a++) {
            w.re[(c * m + a) * k + u] = sc * d.re[(c * m + a) * k + u];
            w.im[(c * m + a) * k + u] = sc * d.im[(c * m + a) * k + u];
          }
        }
      }
      const s = sinrOf(hh, w, 1);
      for (let c = 0; c < d.batch; c++) {
        if (!p.feasible[c]) continue;
        let total = 0;
        for (let u = 0; u < k; u++) {
          total += p.power[c * k + u];
          assert.ok(relErr(s[c * k + u], gamma) < 1e-8, `repriced SINR ${s[c * k + u]}`);
        }
        const opt = r.power[Math.floor(c / trials)];
        assert.ok(total >= opt * (1 - 1e-10), `K=${k} M=${m} ε=${eps}: perturbed ${total} < optimum ${opt}`);
      }
    }
    assert.ok(feasible > tried / 4, `K=${k} M=${m}: only ${feasible}/${tried} perturbations feasible`);
  }
});

test('power increases with Γ; ZF power σ²Γ·tr((HHᴴ)⁻¹) bounds it above and is approached at high Γ', () => {
  const rng = new Rng('blp/zf');
  const h = rayleigh(rng, 40, 4, 4);
  const tr = traceInvGram(h);
  const gammas = [0.1, 1, 3, 10, 100, 1000, 1e5];
  const noiseVar = 0.8;
  const runs = gammas.map((g) => blpPowerMin(h, { sinr: g, noiseVar }));
  for (let b = 0; b < h.batch; b++) {
    for (let i = 0; i < gammas.length; i++) {
      const zf = noiseVar * gammas[i] * tr[b];
      assert.ok(runs[i].power[b] <= zf * (1 + 1e-9), `channel ${b} Γ=${gammas[i]}: BLP ${runs[i].power[b]} > ZF ${zf}`);
      if (i > 0) assert.ok(runs[i].power[b] > runs[i - 1].power[b], `channel ${b}: power not increasing at Γ=${gammas[i]}`);
    }
    const ratio = runs[gammas.length - 1].power[b] / (noiseVar * 1e5 * tr[b]);
    assert.ok(ratio > 0.999, `channel ${b}: BLP/ZF at Γ = 1e5 is ${ratio}`);
  }
  // at low Γ BLP saves a lot over ZF on average
  let saving = 0;
  for (let b = 0; b < h.batch; b++) saving += runs[0].power[b] / (noiseVar * 0.1 * tr[b]);
  assert.ok(saving / h.batch < 0.8, `mean BLP/ZF at Γ = 0.1: ${saving / h.batch}`);
});

test('robust (conservative): meets the worst-case bound, survives sampled and adversarial errors', () => {
  const rng = new Rng('blp/robust');
  const h = rayleigh(rng, 30, 4, 4);
  const zeta = 0.05, gamma = 10, noiseVar = 1;
  const r = blpRobustConservative(h, { sinr: gamma, noiseVar, errorNormBound: zeta });
  const nominal = blpPowerMin(h, { sinr: gamma, noiseVar });
  const bound = worstCaseSinrBound(h, r.w, { noiseVar, errorNormBound: zeta });
  assertAllFinite('robust', r.worstCaseSinrBound, r.achievedSinr, r.userPower, r.lambda);
  let nFeasible = 0;
  for (let b = 0; b < h.batch; b++) {
    if (!r.feasible[b]) continue;
    nFeasible++;
    assert.ok(r.inflation[b] >= 1 && r.inflation[b] <= 1e6 * (1 + 1e-12), `inflation ${r.inflation[b]}`);
    assert.ok(r.power[b] >= nominal.power[b] * (1 - 1e-12), `channel ${b}: robust below nonrobust power`);
    let maxBound = 0;
    for (let u = 0; u < 4; u++) {
      const v = bound[b * 4 + u];
      maxBound = Math.max(maxBound, v);
      assert.ok(v >= gamma * (1 - 1e-9), `channel ${b} user ${u}: bound ${v}`);
      assert.ok(relErr(r.worstCaseSinrBound[b * 4 + u], v) < 1e-12);
      assert.ok(r.achievedSinr[b * 4 + u] >= v, 'nominal SINR ≥ worst-case bound');
    }
    // the powers are the least for the bound: every user's bound is tight
    for (let u = 0; u < 4; u++) assert.ok(relErr(bound[b * 4 + u], gamma) < 1e-8, `channel ${b} user ${u}: bound not tight`);
  }
  assert.ok(nFeasible >= 25, `${nFeasible}/30 feasible at ζ = ${zeta}, Γ = ${gamma}`);
  const pw = frob2(r.w);
  for (let b = 0; b < h.batch; b++) if (r.feasible[b]) assert.ok(relErr(pw[b], r.power[b]) < 1e-9);

  // true channels ĥ + e with ||e_k|| ≤ ζ: random errors on the sphere and inside, and for each user
  // the error that shrinks its signal most (e_k = −ζ·phase·w_kᴴ/||w_k||) — all keep SINR ≥ Γ
  const trials = 40;
  const ht: ComplexBatchF64 = { batch: h.batch * trials, rows: 4, cols: 4, re: new Float64Array(h.batch * trials * 16), im: new Float64Array(h.batch * trials * 16) };
  const wt: ComplexBatchF64 = { batch: h.batch * trials, rows: 4, cols: 4, re: new Float64Array(h.batch * trials * 16), im: new Float64Array(h.batch * trials * 16) };
  for (let b = 0; b < h.batch; b++) {
    for (let t = 0; t < trials; t++) {
      const o = (b * trials + t) * 16;
      wt.re.set(r.w.re.subarray(b * 16, b * 16 + 16), o);
      wt.im.set(r.w.im.subarray(b * 16, b * 16 + 16), o);
      for (let u = 0; u < 4; u++) {
        const er = new Array<number>(4), ei = new Array<number>(4);
        if (t % 2 === 0) {
          // adversarial: along conj(w_u) with the phase opposing ĥ_u w_u
          let sr = 0, si = 0, nw = 0;
          for (let a = 0; a < 4; a++) {
            const hr = h.re[(b * 4 + u) * 4 + a], hi = h.im[(b * 4 + u) * 4 + a];
            const wr = r.w.re[(b * 4 + a) * 4 + u], wi = r.w.im[(b * 4 + a) * 4 + u];
            sr += hr * wr - hi * wi;
            si += hr * wi + hi * wr;
            nw += wr * wr + wi * wi;
          }
          const sm = Math.hypot(sr, si), nn = Math.sqrt(nw);
          const scale = t === 0 ? 1 : rng.next(); // on the sphere, or inside
          for (let a = 0; a < 4; a++) {
            const wr = r.w.re[(b * 4 + a) * 4 + u], wi = r.w.im[(b * 4 + a) * 4 + u];
            // e_a = −ζ (s/|s|) conj(w_a)/||w||  ⇒  e·w = −ζ||w|| s/|s|
            const cr = wr / nn, ci = -wi / nn;
            er[a] = -scale * zeta * ((sr * cr - si * ci) / sm);
            ei[a] = -scale * zeta * ((sr * ci + si * cr) / sm);
          }
        } else {
          let nn = 0;
          for (let a = 0; a < 4; a++) { er[a] = rng.gauss(); ei[a] = rng.gauss(); nn += er[a] ** 2 + ei[a] ** 2; }
          const scale = (zeta * (t % 4 === 1 ? 1 : rng.next())) / Math.sqrt(nn);
          for (let a = 0; a < 4; a++) { er[a] *= scale; ei[a] *= scale; }
        }
        for (let a = 0; a < 4; a++) {
          ht.re[o + u * 4 + a] = h.re[(b * 4 + u) * 4 + a] + er[a];
          ht.im[o + u * 4 + a] = h.im[(b * 4 + u) * 4 + a] + ei[a];
        }
      }
    }
  }
  const s = sinrOf(ht, wt, noiseVar);
  for (let c = 0; c < ht.batch; c++) {
    if (!r.feasible[Math.floor(c / trials)]) continue;
    for (let u = 0; u < 4; u++) assert.ok(s[c * 4 + u] >= gamma * (1 - 1e-9), `trial ${c} user ${u}: SINR ${s[c * 4 + u]} < Γ`);
  }
  // whereas the nonrobust precoder fails under the adversarial error for some channel
  const wn: ComplexBatchF64 = { ...wt, re: new Float64Array(wt.re.length), im: new Float64Array(wt.im.length) };
  for (let b = 0; b < h.batch; b++) for (let t = 0; t < trials; t++) {
    wn.re.set(nominal.w.re.subarray(b * 16, b * 16 + 16), (b * trials + t) * 16);
    wn.im.set(nominal.w.im.subarray(b * 16, b * 16 + 16), (b * trials + t) * 16);
  }
  const sn = sinrOf(ht, wn, noiseVar);
  assert.ok(sn.some((v) => v < gamma * 0.99), 'the nonrobust BLP is not robust');
});

test('robust (conservative): ζ = 0 is the nonrobust BLP; power grows with ζ; large ζ is flagged', () => {
  const rng = new Rng('blp/robust-zeta');
  const h = rayleigh(rng, 20, 4, 4);
  const gamma = 31.6, noiseVar = 1;
  const nominal = blpPowerMin(h, { sinr: gamma, noiseVar });
  const r0 = blpRobustConservative(h, { sinr: gamma, noiseVar, errorNormBound: 0 });
  assert.deepEqual(Array.from(r0.feasible), Array.from(nominal.feasible));
  for (let b = 0; b < h.batch; b++) {
    assert.equal(r0.inflation[b], 1);
    assert.ok(relErr(r0.power[b], nominal.power[b]) < 1e-12, `channel ${b}: ${r0.power[b]} vs ${nominal.power[b]}`);
  }
  for (let i = 0; i < r0.w.re.length; i++) {
    assert.ok(Math.abs(r0.w.re[i] - nominal.w.re[i]) < 1e-12 && Math.abs(r0.w.im[i] - nominal.w.im[i]) < 1e-12, 'same precoder');
  }
  const zetas = [0, 0.003, 0.01, 0.03, 0.1];
  const runs = zetas.map((z) => blpRobustConservative(h, { sinr: gamma, noiseVar, errorNormBound: z }));
  let compared = 0;
  for (let b = 0; b < h.batch; b++) {
    for (let i = 1; i < zetas.length; i++) {
      if (!runs[i].feasible[b]) {
        // infeasible stays infeasible for larger ζ (the bound only gets worse)
        for (let j = i + 1; j < zetas.length; j++) assert.equal(runs[j].feasible[b], 0, `channel ${b}: feasible again at ζ=${zetas[j]}`);
        break;
      }
      compared++;
      assert.ok(runs[i].power[b] >= runs[i - 1].power[b] * (1 - 1e-9), `channel ${b}: power fell from ζ=${zetas[i - 1]} (${runs[i - 1].power[b]}) to ζ=${zetas[i]} (${runs[i].power[b]})`);
    }
  }
  assert.ok(compared >= 60, `${compared} comparisons`);
  // ζ larger than every gain: no precoder of the family can meet the bound
  const big = blpRobustConservative(h, { sinr: gamma, noiseVar, errorNormBound: 10 });
  assert.deepEqual(Array.from(big.feasible), new Array(20).fill(0));
  assert.ok(Array.from(big.power).every((p) => p === Infinity));
  assertAllFinite('ζ = 10', big.worstCaseSinrBound, big.achievedSinr, big.userPower);
  assert.ok(big.w.re.every((v) => v === 0));
});

test('bad arguments throw errors naming the parameter and the allowed range', () => {
  const h = rayleigh(new Rng('blp/args'), 2, 3, 4);
  const w: ComplexBatchF64 = { batch: 2, rows: 4, cols: 3, re: new Float64Array(24), im: new Float64Array(24) };
  assert.throws(() => blpPowerMin(h, { sinr: -1, noiseVar: 1 }), /blpPowerMin\(h, opts\): opts\.sinr must be finite and > 0; got -1/);
  assert.throws(() => blpPowerMin(h, { sinr: 0, noiseVar: 1 }), /opts\.sinr must be finite and > 0; got 0/);
  assert.throws(() => blpPowerMin(h, { sinr: NaN, noiseVar: 1 }), /opts\.sinr must be finite and > 0; got NaN/);
  assert.throws(() => blpPowerMin(h, { sinr: Float64Array.from([1, 2]), noiseVar: 1 }), /opts\.sinr must have one target per user \(length K=3\); got length 2/);
  assert.throws(() => blpPowerMin(h, { sinr: Float64Array.from([1, -2, 3]), noiseVar: 1 }), /opts\.sinr\[1\] must be finite and > 0; got -2/);
  assert.throws(() => blpPowerMin(h, { sinr: 1, noiseVar: 0 }), /opts\.noiseVar must be finite and > 0; got 0/);
  assert.throws(() => blpPowerMin(h, { sinr: 1, noiseVar: -2 }), /opts\.noiseVar must be finite and > 0; got -2/);
  assert.throws(() => blpPowerMin(h, { sinr: 1, noiseVar: 1, maxIter: 0 }), /opts\.maxIter must be a positive integer; got 0/);
  assert.throws(() => blpPowerMin(h, { sinr: 1, noiseVar: 1, tol: -1 }), /opts\.tol must be finite and >= 0; got -1/);
  assert.throws(() => blpPowerMin(h, { sinr: 1, noiseVar: 1, method: 'bisection' as 'newton' }), /opts\.method must be 'newton' or 'fixedPoint'; got bisection/);
  // shape mismatches
  assert.throws(() => blpPowerMin({ ...h, re: h.re.subarray(1) }, { sinr: 1, noiseVar: 1 }), /blpPowerMin\(h, opts\): h: expected 2·3·4 float64 values/);
  assert.throws(() => blpPowerMin({ ...h, rows: 0 }, { sinr: 1, noiseVar: 1 }), /h\.rows \(K users\) must be a positive integer; got 0/);
  assert.throws(() => sinrOf(h, { ...w, rows: 3, cols: 4 }, 1), /sinrOf\(h, w, noiseVar\): w must be \[batch, M, K\] = \[2, 4, 3\] to match h \[2, 3, 4\]; got \[2, 3, 4\]/);
  assert.throws(() => sinrOf(h, w, 0), /noiseVar must be finite and > 0; got 0/);
  assert.throws(() => downlinkPowers(h, { ...w, batch: 1, re: w.re.subarray(12), im: w.im.subarray(12) }, { sinr: 1, noiseVar: 1 }), /directions|w must be \[batch, M, K\]/);
  // robust
  assert.throws(() => blpRobustConservative(h, { sinr: 1, noiseVar: 1, errorNormBound: -0.1 }), /blpRobustConservative\(h, opts\): opts\.errorNormBound must be finite and >= 0; got -0\.1/);
  assert.throws(() => blpRobustConservative(h, { sinr: 1, noiseVar: 1, errorNormBound: 0.1, maxInflation: 0.5 }), /opts\.maxInflation must be finite and >= 1; got 0\.5/);
  assert.throws(() => blpRobustConservative(h, { sinr: -3, noiseVar: 1, errorNormBound: 0.1 }), /opts\.sinr must be finite and > 0; got -3/);
  assert.throws(() => worstCaseSinrBound(h, w, { noiseVar: 1, errorNormBound: NaN }), /opts\.errorNormBound must be finite and >= 0; got NaN/);
});

test('robust (conservative) with K > M: warm-started search, bound met where feasible, flags elsewhere', () => {
  const h = rayleigh(new Rng('blp/robust-kgm'), 10, 3, 2);
  const r = blpRobustConservative(h, { sinr: 0.3, noiseVar: 1, errorNormBound: 0.05 });
  const bound = worstCaseSinrBound(h, r.w, { noiseVar: 1, errorNormBound: 0.05 });
  assertAllFinite('K > M robust', r.worstCaseSinrBound, r.achievedSinr, r.userPower, r.lambda, bound);
  assert.ok(r.feasible.reduce((a, v) => a + v, 0) >= 5);
  for (let b = 0; b < 10; b++) {
    if (!r.feasible[b]) { assert.equal(r.power[b], Infinity); continue; }
    for (let u = 0; u < 3; u++) assert.ok(bound[b * 3 + u] >= 0.3 * (1 - 1e-9), `channel ${b} user ${u}: ${bound[b * 3 + u]}`);
  }
  // targets beyond the rank bound 3Γ/(1+Γ) < 2 are rejected for every channel
  const out = blpRobustConservative(h, { sinr: 2, noiseVar: 1, errorNormBound: 0.05 });
  assert.deepEqual(Array.from(out.feasible), new Array(10).fill(0));
});
