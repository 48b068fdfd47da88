/**
 * MO-AltMin (lib/phy/hybrid/altMin.ts, Yu et al. 2016), float64: the objective never increases over
 * outer iterations; it reaches ≈ 0 when F_opt is itself a unit-modulus F_RF times some F_BB; |F_RF| = 1
 * and F_BB is the least-squares solution; it beats OMP on clustered channels (from a random start, and
 * never does worse from OMP's own F_RF, where its first objective equals OMP's residual²); seeded
 * runs repeat; the power scaling; argument errors naming the parameter and the allowed range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComplexBatchF64 } from '../../../lib/core/complexF64';
import { batchEntryF64, matmulF64 } from '../../../lib/core/linalgF64';
import { Rng } from '../../../lib/core/random';
import { altMinManifold, ompHybrid, steeringDictionary } from '../../../lib/phy/hybrid';
import { clusteredTargets } from './targets';

function randn(rng: Rng, batch: number, rows: number, cols: number): ComplexBatchF64 {
  const n = batch * rows * cols;
  return { batch, rows, cols, re: rng.normalArray(n), im: rng.normalArray(n) };
}

function unitModulus(rng: Rng, batch: number, rows: number, cols: number): ComplexBatchF64 {
  const ph = rng.uniformArray(batch * rows * cols, 0, 2 * Math.PI);
  return { batch, rows, cols, re: ph.map(Math.cos), im: ph.map(Math.sin) };
}

function frob2(a: ComplexBatchF64): number {
  let q = 0;
  for (let k = 0; k < a.re.length; k++) q += a.re[k] ** 2 + a.im[k] ** 2;
  return q;
}

function minus(a: ComplexBatchF64, b: ComplexBatchF64): ComplexBatchF64 {
  return { ...a, re: a.re.map((v, i) => v - b.re[i]), im: a.im.map((v, i) => v - b.im[i]) };
}

function assertNonIncreasing(hist: Float64Array, what: string): void {
  for (let i = 1; i < hist.length; i++) {
    assert.ok(hist[i] <= hist[i - 1] * (1 + 1e-12) + 1e-300, `${what}: objective rose at outer iteration ${i}: ${hist[i - 1]} → ${hist[i]}`);
  }
}


test('altMinManifold: reaches ≈ 0 when F_opt = F_RF⁰ F_BB⁰ with unit-modulus F_RF⁰ (R_t = N_s and R_t = 2N_s)', () => {
  const rng = new Rng('altmin-exact');
  for (const [nt, ns, rt] of [[16, 2, 2], [16, 2, 4]]) {
    const fOpt = matmulF64(unitModulus(rng, 4, nt, rt), randn(rng, 4, rt, ns));
    const out = altMinManifold(fOpt, { rfChains: rt, rng: rng.fork(`init-${rt}`), outerIterations: 300, innerIterations: 50, tol: 0 });
    for (let t = 0; t < 4; t++) {
      const h = out.objective[t];
      assertNonIncreasing(h, `R_t = ${rt}, matrix ${t}`);
      const rel = h[h.length - 1] / frob2(batchEntryF64(fOpt, t));
      assert.ok(rel < 1e-12, `R_t = ${rt}, matrix ${t}: relative objective ${rel} after ${out.iterations[t]} outer iterations (start ${h[0]})`);
      assert.ok(h[0] > 1e-3 * h[h.length - 1] + 1e-6, 'the random start was not already a solution');
    }
  }
});

test('altMinManifold: non-increasing objective, |F_RF| = 1, F_BB least squares, history and residual consistent', () => {
  const rng = new Rng('altmin-props');
  const nt = 32, ns = 3, rt = 5, batch = 4;
  const fOpt = randn(rng, batch, nt, ns);
  const out = altMinManifold(fOpt, { rfChains: rt, rng: rng.fork('init'), outerIterations: 15 });
  assert.deepEqual([out.fRf.rows, out.fRf.cols, out.fBb.rows, out.fBb.cols], [nt, rt, rt, ns]);
  for (let t = 0; t < batch; t++) {
    const h = out.objective[t];
    assert.equal(h.length, out.iterations[t] + 1);
    assertNonIncreasing(h, `matrix ${t}`);
    assert.ok(h[h.length - 1] < 0.9 * h[0], `matrix ${t}: the iterations lower the objective (${h[0]} → ${h[h.length - 1]})`);
    const rf = batchEntryF64(out.fRf, t);
    for (let k = 0; k < rf.re.length; k++) assert.ok(Math.abs(Math.hypot(rf.re[k], rf.im[k]) - 1) < 1e-12, '|F_RF| = 1');
    const res = minus(batchEntryF64(fOpt, t), matmulF64(rf, batchEntryF64(out.fBb, t)));
    assert.ok(Math.abs(frob2(res) - h[h.length - 1]) < 1e-12 * h[0], 'the last history entry is the returned objective');
    assert.ok(Math.abs(out.residualNorm[t] ** 2 - h[h.length - 1]) < 1e-12 * h[0]);
    // normal equations F_RFᴴ(F_opt − F_RF F_BB) = 0
    const ne = matmulF64(rf, res, { adjA: true });
    assert.ok(Math.sqrt(frob2(ne)) < 1e-10 * Math.sqrt(frob2(batchEntryF64(fOpt, t))), `matrix ${t}: normal equations ${Math.sqrt(frob2(ne))}`);
  }
  // the same seed repeats exactly; tol stops early
  const again = altMinManifold(fOpt, { rfChains: rt, rng: new Rng('altmin-props').fork('init'), outerIterations: 15 });
  assert.deepEqual(Array.from(again.fRf.re), Array.from(out.fRf.re));
  const loose = altMinManifold(fOpt, { rfChains: rt, rng: new Rng('altmin-props').fork('init'), outerIterations: 15, tol: 0.5 });
  assert.ok(Array.from(loose.iterations).every((it, t) => it < out.iterations[t] || out.iterations[t] === 1), 'a loose tol stops earlier');
  // power scaling
  const scaled = altMinManifold(fOpt, { rfChains: rt, rng: new Rng('altmin-props').fork('init'), outerIterations: 15, power: ns });
  for (let t = 0; t < batch; t++) {
    const prod = matmulF64(batchEntryF64(scaled.fRf, t), batchEntryF64(scaled.fBb, t));
    assert.ok(Math.abs(frob2(prod) - ns) < 1e-12 * ns, '‖F_RF F_BB‖² = power');
    assert.ok(Math.abs(scaled.residualNorm[t] ** 2 - frob2(minus(batchEntryF64(fOpt, t), prod))) < 1e-10);
  }
});

test('altMinManifold beats OMP on clustered channels (OMP dictionary at the ray AoDs); from OMP’s F_RF it never does worse', async () => {
  const nt = 64, nr = 8, ns = 3, batch = 8;
  for (const [clusters, rt] of [[2, 4], [4, 8]]) {
    const { fOpt, aodDeg } = await clusteredTargets(`altmin-vs-omp-${clusters}`, batch, nt, nr, ns, clusters);
    const dictionary = steeringDictionary(aodDeg, { batch, antennas: nt });
    const omp = ompHybrid(fOpt, dictionary, { rfChains: rt });
    const mo = altMinManifold(fOpt, { rfChains: rt, rng: new Rng('mo-init') });
    const warm = altMinManifold(fOpt, { init: omp.fRf });
    let sumOmp = 0, sumMo = 0;
    for (let t = 0; t < batch; t++) {
      const o = omp.residualNorm[t] ** 2;
      // the same F_RF with the same least-squares F_BB: the warm start's first objective is OMP's residual²
      assert.ok(Math.abs(warm.objective[t][0] - o) < 1e-10 * o, `N_C = ${clusters}, channel ${t}: warm start ${warm.objective[t][0]} vs OMP ${o}`);
      assertNonIncreasing(warm.objective[t], `warm start, channel ${t}`);
      assert.ok(warm.residualNorm[t] ** 2 <= o * (1 + 1e-12), `N_C = ${clusters}, channel ${t}: MO from OMP's F_RF is not worse`);
      // from a random start (seeded): better on every one of these channels
      assert.ok(mo.residualNorm[t] ** 2 <= o, `N_C = ${clusters}, R_t = ${rt}, channel ${t}: MO ${mo.residualNorm[t] ** 2} vs OMP ${o}`);
      sumOmp += o;
      sumMo += mo.residualNorm[t] ** 2;
    }
    assert.ok(sumMo < 0.5 * sumOmp, `N_C = ${clusters}, R_t = ${rt}: mean ‖F_opt − F_RF F_BB‖² MO ${sumMo / batch} vs OMP ${sumOmp / batch}`);
  }
});

test('altMinManifold: a given F_RF (batch 1 shared, any modulus) is projected to unit modulus and used as the start', () => {
  const rng = new Rng('altmin-init');
  const fOpt = randn(rng, 3, 12, 2);
  const init = randn(rng, 1, 12, 3); // not unit modulus: projected
  const out = altMinManifold(fOpt, { init, outerIterations: 1, innerIterations: 1 });
  const proj = { ...init, re: init.re.map((v, k) => v / Math.hypot(v, init.im[k])), im: init.im.map((v, k) => v / Math.hypot(init.re[k], v)) };
  const start = altMinManifold(fOpt, { init: proj, outerIterations: 1, innerIterations: 1 });
  for (let t = 0; t < 3; t++) assert.ok(Math.abs(out.objective[t][0] - start.objective[t][0]) < 1e-13 * start.objective[t][0]);
  for (let k = 0; k < out.fRf.re.length; k++) assert.ok(Math.abs(out.fRf.re[k] - start.fRf.re[k]) < 1e-12 && Math.abs(out.fRf.im[k] - start.fRf.im[k]) < 1e-12);
});

test('altMinManifold: argument errors name the parameter and the allowed range', () => {
  const rng = new Rng('altmin-errors');
  const fOpt = randn(rng, 2, 8, 3);
  const fn = /altMinManifold\(fOpt, opts\)/;
  assert.throws(() => altMinManifold(fOpt, { rfChains: 2, rng }), /opts\.rfChains \(R_t\) must be an integer with N_s = 3 <= R_t <= N_t = 8; got 2/);
  assert.throws(() => altMinManifold(fOpt, { rfChains: 9, rng }), /opts\.rfChains \(R_t\) must be an integer with N_s = 3 <= R_t <= N_t = 8; got 9/);
  assert.throws(() => altMinManifold(fOpt, { rng }), /opts\.rfChains \(R_t\) is required with init 'random'; give an integer with N_s = 3 <= R_t <= N_t = 8/);
  assert.throws(() => altMinManifold(fOpt, { rfChains: 4 }), /opts\.rng \(an Rng from core\/random\) is required with init 'random'/);
  assert.throws(() => altMinManifold(fOpt, { init: randn(rng, 2, 7, 4) }), /opts\.init must be F_RF \[batch, 8, R_t\] \(N_t = 8 rows, as fOpt\); got \[2, 7, 4\]/);
  assert.throws(() => altMinManifold(fOpt, { init: randn(rng, 3, 8, 4) }), /opts\.init batch must be 2 \(as fOpt\) or 1 \(shared\); got 3/);
  assert.throws(() => altMinManifold(fOpt, { init: randn(rng, 2, 8, 2) }), /opts\.rfChains \(R_t\) must be an integer with N_s = 3 <= R_t <= N_t = 8; got 2/);
  assert.throws(() => altMinManifold(fOpt, { init: randn(rng, 2, 8, 4), rfChains: 5 }), /opts\.rfChains \(R_t\) = 5 differs from the columns of opts\.init \(4\)/);
  const zero = randn(rng, 2, 8, 4);
  zero.re[5] = 0;
  zero.im[5] = 0;
  assert.throws(() => altMinManifold(fOpt, { init: zero }), /opts\.init entries must be finite and non-zero \(they are projected to unit modulus\); entry \[0, 1, 1\] is 0 \+ 0i/);
  assert.throws(() => altMinManifold(fOpt, { rfChains: 4, rng, outerIterations: 0 }), /opts\.outerIterations must be a positive integer; got 0/);
  assert.throws(() => altMinManifold(fOpt, { rfChains: 4, rng, innerIterations: 2.5 }), /opts\.innerIterations must be a positive integer; got 2\.5/);
  assert.throws(() => altMinManifold(fOpt, { rfChains: 4, rng, tol: -1 }), /opts\.tol must be finite and >= 0; got -1/);
  assert.throws(() => altMinManifold(fOpt, { rfChains: 4, rng, power: -2 }), /opts\.power must be finite and > 0; got -2/);
  assert.throws(() => altMinManifold({ ...fOpt, cols: 4 }, { rfChains: 4, rng }), fn);
  const nan = { ...fOpt, re: fOpt.re.slice() };
  nan.re[8 * 3 + 4] = Number.NaN;
  assert.throws(() => altMinManifold(nan, { rfChains: 4, rng }), /altMinManifold\(fOpt, opts\): fOpt must be finite; entry \[1, 1, 1\] is NaN/);
  assert.throws(() => altMinManifold(fOpt, { rfChains: 4, rng, init: 'zeros' as unknown as 'random' }), /opts\.init must be 'random' or a ComplexBatchF64 F_RF \[batch, 8, R_t\]; got zeros/);
});
