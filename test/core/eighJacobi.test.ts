/**
 * The allocation-free Jacobi kernel behind `eighHermitian`: A = V Λ Vᴴ with orthonormal V on random
 * Hermitian matrices of every small size, degenerate spectra (identity, repeated eigenvalues),
 * diagonal input (no rotation), reuse of `out`, and the sweep counts it reports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eighHermitian, Eigh } from '../../lib/core/linalg';
import { Rng } from '../../lib/core/random';

function hermitian(rng: Rng, batch: number, n: number): { re: Float64Array; im: Float64Array } {
  const g = { re: rng.normalArray(batch * n * n), im: rng.normalArray(batch * n * n) };
  const re = new Float64Array(batch * n * n), im = new Float64Array(batch * n * n);
  for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const o = b * n * n;
    // (G + Gᴴ)/2: indefinite Hermitian
    re[o + i * n + j] = 0.5 * (g.re[o + i * n + j] + g.re[o + j * n + i]);
    im[o + i * n + j] = 0.5 * (g.im[o + i * n + j] - g.im[o + j * n + i]);
  }
  return { re, im };
}

/** max |A − V Λ Vᴴ| and max |VᴴV − I| over the batch */
function residuals(a: { re: Float64Array; im: Float64Array }, e: Eigh): [number, number] {
  const { batch, n } = e;
  let rec = 0, orth = 0;
  for (let b = 0; b < batch; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let sr = 0, si = 0, gr = 0, gi = 0;
      for (let k = 0; k < n; k++) {
        const lam = e.values[b * n + k];
        const xr = e.vectorsRe[o + i * n + k], xi = e.vectorsIm[o + i * n + k];
        const yr = e.vectorsRe[o + j * n + k], yi = e.vectorsIm[o + j * n + k];
        sr += lam * (xr * yr + xi * yi); // v_ik λ_k conj(v_jk)
        si += lam * (xi * yr - xr * yi);
        const pr = e.vectorsRe[o + k * n + i], pi = e.vectorsIm[o + k * n + i];
        const qr = e.vectorsRe[o + k * n + j], qi = e.vectorsIm[o + k * n + j];
        gr += pr * qr + pi * qi; // conj(v_ki) v_kj
        gi += pr * qi - pi * qr;
      }
      rec = Math.max(rec, Math.abs(sr - a.re[o + i * n + j]), Math.abs(si - a.im[o + i * n + j]));
      orth = Math.max(orth, Math.abs(gr - (i === j ? 1 : 0)), Math.abs(gi));
    }
  }
  return [rec, orth];
}

test('eighHermitian: random Hermitian n = 1..7 reconstruct to 1e-12, orthonormal, ascending; out reused', () => {
  const rng = new Rng('jacobi');
  for (let n = 1; n <= 7; n++) {
    const a = hermitian(rng, 200, n);
    const e = eighHermitian({ batch: 200, rows: n, cols: n, ...a });
    const [rec, orth] = residuals(a, e);
    assert.ok(rec < 1e-12 && orth < 1e-12, `n = ${n}: reconstruction ${rec}, orthonormality ${orth}`);
    for (let b = 0; b < 200; b++) for (let j = 1; j < n; j++) assert.ok(e.values[b * n + j] >= e.values[b * n + j - 1]);
    const again = eighHermitian({ batch: 200, rows: n, cols: n, ...a }, 1e-14, 60, e);
    assert.equal(again.values, e.values, 'the arrays of `out` are reused');
    assert.ok(e.sweeps !== undefined && e.sweeps.every((s) => s <= 10), `n = ${n}: sweeps ${e.sweeps && Math.max(...e.sweeps)}`);
  }
});

test('eighHermitian: identity, diagonal and repeated eigenvalues', () => {
  const n = 4;
  // identity and an unsorted diagonal: no rotation, values sorted, V a permutation
  const diag = [3, -1, 2, 2];
  const re = new Float64Array(2 * n * n), im = new Float64Array(2 * n * n);
  for (let i = 0; i < n; i++) { re[i * n + i] = 1; re[n * n + i * n + i] = diag[i]; }
  const e = eighHermitian({ batch: 2, rows: n, cols: n, re, im });
  assert.deepEqual(Array.from(e.values), [1, 1, 1, 1, -1, 2, 2, 3]);
  assert.deepEqual(Array.from(e.sweeps ?? []), [0, 0]);
  assert.deepEqual(residuals({ re, im }, e), [0, 0]);
  // U diag(1, 1, 5, 5) Uᴴ with a random unitary U (from a random Hermitian's eigenvectors)
  const rng = new Rng('degenerate');
  const u = eighHermitian({ batch: 50, rows: n, cols: n, ...hermitian(rng, 50, n) });
  const lam = [1, 1, 5, 5];
  const a = { re: new Float64Array(50 * n * n), im: new Float64Array(50 * n * n) };
  for (let b = 0; b < 50; b++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const o = b * n * n;
    let sr = 0, si = 0;
    for (let k = 0; k < n; k++) {
      const xr = u.vectorsRe[o + i * n + k], xi = u.vectorsIm[o + i * n + k], yr = u.vectorsRe[o + j * n + k], yi = u.vectorsIm[o + j * n + k];
      sr += lam[k] * (xr * yr + xi * yi);
      si += lam[k] * (xi * yr - xr * yi);
    }
    a.re[o + i * n + j] = sr;
    a.im[o + i * n + j] = si;
  }
  const d = eighHermitian({ batch: 50, rows: n, cols: n, ...a });
  const [rec, orth] = residuals(a, d);
  assert.ok(rec < 1e-12 && orth < 1e-12, `degenerate: reconstruction ${rec}, orthonormality ${orth}`);
  for (let b = 0; b < 50; b++) lam.forEach((l, j) => assert.ok(Math.abs(d.values[b * n + j] - l) < 1e-12, `matrix ${b}: λ${j} = ${d.values[b * n + j]}`));
});
