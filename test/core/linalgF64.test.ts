/**
 * Float64 batched complex linear algebra (lib/core/linalgF64.ts), all in JavaScript (no tensors):
 * matmul/adjoint against a naive triple loop and the identities (AB)ᴴ = BᴴAᴴ, (Aᴴ)ᴴ = A; the thin
 * SVD (A = UΣVᴴ to 1e-10, orthonormal U and V, σ descending, known singular values, rank-deficient
 * and zero input, every shape class); the pseudo-inverse's four Moore–Penrose conditions; the
 * Cholesky solve's residual, diagonal loading and its non-PD error; and argument errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComplexBatchF64 } from '../../lib/core/complexF64';
import { adjointF64, batchEntryF64, checkBatchF64, checkFiniteF64, choleskySolveF64, matmulF64, pinvF64, svdThin, SvdF64 } from '../../lib/core/linalgF64';
import { Rng } from '../../lib/core/random';

function randn(rng: Rng, batch: number, rows: number, cols: number): ComplexBatchF64 {
  const n = batch * rows * cols;
  return { batch, rows, cols, re: rng.normalArray(n), im: rng.normalArray(n) };
}

/** Entry (i, j) of matrix t as [re, im] (batch 1 is shared). */
function at(a: ComplexBatchF64, t: number, i: number, j: number): [number, number] {
  const k = (a.batch === 1 ? 0 : t) * a.rows * a.cols + i * a.cols + j;
  return [a.re[k], a.im[k]];
}

/** Naive op(A) op(B) with explicit conjugation, one entry at a time. */
function naiveMatmul(a: ComplexBatchF64, b: ComplexBatchF64, adjA: boolean, adjB: boolean): ComplexBatchF64 {
  const batch = Math.max(a.batch, b.batch);
  const m = adjA ? a.cols : a.rows, k = adjA ? a.rows : a.cols, n = adjB ? b.rows : b.cols;
  const out: ComplexBatchF64 = { batch, rows: m, cols: n, re: new Float64Array(batch * m * n), im: new Float64Array(batch * m * n) };
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sr = 0, si = 0;
        for (let l = 0; l < k; l++) {
          let [xr, xi] = adjA ? at(a, t, l, i) : at(a, t, i, l);
          if (adjA) xi = -xi;
          let [yr, yi] = adjB ? at(b, t, j, l) : at(b, t, l, j);
          if (adjB) yi = -yi;
          sr += xr * yr - xi * yi;
          si += xr * yi + xi * yr;
        }
        out.re[(t * m + i) * n + j] = sr;
        out.im[(t * m + i) * n + j] = si;
      }
    }
  }
  return out;
}

function maxDiff(a: ComplexBatchF64, b: ComplexBatchF64): number {
  assert.deepEqual([a.batch, a.rows, a.cols], [b.batch, b.rows, b.cols], 'shapes');
  let d = 0;
  for (let i = 0; i < a.re.length; i++) d = Math.max(d, Math.abs(a.re[i] - b.re[i]), Math.abs(a.im[i] - b.im[i]));
  return d;
}

/** max |XᴴX − I| over the batch (X: [batch, m, r]). */
function orthError(x: ComplexBatchF64): number {
  const g = matmulF64(x, x, { adjA: true });
  let d = 0;
  for (let t = 0; t < g.batch; t++) {
    for (let i = 0; i < g.rows; i++) {
      for (let j = 0; j < g.cols; j++) {
        const [re, im] = at(g, t, i, j);
        d = Math.max(d, Math.abs(re - (i === j ? 1 : 0)), Math.abs(im));
      }
    }
  }
  return d;
}

/** U diag(s) Vᴴ. */
function reconstruct(s: SvdF64): ComplexBatchF64 {
  const us: ComplexBatchF64 = { ...s.u, re: s.u.re.slice(), im: s.u.im.slice() };
  for (let t = 0; t < s.batch; t++) {
    for (let i = 0; i < s.m; i++) {
      for (let j = 0; j < s.r; j++) {
        us.re[(t * s.m + i) * s.r + j] *= s.s[t * s.r + j];
        us.im[(t * s.m + i) * s.r + j] *= s.s[t * s.r + j];
      }
    }
  }
  return matmulF64(us, s.v, { adjB: true });
}

/** A batch of Q₁ diag(σ) Q₂ᴴ with orthonormal Q₁ [m, r], Q₂ [n, r] taken from SVDs of random matrices. */
function withSingularValues(rng: Rng, batch: number, m: number, n: number, sigma: number[]): ComplexBatchF64 {
  const r = sigma.length;
  const q1 = svdThin(randn(rng, batch, m, r)).u;
  const q2 = svdThin(randn(rng, batch, n, r)).u;
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < r; j++) {
        q1.re[(t * m + i) * r + j] *= sigma[j];
        q1.im[(t * m + i) * r + j] *= sigma[j];
      }
    }
  }
  return matmulF64(q1, q2, { adjB: true });
}

test('matmulF64: all four adjoint flags agree with a naive loop, with shared (batch-1) operands', () => {
  const rng = new Rng('matmul');
  for (const [adjA, adjB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const a = adjA ? randn(rng, 4, 5, 3) : randn(rng, 4, 3, 5); // op(A): 3×5
    const b = adjB ? randn(rng, 4, 2, 5) : randn(rng, 4, 5, 2); // op(B): 5×2
    const c = matmulF64(a, b, { adjA, adjB });
    assert.deepEqual([c.batch, c.rows, c.cols], [4, 3, 2]);
    assert.ok(maxDiff(c, naiveMatmul(a, b, adjA, adjB)) < 1e-13, `adjA=${adjA}, adjB=${adjB}`);
    const a1 = batchEntryF64(a, 2); // batch 1, shared by every b
    assert.ok(maxDiff(matmulF64(a1, b, { adjA, adjB }), naiveMatmul(a1, b, adjA, adjB)) < 1e-13, 'broadcast a');
    const b1 = batchEntryF64(b, 0);
    assert.ok(maxDiff(matmulF64(a, b1, { adjA, adjB }), naiveMatmul(a, b1, adjA, adjB)) < 1e-13, 'broadcast b');
  }
});

test('adjointF64: (Aᴴ)ᴴ = A, (AB)ᴴ = BᴴAᴴ, and matmul(a, b, {adjA}) = adjoint(a)·b', () => {
  const rng = new Rng('adjoint');
  const a = randn(rng, 3, 4, 6), b = randn(rng, 3, 6, 2);
  const ah = adjointF64(a);
  assert.deepEqual([ah.batch, ah.rows, ah.cols], [3, 6, 4]);
  assert.equal(maxDiff(adjointF64(ah), a), 0);
  assert.ok(maxDiff(adjointF64(matmulF64(a, b)), matmulF64(adjointF64(b), ah)) < 1e-13);
  const c = randn(rng, 3, 4, 2);
  assert.ok(maxDiff(matmulF64(a, c, { adjA: true }), matmulF64(ah, c)) < 1e-13);
  assert.ok(maxDiff(matmulF64(b, a, { adjA: true, adjB: true }), adjointF64(matmulF64(a, b))) < 1e-13);
});

test('svdThin: A = UΣVᴴ to 1e-10, UᴴU = VᴴV = I, σ descending, for tall, wide, square and vector shapes', () => {
  const rng = new Rng('svd');
  for (const [m, n] of [[6, 3], [3, 6], [5, 5], [64, 8], [8, 64], [1, 4], [4, 1], [1, 1]]) {
    const a = randn(rng, 20, m, n);
    const s = svdThin(a);
    const r = Math.min(m, n);
    assert.deepEqual([s.r, s.u.rows, s.u.cols, s.v.rows, s.v.cols, s.s.length], [r, m, r, n, r, 20 * r], `${m}×${n}: shapes`);
    assert.ok(maxDiff(reconstruct(s), a) < 1e-10, `${m}×${n}: reconstruction ${maxDiff(reconstruct(s), a)}`);
    assert.ok(orthError(s.u) < 1e-12, `${m}×${n}: UᴴU = I (${orthError(s.u)})`);
    assert.ok(orthError(s.v) < 1e-12, `${m}×${n}: VᴴV = I (${orthError(s.v)})`);
    for (let t = 0; t < 20; t++) {
      assert.equal(s.rank[t], r, `${m}×${n}: full rank`);
      for (let j = 0; j < r; j++) {
        assert.ok(s.s[t * r + j] >= 0);
        if (j > 0) assert.ok(s.s[t * r + j] <= s.s[t * r + j - 1], `${m}×${n}: descending`);
      }
    }
    // the singular values are the square roots of the eigenvalues of AᴴA: ‖A‖_F² = Σσ²
    for (let t = 0; t < 20; t++) {
      let f2 = 0, s2 = 0;
      for (let k = 0; k < m * n; k++) f2 += a.re[t * m * n + k] ** 2 + a.im[t * m * n + k] ** 2;
      for (let j = 0; j < r; j++) s2 += s.s[t * r + j] ** 2;
      assert.ok(Math.abs(f2 - s2) < 1e-10 * f2);
    }
  }
});

test('svdThin: known singular values, including a condition number of 1e10, to ε·σ_max absolute', () => {
  const rng = new Rng('svd-known');
  const sigma = [3, 1, 1e-6, 1e-10];
  for (const [m, n] of [[10, 4], [4, 10]]) {
    const a = withSingularValues(rng, 5, m, n, sigma);
    const s = svdThin(a);
    for (let t = 0; t < 5; t++) {
      for (let j = 0; j < 4; j++) assert.ok(Math.abs(s.s[t * 4 + j] - sigma[j]) < 1e-14, `${m}×${n}: σ_${j} = ${s.s[t * 4 + j]}, want ${sigma[j]}`);
      assert.equal(s.rank[t], 4);
    }
    // the small triplets are resolved (U from A V/σ), yet U stays orthonormal
    assert.ok(orthError(s.u) < 1e-12 && orthError(s.v) < 1e-12, `${m}×${n}: orthonormal`);
    assert.ok(maxDiff(reconstruct(s), a) < 1e-13);
  }
});

test('svdThin: rank-deficient and zero input: rank counted, small σ flagged, U and V completed orthonormal', () => {
  const rng = new Rng('svd-rank');
  for (const [m, n, k] of [[8, 5, 2], [5, 8, 3], [6, 6, 1]]) {
    const a = matmulF64(randn(rng, 10, m, k), randn(rng, 10, k, n)); // rank k
    const s = svdThin(a);
    const r = Math.min(m, n);
    for (let t = 0; t < 10; t++) {
      assert.equal(s.rank[t], k, `${m}×${n} rank ${k}: rank[${t}] = ${s.rank[t]}`);
      for (let j = k; j < r; j++) assert.ok(s.s[t * r + j] <= 1e-13 * s.s[t * r], `σ_${j} = ${s.s[t * r + j]} is below the tolerance`);
    }
    assert.ok(orthError(s.u) < 1e-12, `${m}×${n} rank ${k}: UᴴU = I (${orthError(s.u)})`);
    assert.ok(orthError(s.v) < 1e-12, `${m}×${n} rank ${k}: VᴴV = I (${orthError(s.v)})`);
    assert.ok(maxDiff(reconstruct(s), a) < 1e-10);
  }
  const z: ComplexBatchF64 = { batch: 2, rows: 4, cols: 3, re: new Float64Array(24), im: new Float64Array(24) };
  const s = svdThin(z);
  assert.deepEqual(Array.from(s.rank), [0, 0]);
  assert.deepEqual(Array.from(s.s), [0, 0, 0, 0, 0, 0]);
  assert.ok(orthError(s.u) < 1e-15 && orthError(s.v) < 1e-15, 'zero matrix: U and V orthonormal');
  // a larger rtol moves the cut
  const a = withSingularValues(rng, 1, 6, 3, [1, 1e-3, 1e-9]);
  assert.equal(svdThin(a).rank[0], 3);
  assert.equal(svdThin(a, { rtol: 1e-6 }).rank[0], 2);
  assert.equal(svdThin(a, { rtol: 1e-2 }).rank[0], 1);
});

test('pinvF64: the four Moore–Penrose conditions, full-rank and rank-deficient; (AᴴA)⁻¹Aᴴ for full column rank', () => {
  const rng = new Rng('pinv');
  const cases: [string, ComplexBatchF64][] = [
    ['tall', randn(rng, 6, 7, 3)],
    ['wide', randn(rng, 6, 3, 7)],
    ['rank 2 of 5×4', matmulF64(randn(rng, 6, 5, 2), randn(rng, 6, 2, 4))],
    ['rank 1 of 3×6', matmulF64(randn(rng, 6, 3, 1), randn(rng, 6, 1, 6))],
  ];
  for (const [name, a] of cases) {
    const p = pinvF64(a);
    assert.deepEqual([p.rows, p.cols], [a.cols, a.rows], `${name}: shape`);
    const ap = matmulF64(a, p), pa = matmulF64(p, a);
    assert.ok(maxDiff(matmulF64(ap, a), a) < 1e-10, `${name}: A A⁺ A = A`);
    assert.ok(maxDiff(matmulF64(pa, p), p) < 1e-10, `${name}: A⁺ A A⁺ = A⁺`);
    assert.ok(maxDiff(adjointF64(ap), ap) < 1e-10, `${name}: (A A⁺)ᴴ = A A⁺`);
    assert.ok(maxDiff(adjointF64(pa), pa) < 1e-10, `${name}: (A⁺ A)ᴴ = A⁺ A`);
  }
  const a = cases[0][1];
  const viaNormal = choleskySolveF64(matmulF64(a, a, { adjA: true }), adjointF64(a));
  assert.ok(maxDiff(pinvF64(a), viaNormal) < 1e-10, 'full column rank: A⁺ = (AᴴA)⁻¹Aᴴ');
  const z: ComplexBatchF64 = { batch: 1, rows: 2, cols: 3, re: new Float64Array(6), im: new Float64Array(6) };
  assert.ok(pinvF64(z).re.every((v) => v === 0), 'zero matrix → zeros');
  // rcond drops a small singular value
  const b = withSingularValues(rng, 1, 5, 2, [1, 1e-8]);
  const dropped = pinvF64(b, { rcond: 1e-6 });
  assert.ok(Math.sqrt(dropped.re.reduce((s, v) => s + v * v, 0)) < 2, 'σ = 1e-8 is not inverted with rcond 1e-6');
  assert.ok(Math.sqrt(pinvF64(b).re.reduce((s, v) => s + v * v, 0) + pinvF64(b).im.reduce((s, v) => s + v * v, 0)) > 1e7, 'but is with the default');
});

test('choleskySolveF64: A X = B to 1e-10, shared A, diagonal loading, only the lower triangle read', () => {
  const rng = new Rng('chol');
  const g = randn(rng, 5, 6, 6);
  const a = matmulF64(g, g, { adjB: true });
  for (let t = 0; t < 5; t++) for (let i = 0; i < 6; i++) a.re[t * 36 + i * 7] += 0.5; // G Gᴴ + ½I
  const b = randn(rng, 5, 6, 3);
  const x = choleskySolveF64(a, b);
  assert.ok(maxDiff(matmulF64(a, x), b) < 1e-10, 'residual A X − B');
  // one A shared by the batch of right-hand sides
  const a0 = batchEntryF64(a, 0);
  assert.ok(maxDiff(matmulF64(a0, choleskySolveF64(a0, b)), b) < 1e-10, 'shared a');
  // diagonal loading δ solves (A + δI) X = B
  const loaded: ComplexBatchF64 = { ...a, re: a.re.slice(), im: a.im.slice() };
  for (let t = 0; t < 5; t++) for (let i = 0; i < 6; i++) loaded.re[t * 36 + i * 7] += 2;
  assert.ok(maxDiff(choleskySolveF64(a, b, { diagonalLoading: 2 }), choleskySolveF64(loaded, b)) < 1e-12, 'diagonalLoading');
  // the strict upper triangle is not read
  const junk: ComplexBatchF64 = { ...a, re: a.re.slice(), im: a.im.slice() };
  for (let t = 0; t < 5; t++) for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) { junk.re[t * 36 + i * 6 + j] = 99; junk.im[t * 36 + i * 6 + j] = -7; }
  assert.equal(maxDiff(choleskySolveF64(junk, b), x), 0, 'upper triangle ignored');
});

test('choleskySolveF64: a matrix that is not positive definite is named (index and pivot); loading rescues a PSD one', () => {
  const rng = new Rng('chol-bad');
  const g = randn(rng, 3, 4, 4);
  const a = matmulF64(g, g, { adjB: true });
  const b = randn(rng, 3, 4, 1);
  // matrix 2 made indefinite: a negative diagonal entry
  a.re[2 * 16 + 3 * 5] = -1;
  assert.throws(() => choleskySolveF64(a, b), /choleskySolveF64\(a, b\): matrix 2 of a \(batch 3\) is not numerically positive definite: Cholesky pivot 3/);
  // a singular PSD matrix (rank 1) fails, and passes with loading
  const v = randn(rng, 1, 3, 1);
  const psd = matmulF64(v, v, { adjB: true });
  assert.throws(() => choleskySolveF64(psd, randn(rng, 1, 3, 2)), /matrix 0 .* not numerically positive definite.*diagonalLoading/);
  const x = choleskySolveF64(psd, randn(new Rng('rhs'), 1, 3, 2), { diagonalLoading: 1e-3 });
  assert.ok(x.re.every(Number.isFinite));
});

test('argument errors name the function, the parameter and the expected shape or range', () => {
  const rng = new Rng('errors');
  const a = randn(rng, 2, 3, 4);
  assert.throws(() => matmulF64(a, randn(rng, 2, 3, 2)), /matmulF64\(a, b\): inner dimensions differ: op\(a\) is 3×4, op\(b\) is 3×2/);
  assert.throws(() => matmulF64(a, randn(rng, 3, 4, 2)), /matmulF64\(a, b\): a and b need the same batch \(or one of them batch 1\); got 2 and 3/);
  assert.throws(() => matmulF64({ ...a, re: new Float64Array(5) }, a, { adjB: true }), /matmulF64\(a, b\): a \[batch, m, k\] = \[2, 3, 4\]: expected 2·3·4 float64 values/);
  assert.throws(() => matmulF64({ ...a, rows: 0 }, a), /matmulF64\(a, b\): a\.rows must be a positive integer; got 0/);
  assert.throws(() => adjointF64({ ...a, re: Float32Array.from(a.re) as unknown as Float64Array }), /adjointF64\(a\): a \[batch, m, n\]/);
  assert.throws(() => choleskySolveF64(a, a), /choleskySolveF64\(a, b\): a must be square \[batch, n, n\]; got \[2, 3, 4\]/);
  const sq = randn(rng, 2, 3, 3);
  assert.throws(() => choleskySolveF64(sq, randn(rng, 2, 4, 1)), /choleskySolveF64\(a, b\): b must be \[batch, 3, k\] to match a/);
  assert.throws(() => choleskySolveF64(sq, randn(rng, 2, 3, 1), { diagonalLoading: -1 }), /opts\.diagonalLoading must be finite and >= 0; got -1/);
  assert.throws(() => svdThin(a, { rtol: -1 }), /svdThin\(a\): opts\.rtol must be finite and >= 0/);
  assert.throws(() => pinvF64(a, { rcond: Number.NaN }), /pinvF64\(a\): opts\.rcond must be finite and >= 0/);
  const nan = { ...a, im: a.im.slice() };
  nan.im[13] = Number.NaN;
  assert.throws(() => checkFiniteF64('f(x)', 'x', nan), /^Error: f\(x\): x must be finite; entry \[1, 0, 1\] is [-.0-9e]+ \+ NaNi$/);
  assert.doesNotThrow(() => checkFiniteF64('f(x)', 'x', a));
  assert.throws(() => checkBatchF64('f(x)', 'x', { ...a, cols: 5 }, '[batch, K, M]'), /f\(x\): x \[batch, K, M\] = \[2, 3, 5\]: expected 2·3·5 float64 values, got re 24, im 24/);
  assert.throws(() => batchEntryF64(a, 2), /batchEntryF64\(a, t\): t must be an integer in \[0, 1\]; got 2/);
});
