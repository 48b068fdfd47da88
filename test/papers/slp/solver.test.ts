import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../lib/core/random';
import { constraintValues, fromDb, pskPhases, rayleighF64, scaleToFeasible, slpInstances, SlpInstances } from '../../../lib/papers/slp/problem';
import { dualValue, solveSlp, solveSlpRobust } from '../../../lib/papers/slp/solver';
import { rotatedReceived } from '../../../lib/papers/slp/experiments';
import { blpPowerMin } from '../../../lib/papers/slp/blp';

function instances(seed: number, count: number, K = 4, M = 4, sinr: number | Float64Array = fromDb(10)): SlpInstances {
  const rng = new Rng(seed);
  const h = rayleighF64(rng.fork('h'), { count, users: K, antennas: M });
  return slpInstances({ h, phase: pskPhases(rng.fork('s'), count * K), sinr, noiseVar: 1 });
}

/** Solve the n×n system S x = r by Gaussian elimination with partial pivoting (tests only). */
function solveLinear(S: number[][], r: number[]): number[] | undefined {
  const n = r.length;
  const m = S.map((row, i) => [...row, r[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > Math.abs(m[p][k])) p = i;
    if (Math.abs(m[p][k]) < 1e-12) return undefined;
    [m[k], m[p]] = [m[p], m[k]];
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = m[i][k] / m[k][k];
      for (let j = k; j <= n; j++) m[i][j] -= f * m[k][j];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * Brute force over active sets: for each subset S of constraints, the least-norm w with A_S w = c_S
 * is w = −½A_Sᵀμ_S, μ_S = −2(A_S A_Sᵀ)⁻¹c_S; keep it if μ_S ≥ 0 and A w ≤ c. The least power kept is
 * the optimum (KKT are sufficient for this convex QP).
 */
function bruteForce(inst: SlpInstances, b: number): number {
  const J = 2 * inst.users, N = 2 * inst.antennas;
  const row = (j: number) => Array.from({ length: N }, (_, i) => inst.a[(b * J + j) * N + i]);
  let best = Infinity;
  for (let mask = 1; mask < 1 << J; mask++) {
    const S = [...Array(J).keys()].filter((j) => mask & (1 << j));
    if (S.length > N) continue;
    const G = S.map((i) => S.map((j) => row(i).reduce((s, x, t) => s + x * row(j)[t], 0)));
    const mu = solveLinear(G, S.map((j) => -2 * inst.c[b * J + j]));
    if (!mu || mu.some((x) => x < -1e-9)) continue;
    const w = new Array<number>(N).fill(0);
    S.forEach((j, t) => row(j).forEach((x, i) => (w[i] -= 0.5 * mu[t] * x)));
    if (Math.max(...constraintValues(inst, b, w)) > 1e-9) continue;
    best = Math.min(best, w.reduce((s, x) => s + x * x, 0));
  }
  return best;
}

test('solveSlp: equals the brute-force active-set optimum (K = M = 3 and K = 2, M = 4), KKT residuals ≈ 0', () => {
  for (const [K, M] of [[3, 3], [2, 4]]) {
    const inst = instances(11 + K, 25, K, M, fromDb(12));
    const sol = solveSlp(inst);
    for (let b = 0; b < inst.batch; b++) {
      const ref = bruteForce(inst, b);
      assert.ok(Math.abs(sol.power[b] / ref - 1) < 1e-9, `K=${K} M=${M} #${b}: quadprog ${sol.power[b]} vs brute force ${ref}`);
    }
    assert.ok(sol.solved.every((x) => x === 1));
    for (const [k, v] of Object.entries(sol.worst)) assert.ok(v < 1e-9, `${k} residual ${v}`);
  }
});

test('solveSlp: strong duality g(μ*) = P*, and g(μ) ≤ P* for random μ ≥ 0 (weak duality)', () => {
  const inst = instances(3, 50);
  const sol = solveSlp(inst);
  const g = dualValue(inst, sol.multipliers);
  const rng = new Rng(9);
  const rand = Float64Array.from(sol.multipliers, (m) => m * 2 * rng.next() + rng.next() * 0.1);
  const gr = dualValue(inst, rand);
  for (let b = 0; b < inst.batch; b++) {
    assert.ok(Math.abs(g[b] / sol.power[b] - 1) < 1e-9, `#${b}: dual ${g[b]} vs primal ${sol.power[b]}`);
    assert.ok(gr[b] <= sol.power[b] * (1 + 1e-12));
  }
});

test('solveSlp: every received symbol lies in its constructive region with the target threshold (QPSK geometry)', () => {
  const K = 4, M = 4, gamma = fromDb(20);
  const rng = new Rng(5);
  const h = rayleighF64(rng.fork('h'), { count: 20, users: K, antennas: M });
  const phase = pskPhases(rng.fork('s'), 20 * K);
  const inst = slpInstances({ h, phase, sinr: gamma });
  const sol = solveSlp(inst);
  for (let b = 0; b < 20; b++) {
    for (let k = 0; k < K; k++) {
      // y_k = h_k x in the complex domain, rotated back by the symbol phase
      let yr = 0, yi = 0;
      for (let m = 0; m < M; m++) {
        const hr = h.re[(b * K + k) * M + m], hi = h.im[(b * K + k) * M + m];
        const xr = sol.w[b * 2 * M + m], xi = sol.w[b * 2 * M + M + m];
        yr += hr * xr - hi * xi;
        yi += hr * xi + hi * xr;
      }
      const ph = phase[b * K + k];
      const rr = yr * Math.cos(ph) + yi * Math.sin(ph), ri = yi * Math.cos(ph) - yr * Math.sin(ph);
      // QPSK, θ = π/4: |Im| ≤ Re − √Γ
      assert.ok(Math.abs(ri) <= rr - Math.sqrt(gamma) + 1e-9, `#${b} user ${k}: rotated ${rr}, ${ri}`);
    }
  }
});

test('solveSlp: power scales exactly with Γ (homogeneity), and scaleToFeasible of the optimum is the optimum', () => {
  const a = solveSlp(instances(4, 10, 4, 4, fromDb(5)));
  const b = solveSlp(instances(4, 10, 4, 4, fromDb(25)));
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(b.power[i] / a.power[i] / 100 - 1) < 1e-8);
  const inst = instances(4, 10, 4, 4, fromDb(25));
  const dir = b.w.map((x) => x * 7.5);
  const s = scaleToFeasible(inst, dir);
  assert.ok(s.feasible.every((x) => x === 1));
  for (let i = 0; i < s.w.length; i++) assert.ok(Math.abs(s.w[i] - b.w[i]) < 1e-9 * Math.max(1, Math.abs(b.w[i])));
});

test('solveSlpRobust: ζ = 0 is problem (2); equal thresholds use the closed form and match bisection; KKT of the SOCP ≈ 0', () => {
  const inst = instances(6, 20);
  const plain = solveSlp(inst);
  const zero = solveSlpRobust(inst, { errorBound: 0 });
  for (let b = 0; b < 20; b++) assert.ok(Math.abs(zero.power[b] / plain.power[b] - 1) < 1e-12);
  const zeta = Math.sqrt(2e-3);
  const closed = solveSlpRobust(inst, { errorBound: zeta });
  // the same instances with thresholds perturbed by 1e-15 relative take the bisection path
  const nudged: SlpInstances = { ...inst, c: inst.c.map((x, i) => x * (1 + (i % 2) * 1e-15)) };
  const bis = solveSlpRobust(nudged, { errorBound: zeta });
  for (let b = 0; b < 20; b++) {
    if (!closed.solved[b]) continue;
    assert.ok(closed.power[b] > plain.power[b]);
    assert.ok(Math.abs(bis.power[b] / closed.power[b] - 1) < 1e-9, `#${b}: bisection ${bis.power[b]} vs closed form ${closed.power[b]}`);
  }
  for (const [k, v] of Object.entries(closed.worst)) assert.ok(v < 1e-8, `closed form ${k} residual ${v}`);
  for (const [k, v] of Object.entries(bis.worst)) assert.ok(v < 1e-8, `bisection ${k} residual ${v}`);
});

test('solveSlpRobust: unequal thresholds (per-user Γ) — worst-case feasible, KKT ≈ 0, power increases with ζ', () => {
  const rng = new Rng(8);
  const sinr = Float64Array.from({ length: 20 * 4 }, () => fromDb(20 * rng.next()));
  const inst = instances(8, 20, 4, 4, sinr);
  let prev = solveSlp(inst).power;
  for (const z2 of [1e-4, 1e-3]) {
    const sol = solveSlpRobust(inst, { errorBound: Math.sqrt(z2) });
    for (let b = 0; b < 20; b++) if (sol.solved[b]) assert.ok(sol.power[b] >= prev[b] * (1 - 1e-12));
    for (const [k, v] of Object.entries(sol.worst)) assert.ok(v < 1e-7, `ζ²=${z2}: ${k} residual ${v}`);
    // the robust solution satisfies the worst case of random errors on the channel
    prev = sol.power;
  }
});

test('solveSlpRobust: a robust solution survives every sampled channel error within the bound', () => {
  const K = 4, M = 4, zeta = Math.sqrt(1e-3), gamma = fromDb(15);
  const rng = new Rng(21);
  const h = rayleighF64(rng.fork('h'), { count: 5, users: K, antennas: M });
  const phase = pskPhases(rng.fork('s'), 5 * K);
  const sol = solveSlpRobust(slpInstances({ h, phase, sinr: gamma }), { errorBound: zeta });
  const er = new Rng(22);
  for (let trial = 0; trial < 200; trial++) {
    const e = rayleighF64(er, { count: 5, users: K, antennas: M });
    // put each user's error on the sphere ‖e_k‖ = ζ (the worst cases are on it)
    for (let r = 0; r < 5 * K; r++) {
      let n = 0;
      for (let m = 0; m < M; m++) n += e.re[r * M + m] ** 2 + e.im[r * M + m] ** 2;
      for (let m = 0; m < M; m++) {
        e.re[r * M + m] = h.re[r * M + m] + (zeta * e.re[r * M + m]) / Math.sqrt(n);
        e.im[r * M + m] = h.im[r * M + m] + (zeta * e.im[r * M + m]) / Math.sqrt(n);
      }
    }
    const perturbed = slpInstances({ h: e, phase, sinr: gamma });
    for (let b = 0; b < 5; b++) assert.ok(Math.max(...constraintValues(perturbed, b, sol.w, b * 2 * M)) <= 1e-9);
  }
});

test('slpInstances / scaleToFeasible: bad input names the parameter', () => {
  const h = rayleighF64(new Rng(1), { count: 2, users: 2, antennas: 2 });
  assert.throws(() => slpInstances({ h, phase: new Float64Array(4), sinr: 1, pskOrder: 2 }), /pskOrder.*4, 8, 16/);
  assert.throws(() => slpInstances({ h, phase: new Float64Array(3), sinr: 1 }), /phase.*4/);
  assert.throws(() => slpInstances({ h, phase: new Float64Array(4), sinr: -1 }), /sinr/);
  assert.throws(() => slpInstances({ h, phase: new Float64Array(4), sinr: 1, noiseVar: 0 }), /noiseVar/);
  const inst = slpInstances({ h, phase: new Float64Array(4), sinr: 1 });
  assert.throws(() => scaleToFeasible(inst, new Float64Array(3)), /d.*8/);
  assert.throws(() => solveSlpRobust(inst, { errorBound: -1 }), /errorBound/);
});

test('rotatedReceived: the optimum\'s phase-aligned symbols equal h_k x e^{−jφ_k} and lie in the QPSK wedge', () => {
  const K = 3, M = 4, gamma = fromDb(8);
  const rng = new Rng(31);
  const h = rayleighF64(rng.fork('h'), { count: 6, users: K, antennas: M });
  const phase = pskPhases(rng.fork('s'), 6 * K);
  const inst = slpInstances({ h, phase, sinr: gamma });
  const sol = solveSlp(inst);
  const rx = rotatedReceived(inst, sol.w);
  for (let b = 0; b < 6; b++) for (let k = 0; k < K; k++) {
    let yr = 0, yi = 0;
    for (let m = 0; m < M; m++) {
      const hr = h.re[(b * K + k) * M + m], hi = h.im[(b * K + k) * M + m], xr = sol.w[b * 2 * M + m], xi = sol.w[b * 2 * M + M + m];
      yr += hr * xr - hi * xi;
      yi += hr * xi + hi * xr;
    }
    const ph = phase[b * K + k], i = b * K + k;
    assert.ok(Math.abs(rx.re[i] - (yr * Math.cos(ph) + yi * Math.sin(ph))) < 1e-9 && Math.abs(rx.im[i] - (yi * Math.cos(ph) - yr * Math.sin(ph))) < 1e-9);
    assert.ok(Math.abs(rx.threshold[i] - Math.sqrt(gamma)) < 1e-12);
    assert.ok(Math.abs(rx.im[i]) <= rx.re[i] - rx.threshold[i] + 1e-9);
  }
});

test('SLP (2) and BLP share one convention: with K = 1, and with orthogonal users, both need Σ_k Γσ²/‖h_k‖² at every SINR (0 dB included)', () => {
  const rng = new Rng('slp/vs-blp');
  for (const sinrDb of [-5, 0, 5, 30]) {
    const g = fromDb(sinrDb);
    // K = 1: the matched filter is optimal for both; SLP gains nothing without interference
    const h1 = rayleighF64(rng.fork(`k1/${sinrDb}`), { count: 20, users: 1, antennas: 4 });
    const s1 = solveSlp(slpInstances({ h: h1, phase: pskPhases(rng.fork(`s1/${sinrDb}`), 20), sinr: g, noiseVar: 0.5 }));
    const b1 = blpPowerMin(h1, { sinr: g, noiseVar: 0.5 });
    for (let b = 0; b < 20; b++) {
      let n2 = 0;
      for (let a = 0; a < 4; a++) n2 += h1.re[b * 4 + a] ** 2 + h1.im[b * 4 + a] ** 2;
      const closed = (g * 0.5) / n2;
      assert.ok(Math.abs(s1.power[b] / closed - 1) < 1e-9, `K=1 ${sinrDb} dB #${b}: SLP ${s1.power[b]} vs ${closed}`);
      assert.ok(Math.abs(b1.power[b] / closed - 1) < 1e-9, `K=1 ${sinrDb} dB #${b}: BLP ${b1.power[b]} vs ${closed}`);
    }
    // K = 2 users on orthogonal channels (h₂ ⟂ h₁): neither interference to exploit nor to suppress
    const h2 = rayleighF64(rng.fork(`k2/${sinrDb}`), { count: 10, users: 2, antennas: 4 });
    for (let b = 0; b < 10; b++) {
      const o = b * 8;
      // h₂ ← h₂ − (h₂h₁ᴴ/‖h₁‖²) h₁ (rows of H; the inner product of y = Hx)
      let n1 = 0, pr = 0, pi = 0;
      for (let a = 0; a < 4; a++) {
        const ar = h2.re[o + a], ai = h2.im[o + a], br = h2.re[o + 4 + a], bi = h2.im[o + 4 + a];
        n1 += ar * ar + ai * ai;
        pr += br * ar + bi * ai; // Re(h₂ h₁ᴴ)
        pi += bi * ar - br * ai; // Im(h₂ h₁ᴴ)
      }
      for (let a = 0; a < 4; a++) {
        const ar = h2.re[o + a], ai = h2.im[o + a];
        h2.re[o + 4 + a] -= (pr * ar - pi * ai) / n1;
        h2.im[o + 4 + a] -= (pr * ai + pi * ar) / n1;
      }
    }
    const s2 = solveSlp(slpInstances({ h: h2, phase: pskPhases(rng.fork(`s2/${sinrDb}`), 20), sinr: g, noiseVar: 1 }));
    const b2 = blpPowerMin(h2, { sinr: g, noiseVar: 1 });
    for (let b = 0; b < 10; b++) {
      let closed = 0;
      for (let k = 0; k < 2; k++) {
        let n2 = 0;
        for (let a = 0; a < 4; a++) n2 += h2.re[b * 8 + k * 4 + a] ** 2 + h2.im[b * 8 + k * 4 + a] ** 2;
        closed += g / n2;
      }
      assert.ok(Math.abs(s2.power[b] / closed - 1) < 1e-8, `K=2 ⟂ ${sinrDb} dB #${b}: SLP ${s2.power[b]} vs ${closed}`);
      assert.ok(Math.abs(b2.power[b] / closed - 1) < 1e-8, `K=2 ⟂ ${sinrDb} dB #${b}: BLP ${b2.power[b]} vs ${closed}`);
    }
  }
});
