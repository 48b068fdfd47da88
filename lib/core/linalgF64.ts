/**
 * Batched complex linear algebra in float64 JavaScript on `ComplexBatchF64` ([batch, rows, cols],
 * row-major): the routines behind the hybrid-precoding baselines (OMP, MO-AltMin) and the channel
 * alignment of the MSER notebook, which run per channel outside tfjs and are never differentiated.
 *
 * - `matmulF64(a, b, {adjA, adjB})`: op(A)·op(B), op = identity or conjugate transpose (ᴴ).
 * - `adjointF64(a)`: Aᴴ.
 * - `choleskySolveF64(a, b, {diagonalLoading})`: X = A⁻¹B for Hermitian positive-definite A.
 * - `svdThin(a, {rtol})`: A = U diag(σ) Vᴴ with r = min(m, n) singular triplets, σ descending.
 * - `pinvF64(a, {rcond})`: the Moore–Penrose pseudo-inverse A⁺ from `svdThin`.
 * - `batchEntryF64(a, t)`: matrix t as a batch-1 view (no copy); `checkBatchF64(fn, name, a, layout)`:
 *   the shape check used here and by the hybrid baselines; `checkFiniteF64(fn, name, a)`: a value check
 *   for entry points that read their data anyway (the hybrid baselines).
 *
 * Batches: a binary routine takes a and b with the same batch, or either with batch 1, which is then
 * shared by every matrix of the other (e.g. one fixed dictionary for a batch of precoders).
 * Every function checks its shapes (and option values) and throws errors that name the function,
 * the parameter and the expected shape; matrix *values* are not checked, except where a routine
 * must decide (a non-positive Cholesky pivot names the matrix index). Nothing here uses tfjs.
 */
import { checkComplexBatchF64, ComplexBatchF64 } from './complexF64';
import { eighHermitian } from './linalg';
import { checkFinite, checkPositiveInt } from './validate';

/** Machine epsilon of float64 (2⁻⁵²). */
const EPS = 2.220446049250313e-16;

/** A zero-filled batch. */
function zeros(batch: number, rows: number, cols: number): ComplexBatchF64 {
  const n = batch * rows * cols;
  return { batch, rows, cols, re: new Float64Array(n), im: new Float64Array(n) };
}

/**
 * Shape check shared by this module (and exported for the hybrid baselines): `a` is a
 * ComplexBatchF64 whose batch, rows and cols are positive integers and whose arrays hold
 * batch·rows·cols float64 values. `layout` names the expected shape in the message, e.g. '[batch, N_t, N_s]'.
 */
export function checkBatchF64(fn: string, name: string, a: ComplexBatchF64, layout: string): void {
  if (a === null || typeof a !== 'object') throw new Error(`${fn}: ${name} must be a ComplexBatchF64 ${layout}; got ${String(a)}`);
  checkPositiveInt(fn, `${name}.batch`, a.batch);
  checkPositiveInt(fn, `${name}.rows`, a.rows);
  checkPositiveInt(fn, `${name}.cols`, a.cols);
  checkComplexBatchF64(`${fn}: ${name} ${layout} = [${a.batch}, ${a.rows}, ${a.cols}]`, a);
}

/** Throw unless every entry of `a` is finite: `${fn}: ${name} must be finite; entry [b, i, j] is NaN + 0i`. */
export function checkFiniteF64(fn: string, name: string, a: ComplexBatchF64): void {
  for (let k = 0; k < a.re.length; k++) {
    if (!Number.isFinite(a.re[k]) || !Number.isFinite(a.im[k])) {
      const per = a.rows * a.cols;
      throw new Error(`${fn}: ${name} must be finite; entry [${Math.floor(k / per)}, ${Math.floor((k % per) / a.cols)}, ${k % a.cols}] is ${a.re[k]} + ${a.im[k]}i`);
    }
  }
}

/**
 * Matrix t of a batch as a batch-1 view that shares memory with `a` (no copy): writes go through.
 * a: [batch, rows, cols] → [1, rows, cols].
 */
export function batchEntryF64(a: ComplexBatchF64, t: number): ComplexBatchF64 {
  const fn = 'batchEntryF64(a, t)';
  checkBatchF64(fn, 'a', a, '[batch, rows, cols]');
  if (!Number.isInteger(t) || t < 0 || t >= a.batch) throw new Error(`${fn}: t must be an integer in [0, ${a.batch - 1}]; got ${t}`);
  const size = a.rows * a.cols;
  return { batch: 1, rows: a.rows, cols: a.cols, re: a.re.subarray(t * size, (t + 1) * size), im: a.im.subarray(t * size, (t + 1) * size) };
}

/** The batch of a binary routine: equal batches, or one of them 1 (shared). */
function jointBatch(fn: string, nameA: string, a: ComplexBatchF64, nameB: string, b: ComplexBatchF64): number {
  if (a.batch === b.batch || b.batch === 1) return a.batch;
  if (a.batch === 1) return b.batch;
  throw new Error(`${fn}: ${nameA} and ${nameB} need the same batch (or one of them batch 1); got ${a.batch} and ${b.batch}`);
}

export interface MatmulF64Options {
  /** use Aᴴ instead of A; default false */
  adjA?: boolean;
  /** use Bᴴ instead of B; default false */
  adjB?: boolean;
}

/**
 * op(A)·op(B) for every matrix of the batch, op = identity or ᴴ (conjugate transpose, per the flags).
 * a: [batch, m, k] (or [batch, k, m] with adjA), b: [batch, k, n] (or [batch, n, k] with adjB)
 * → [batch, m, n]. Either batch may be 1 (shared).
 */
export function matmulF64(a: ComplexBatchF64, b: ComplexBatchF64, opts: MatmulF64Options = {}): ComplexBatchF64 {
  const fn = 'matmulF64(a, b)';
  const adjA = opts.adjA ?? false;
  const adjB = opts.adjB ?? false;
  checkBatchF64(fn, 'a', a, adjA ? '[batch, k, m] (adjA)' : '[batch, m, k]');
  checkBatchF64(fn, 'b', b, adjB ? '[batch, n, k] (adjB)' : '[batch, k, n]');
  const m = adjA ? a.cols : a.rows;
  const k = adjA ? a.rows : a.cols;
  const kb = adjB ? b.cols : b.rows;
  const n = adjB ? b.rows : b.cols;
  if (k !== kb) {
    throw new Error(`${fn}: inner dimensions differ: op(a) is ${m}×${k}, op(b) is ${kb}×${n} (a [${a.batch}, ${a.rows}, ${a.cols}]${adjA ? 'ᴴ' : ''}, b [${b.batch}, ${b.rows}, ${b.cols}]${adjB ? 'ᴴ' : ''})`);
  }
  const batch = jointBatch(fn, 'a', a, 'b', b);
  const out = zeros(batch, m, n);
  const sA = a.rows * a.cols, sB = b.rows * b.cols;
  // element (i, l) of op(A): index and conjugation sign
  const aRow = adjA ? 1 : a.cols, aCol = adjA ? a.cols : 1, aSign = adjA ? -1 : 1;
  const bRow = adjB ? 1 : b.cols, bCol = adjB ? b.cols : 1, bSign = adjB ? -1 : 1;
  for (let t = 0; t < batch; t++) {
    const oa = a.batch === 1 ? 0 : t * sA;
    const ob = b.batch === 1 ? 0 : t * sB;
    const oo = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < k; l++) {
        const ia = oa + i * aRow + l * aCol;
        const xr = a.re[ia], xi = aSign * a.im[ia];
        const ib = ob + l * bRow;
        for (let j = 0; j < n; j++) {
          const jb = ib + j * bCol;
          const yr = b.re[jb], yi = bSign * b.im[jb];
          out.re[oo + i * n + j] += xr * yr - xi * yi;
          out.im[oo + i * n + j] += xr * yi + xi * yr;
        }
      }
    }
  }
  return out;
}

/** Aᴴ for every matrix: a [batch, m, n] → [batch, n, m]. */
export function adjointF64(a: ComplexBatchF64): ComplexBatchF64 {
  checkBatchF64('adjointF64(a)', 'a', a, '[batch, m, n]');
  const { batch, rows: m, cols: n } = a;
  const out = zeros(batch, n, m);
  for (let t = 0; t < batch; t++) {
    const o = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        out.re[o + j * m + i] = a.re[o + i * n + j];
        out.im[o + j * m + i] = -a.im[o + i * n + j];
      }
    }
  }
  return out;
}

export interface CholeskySolveOptions {
  /** δ ≥ 0 added to the diagonal: solves (A + δI) X = B; default 0 */
  diagonalLoading?: number;
}

/**
 * X = A⁻¹B for Hermitian positive-definite A, by the Cholesky factorisation A = L Lᴴ and two
 * triangular solves. a: [batch, n, n], b: [batch, n, k] → [batch, n, k] (either batch may be 1).
 * Only the lower triangle and the real part of the diagonal of A are read (LAPACK's 'L'
 * convention); A is not checked to be Hermitian. A pivot d_j ≤ n·ε·max_i A_ii (or not finite)
 * means A (+ δI) is not numerically positive definite: the error names the matrix index and the
 * pivot, and suggests `diagonalLoading`.
 */
export function choleskySolveF64(a: ComplexBatchF64, b: ComplexBatchF64, opts: CholeskySolveOptions = {}): ComplexBatchF64 {
  const fn = 'choleskySolveF64(a, b)';
  checkBatchF64(fn, 'a', a, '[batch, n, n] (Hermitian positive definite)');
  if (a.rows !== a.cols) throw new Error(`${fn}: a must be square [batch, n, n]; got [${a.batch}, ${a.rows}, ${a.cols}]`);
  const n = a.rows;
  checkBatchF64(fn, 'b', b, `[batch, ${n}, k]`);
  if (b.rows !== n) throw new Error(`${fn}: b must be [batch, ${n}, k] to match a [${a.batch}, ${n}, ${n}]; got [${b.batch}, ${b.rows}, ${b.cols}]`);
  const loading = checkFinite(fn, 'opts.diagonalLoading', opts.diagonalLoading ?? 0, 0);
  const batch = jointBatch(fn, 'a', a, 'b', b);
  const k = b.cols;
  const out = zeros(batch, n, k);
  const lr = new Float64Array(n * n), li = new Float64Array(n * n);
  let factored = -1;
  for (let t = 0; t < batch; t++) {
    const oa = a.batch === 1 ? 0 : t * n * n;
    if (oa !== factored) {
      let maxDiag = 0;
      for (let j = 0; j < n; j++) maxDiag = Math.max(maxDiag, Math.abs(a.re[oa + j * n + j] + loading));
      const floor = n * EPS * maxDiag;
      for (let j = 0; j < n; j++) {
        let d = a.re[oa + j * n + j] + loading;
        for (let l = 0; l < j; l++) d -= lr[j * n + l] ** 2 + li[j * n + l] ** 2;
        if (!(d > floor) || !Number.isFinite(d)) {
          throw new Error(`${fn}: matrix ${a.batch === 1 ? 0 : t} of a (batch ${a.batch}) is not numerically positive definite: `
            + `Cholesky pivot ${j} is ${d} (needs > ${floor.toExponential(2)}); check that a is Hermitian positive definite or pass diagonalLoading > 0`);
        }
        const djj = Math.sqrt(d);
        lr[j * n + j] = djj;
        li[j * n + j] = 0;
        for (let i = j + 1; i < n; i++) {
          // L_ij = (A_ij − Σ_{l<j} L_il conj(L_jl)) / L_jj
          let sr = a.re[oa + i * n + j], si = a.im[oa + i * n + j];
          for (let l = 0; l < j; l++) {
            const pr = lr[i * n + l], pi = li[i * n + l], qr = lr[j * n + l], qi = li[j * n + l];
            sr -= pr * qr + pi * qi;
            si -= pi * qr - pr * qi;
          }
          lr[i * n + j] = sr / djj;
          li[i * n + j] = si / djj;
        }
      }
      factored = oa;
    }
    const ob = b.batch === 1 ? 0 : t * n * k;
    const oo = t * n * k;
    for (let c = 0; c < k; c++) {
      // forward: L y = b
      for (let i = 0; i < n; i++) {
        let sr = b.re[ob + i * k + c], si = b.im[ob + i * k + c];
        for (let l = 0; l < i; l++) {
          const pr = lr[i * n + l], pi = li[i * n + l], yr = out.re[oo + l * k + c], yi = out.im[oo + l * k + c];
          sr -= pr * yr - pi * yi;
          si -= pr * yi + pi * yr;
        }
        out.re[oo + i * k + c] = sr / lr[i * n + i];
        out.im[oo + i * k + c] = si / lr[i * n + i];
      }
      // backward: Lᴴ x = y, (Lᴴ)_il = conj(L_li)
      for (let i = n - 1; i >= 0; i--) {
        let sr = out.re[oo + i * k + c], si = out.im[oo + i * k + c];
        for (let l = i + 1; l < n; l++) {
          const pr = lr[l * n + i], pi = -li[l * n + i], xr = out.re[oo + l * k + c], xi = out.im[oo + l * k + c];
          sr -= pr * xr - pi * xi;
          si -= pr * xi + pi * xr;
        }
        out.re[oo + i * k + c] = sr / lr[i * n + i];
        out.im[oo + i * k + c] = si / lr[i * n + i];
      }
    }
  }
  return out;
}

/** Result of `svdThin`: A = U diag(s) Vᴴ for every matrix, r = min(m, n). */
export interface SvdF64 {
  batch: number;
  m: number;
  n: number;
  r: number;
  /** [batch, m, r], orthonormal columns (left singular vectors) */
  u: ComplexBatchF64;
  /** [batch, r], descending and ≥ 0 in each matrix */
  s: Float64Array;
  /** [batch, n, r], orthonormal columns (right singular vectors) */
  v: ComplexBatchF64;
  /** [batch]: the numerical rank, #{i : s_i > rtol·s_0} (0 for a zero matrix) */
  rank: Int32Array;
}

export interface SvdOptions {
  /** relative tolerance of the numerical rank (see `svdThin`); default max(m, n)·ε (ε = 2⁻⁵²), numpy's `matrix_rank` rule */
  rtol?: number;
}

/** One-sided Jacobi sweeps (Hestenes) at most, to polish the orthogonality of W = A·X. */
const POLISH_SWEEPS = 30;
/** A pair (p, q) is rotated while |w_pᴴw_q| > POLISH_TOL·‖w_p‖‖w_q‖. */
const POLISH_TOL = 4 * EPS;

/**
 * The thin SVD A = U diag(σ) Vᴴ of a batch of complex m×n matrices, r = min(m, n):
 * u [batch, m, r], s [batch, r] descending, v [batch, n, r], plus the numerical rank per matrix.
 *
 * Method. For m ≥ n, `eighHermitian` (float64 cyclic Jacobi) of the n×n Gram matrix AᴴA gives
 * V (all n eigenvectors, so V is square unitary); for m < n, the same is done on Aᴴ (Gram AAᴴ,
 * m×m), whose SVD is the conjugate transpose. Squaring the condition number in the Gram matrix only
 * blurs the small singular values' *eigenvalues*, which are not used: W = A·V is formed and a few
 * one-sided (Hestenes) Jacobi sweeps rotate the columns of W and V together until the columns of W
 * are orthogonal to working precision (usually one sweep: the Gram step has nearly diagonalised it;
 * A·V = W is kept exactly, V stays unitary). Then σ_i = ‖w_i‖ (accurate to ≈ ε·σ_max absolute,
 * unlike √λ_i), sorted descending, and u_i = w_i/σ_i.
 *
 * Small singular values. With τ = rtol·σ_0, triplets with σ_i > τ are "resolved" (`rank` counts
 * them). For σ_i ≤ τ, w_i/σ_i would be noise, so u_i is instead an orthonormal completion: the
 * standard basis vector least covered by u_0…u_{i−1}, orthogonalised against them (Gram–Schmidt,
 * twice) and normalised. U and V therefore always have orthonormal columns; σ_i keeps its
 * computed value (≤ τ, not set to 0), so A = U diag(σ) Vᴴ holds to within 2τ per such triplet. A
 * zero matrix gives σ = 0, rank 0, U = the first r standard basis vectors, V from the eigensolver.
 */
export function svdThin(a: ComplexBatchF64, opts: SvdOptions = {}): SvdF64 {
  const fn = 'svdThin(a)';
  checkBatchF64(fn, 'a', a, '[batch, m, n]');
  const { batch, rows: m, cols: n } = a;
  const rtol = checkFinite(fn, 'opts.rtol', opts.rtol ?? Math.max(m, n) * EPS, 0);
  if (m >= n) return svdTall(a, rtol);
  const t = svdTall(adjointF64(a), rtol);
  // Aᴴ = U' Σ V'ᴴ  ⇒  A = V' Σ U'ᴴ
  return { batch, m, n, r: t.r, u: t.v, s: t.s, v: t.u, rank: t.rank };
}

/** `svdThin` for m ≥ n (r = n): Gram eigenvectors V, W = A V, one-sided Jacobi polish, completion. */
function svdTall(a: ComplexBatchF64, rtol: number): SvdF64 {
  const { batch, rows: m, cols: n } = a;
  const r = n;
  const gram = matmulF64(a, a, { adjA: true });
  const eig = eighHermitian(gram);
  const u = zeros(batch, m, r);
  const v = zeros(batch, n, r);
  const s = new Float64Array(batch * r);
  const rank = new Int32Array(batch);
  // per-matrix scratch: X (n×n, columns = right vectors), W = A X (m×n), column norms, order
  const xr = new Float64Array(n * n), xi = new Float64Array(n * n);
  const wr = new Float64Array(m * n), wi = new Float64Array(m * n);
  const norms = new Float64Array(n);
  const order = new Int32Array(n);
  for (let t = 0; t < batch; t++) {
    const oa = t * m * n, oe = t * n * n;
    // eigenvectors in descending order of eigenvalue
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        xr[i * n + j] = eig.vectorsRe[oe + i * n + (n - 1 - j)];
        xi[i * n + j] = eig.vectorsIm[oe + i * n + (n - 1 - j)];
      }
    }
    // W = A X
    wr.fill(0);
    wi.fill(0);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < n; l++) {
        const pr = a.re[oa + i * n + l], pi = a.im[oa + i * n + l];
        for (let j = 0; j < n; j++) {
          const qr = xr[l * n + j], qi = xi[l * n + j];
          wr[i * n + j] += pr * qr - pi * qi;
          wi[i * n + j] += pr * qi + pi * qr;
        }
      }
    }
    polishColumns(wr, wi, xr, xi, m, n);
    for (let j = 0; j < n; j++) {
      let q = 0;
      for (let i = 0; i < m; i++) q += wr[i * n + j] ** 2 + wi[i * n + j] ** 2;
      norms[j] = Math.sqrt(q);
    }
    // descending σ (stable insertion sort)
    for (let j = 0; j < n; j++) {
      let i = j;
      while (i > 0 && norms[order[i - 1]] < norms[j]) {
        order[i] = order[i - 1];
        i--;
      }
      order[i] = j;
    }
    const sMax = norms[order[0]];
    const tau = rtol * sMax;
    let resolved = 0;
    const ou = t * m * r, ov = t * n * r;
    for (let j = 0; j < r; j++) {
      const src = order[j];
      const sigma = norms[src];
      s[t * r + j] = sigma;
      for (let i = 0; i < n; i++) {
        v.re[ov + i * r + j] = xr[i * n + src];
        v.im[ov + i * r + j] = xi[i * n + src];
      }
      if (sigma > tau && sigma > 0) {
        resolved++;
        for (let i = 0; i < m; i++) {
          u.re[ou + i * r + j] = wr[i * n + src] / sigma;
          u.im[ou + i * r + j] = wi[i * n + src] / sigma;
        }
      } else {
        completeColumn(u.re, u.im, ou, m, r, j);
      }
    }
    rank[t] = resolved;
  }
  return { batch, m, n, r, u, s, v, rank };
}

/**
 * One-sided Jacobi (Hestenes) on the columns of W (m×n) with the same rotations applied to the
 * columns of X (n×n), until every pair is orthogonal to POLISH_TOL relative or POLISH_SWEEPS sweeps.
 * Rotation for the pair (p, q), γ = w_pᴴw_q = |γ|e^{iφ}, α = ‖w_p‖², β = ‖w_q‖²: with
 * ζ = (β − α)/(2|γ|), t = sign(ζ)/(|ζ| + √(1 + ζ²)), c = 1/√(1 + t²), s = t·c,
 *   w_p ← c·w_p − s·e^{−iφ}·w_q,   w_q ← s·w_p + c·e^{−iφ}·w_q
 * (the real Jacobi rotation after removing the phase of γ), which makes w_pᴴw_q = 0.
 */
function polishColumns(wr: Float64Array, wi: Float64Array, xr: Float64Array, xi: Float64Array, m: number, n: number): void {
  for (let sweep = 0; sweep < POLISH_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gr = 0, gi = 0;
        for (let i = 0; i < m; i++) {
          const ap = wr[i * n + p], bp = wi[i * n + p], aq = wr[i * n + q], bq = wi[i * n + q];
          alpha += ap * ap + bp * bp;
          beta += aq * aq + bq * bq;
          gr += ap * aq + bp * bq; // conj(w_p) w_q
          gi += ap * bq - bp * aq;
        }
        const g = Math.sqrt(gr * gr + gi * gi);
        if (g === 0 || g <= POLISH_TOL * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const er = gr / g, ei = -gi / g; // e^{−iφ}
        const zeta = (beta - alpha) / (2 * g);
        const tt = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + tt * tt);
        const sn = tt * c;
        rotatePair(wr, wi, m, n, p, q, c, sn, er, ei);
        rotatePair(xr, xi, n, n, p, q, c, sn, er, ei);
      }
    }
    if (!rotated) return;
  }
}

/** Columns p, q of a rows×n matrix: x_p ← c x_p − s e x_q, x_q ← s x_p + c e x_q, e = er + i·ei. */
function rotatePair(re: Float64Array, im: Float64Array, rows: number, n: number, p: number, q: number, c: number, sn: number, er: number, ei: number): void {
  for (let i = 0; i < rows; i++) {
    const ip = i * n + p, iq = i * n + q;
    const pr = re[ip], pi = im[ip];
    const qr = re[iq] * er - im[iq] * ei, qi = re[iq] * ei + im[iq] * er; // e·x_q
    re[ip] = c * pr - sn * qr;
    im[ip] = c * pi - sn * qi;
    re[iq] = sn * pr + c * qr;
    im[iq] = sn * pi + c * qi;
  }
}

/**
 * Column j of the m×r block at `off` (columns 0…j−1 orthonormal): the standard basis vector e_k
 * least covered by them (largest 1 − Σ|u_lk|²), orthogonalised twice and normalised.
 */
function completeColumn(re: Float64Array, im: Float64Array, off: number, m: number, r: number, j: number): void {
  let best = 0, bestCover = Infinity;
  for (let k = 0; k < m; k++) {
    let cover = 0;
    for (let l = 0; l < j; l++) cover += re[off + k * r + l] ** 2 + im[off + k * r + l] ** 2;
    if (cover < bestCover) {
      bestCover = cover;
      best = k;
    }
  }
  for (let i = 0; i < m; i++) {
    re[off + i * r + j] = i === best ? 1 : 0;
    im[off + i * r + j] = 0;
  }
  for (let pass = 0; pass < 2; pass++) {
    for (let l = 0; l < j; l++) {
      // c = u_lᴴ x
      let cr = 0, ci = 0;
      for (let i = 0; i < m; i++) {
        const ur = re[off + i * r + l], ui = im[off + i * r + l], vr = re[off + i * r + j], vi = im[off + i * r + j];
        cr += ur * vr + ui * vi;
        ci += ur * vi - ui * vr;
      }
      for (let i = 0; i < m; i++) {
        const ur = re[off + i * r + l], ui = im[off + i * r + l];
        re[off + i * r + j] -= ur * cr - ui * ci;
        im[off + i * r + j] -= ur * ci + ui * cr;
      }
    }
  }
  let q = 0;
  for (let i = 0; i < m; i++) q += re[off + i * r + j] ** 2 + im[off + i * r + j] ** 2;
  const inv = 1 / Math.sqrt(q);
  for (let i = 0; i < m; i++) {
    re[off + i * r + j] *= inv;
    im[off + i * r + j] *= inv;
  }
}

export interface PinvOptions {
  /** singular values σ_i ≤ rcond·σ_0 are treated as zero; default max(m, n)·ε (as `svdThin`'s rtol) */
  rcond?: number;
}

/**
 * Moore–Penrose pseudo-inverse A⁺ = V diag(1/σ_i for σ_i > rcond·σ_0, else 0) Uᴴ from `svdThin`.
 * a: [batch, m, n] → [batch, n, m]. For A with full column rank it is (AᴴA)⁻¹Aᴴ, so A⁺B is the
 * least-squares solution of A X ≈ B (the minimum-norm one when A is rank-deficient). A zero matrix
 * gives zeros.
 */
export function pinvF64(a: ComplexBatchF64, opts: PinvOptions = {}): ComplexBatchF64 {
  const fn = 'pinvF64(a)';
  checkBatchF64(fn, 'a', a, '[batch, m, n]');
  const { batch, rows: m, cols: n } = a;
  const rcond = checkFinite(fn, 'opts.rcond', opts.rcond ?? Math.max(m, n) * EPS, 0);
  const { u, s, v, r } = svdThin(a, { rtol: rcond });
  const out = zeros(batch, n, m);
  for (let t = 0; t < batch; t++) {
    const cut = rcond * s[t * r];
    const ou = t * m * r, ov = t * n * r, oo = t * n * m;
    for (let l = 0; l < r; l++) {
      const sigma = s[t * r + l];
      if (!(sigma > cut) || sigma === 0) break; // descending: the rest are below the cut as well
      const inv = 1 / sigma;
      for (let i = 0; i < n; i++) {
        const pr = v.re[ov + i * r + l] * inv, pi = v.im[ov + i * r + l] * inv;
        for (let j = 0; j < m; j++) {
          // v_il σ⁻¹ conj(u_jl)
          const qr = u.re[ou + j * r + l], qi = -u.im[ou + j * r + l];
          out.re[oo + i * m + j] += pr * qr - pi * qi;
          out.im[oo + i * m + j] += pr * qi + pi * qr;
        }
      }
    }
  }
  return out;
}
