/**
 * Conventional block-level precoding (BLP) baselines of the SLP-DSQNet paper (Figs. 5, 6): the
 * SINR-constrained downlink power minimisation of refs [39], [40] and a conservative robust variant,
 * in float64 JavaScript (no tfjs: they are baselines, never trained or differentiated).
 *
 * ## Convention (rows are users)
 * `h` is `[batch, K, M]`: row k is user k's channel h̄_k (1×M), user k receives
 *   y_k = Σ_j h̄_k w_j s_j + n_k,   n_k ~ CN(0, σ²),
 * so SINR_k = |h̄_k w_k|² / (Σ_{j≠k} |h̄_k w_j|² + σ²). The column channel of the lecture notes [40]
 * (there written SINR_k = |h_kᴴ w_k|² / (…)) is therefore h_k = h̄_kᴴ, i.e. h_k[m] = conj(H[k, m]), and
 *   h_k h_kᴴ = h̄_kᴴ h̄_k,  entries (h_k h_kᴴ)_{mn} = conj(H_km) H_kn,   h_kᴴ x = h̄_k x = Σ_m H_km x_m.
 * Precoders `w` are `[batch, M, K]`: column k is user k's beamformer w_k (as `lib/phy/precoders`).
 *
 * ## Nonrobust BLP (`blpPowerMin`) — [40] Björnson, Bengtsson, Ottersten, "Optimal multiuser transmit
 * beamforming: a difficult problem with a simple solution structure", IEEE SPM 2014
 *   min Σ_k ||w_k||²  s.t.  SINR_k ≥ Γ_k  (k = 1..K)
 * is solved through uplink–downlink duality ([40] eq. for the power-minimisation structure):
 * 1. uplink powers λ (the Lagrange multipliers) from the fixed point
 *      λ_k = 1 / ((1 + 1/Γ_k) · h_kᴴ A(λ)⁻¹ h_k),   A(λ) = σ²I + Σ_j λ_j h_j h_jᴴ.          (FP)
 *    [40] writes it as λ_k = σ² / ((1 + 1/Γ_k) h_kᴴ (I + Σ_j λ_j h_j h_jᴴ / σ²)⁻¹ h_k), which is the
 *    same map (multiply the matrix by σ²). The mixed form σ² / ((1 + 1/Γ_k) h_kᴴ (σ²I + Σ_j λ_j
 *    h_j h_jᴴ)⁻¹ h_k) agrees with both only at σ² = 1. In this scaling λ_k is the transmit power of
 *    user k in the dual uplink with noise σ², which gives the identity Σ_k p_k = Σ_k λ_k at the
 *    optimum for any σ². The iteration λ ← (FP) is monotone from λ = 0 and converges when the targets
 *    are feasible, but slowly at high Γ; by default we solve the same equation by safeguarded Newton
 *    steps from the zero-forcing point (see `runFixedPoint`), 3–8 iterations for M = K = 4 at 0–30 dB.
 *    At the fixed point Σ_k Γ_k/(1 + Γ_k) = Σ_k λ_k h_kᴴA⁻¹h_k = M − σ² tr A⁻¹ < M, so targets with
 *    Σ_k Γ_k/(1 + Γ_k) ≥ M (possible only for K > M) are flagged infeasible without iterating.
 * 2. beam directions ŵ_k = A(λ)⁻¹ h_k / ||A(λ)⁻¹ h_k|| (MMSE / uplink receive filters).
 * 3. downlink powers p from the K×K linear system that makes every SINR equal its target:
 *      (1/Γ_k) |h̄_k ŵ_k|² p_k − Σ_{j≠k} |h̄_k ŵ_j|² p_j = σ²,   k = 1..K.                      (DL)
 *    Its matrix is a Z-matrix, so a solution with p > 0 exists iff it is a nonsingular M-matrix, i.e.
 *    iff the targets are reachable with these directions; a positive solution is the certificate of
 *    feasibility we report.
 * 4. w_k = √p_k ŵ_k.
 *
 * ## Robust variant (`blpRobustConservative`) — NOT the SDP of [39]
 * [39] (Zheng, Wong, Ng, EURASIP JASP 2008) designs BLP for the worst case over ||e_k||₂ ≤ ζ with the
 * true channel h̄_k = ĥ̄_k + ē_k through an SDP. We do not implement it. Instead we use the triangle /
 * Cauchy–Schwarz bound
 *   min_{||e_k|| ≤ ζ} SINR_k ≥ (max(0, |ĥ̄_k w_k| − ζ||w_k||))² / (Σ_{j≠k} (|ĥ̄_k w_j| + ζ||w_j||)² + σ²)   (WC)
 * and search the family "directions of the nonrobust BLP designed for inflated targets t·Γ_k, t ≥ 1"
 * with, for each t, the least powers that make (WC) meet Γ_k (again a K×K Z-matrix system, (DL) with
 * the bound's gains). Every returned precoder meets the exact worst-case constraint, so its power is an
 * UPPER BOUND on the optimum of the worst-case robust power minimisation that [39] targets (and hence on
 * the value of its SDP, which — an S-procedure reformulation with a rank relaxation — cannot exceed that
 * optimum). Expect it to overstate the robust-BLP power of Fig. 6, most at large ζ and Γ.
 *
 * All results are per channel: an infeasible channel is flagged (`feasible = 0`), its precoder is
 * zero and its power +∞ (the infimum over an empty set), and nothing throws or becomes NaN. Only bad
 * arguments throw.
 */
import type { ComplexBatchF64 } from '../../core/complexF64';
import { checkComplexBatchF64 } from '../../core/complexF64';
import { checkFinite, checkPositiveInt } from '../../core/validate';

/** Options of `blpPowerMin`. */
export interface BlpOptions {
  /** SINR targets Γ (linear, not dB), finite and > 0: one common value or one per user (length K) */
  sinr: number | Float64Array;
  /** noise variance σ² at every user, finite and > 0 */
  noiseVar: number;
  /** cap on iterations (Newton or fixed-point steps) of (FP) per channel (default 1000) */
  maxIter?: number;
  /** stop when max_k |Δλ_k| / λ_k ≤ tol (default 1e-12; 0 runs to `maxIter`) */
  tol?: number;
  /**
   * how (FP) is solved (default 'newton'): 'fixedPoint' iterates λ ← f(λ) as in [40] (monotone from
   * λ = 0, but its rate is 1 − O(1/Γ): thousands of iterations at 20–30 dB); 'newton' solves the same
   * equation λ = f(λ) by safeguarded Newton steps (a fixed-point step wherever the Newton step is not
   * certified), typically converging in under ten iterations. Both give the same λ.
   */
  method?: 'newton' | 'fixedPoint';
}

/** Result of `blpPowerMin`, per channel. */
export interface BlpResult {
  /** precoders [batch, M, K] (column k = w_k); zero for infeasible channels */
  w: ComplexBatchF64;
  /** Σ_k ||w_k||² = Σ_k p_k per channel [batch]; +Infinity where infeasible */
  power: Float64Array;
  /** per-user downlink powers p_k [batch, K] (0 where infeasible) */
  userPower: Float64Array;
  /** dual uplink powers λ_k [batch, K] at the last iterate (Σλ = Σp at the optimum) */
  lambda: Float64Array;
  /**
   * 1 when the returned precoder meets every target (positive solution of (DL)), else 0 [batch]. 0
   * means the targets are infeasible for this channel — or, with `converged` = 0, that (FP) was cut
   * by `maxIter` while its directions could not yet reach them.
   */
  feasible: Uint8Array;
  /** 1 when (FP) met `tol` (the precoder is then the optimum to that tolerance) [batch] */
  converged: Uint8Array;
  /** fixed-point iterations run [batch] */
  iterations: Int32Array;
  /** final max_k |Δλ_k| / λ_k [batch] (Infinity if λ left the finite range or no iteration ran) */
  relChange: Float64Array;
  /** SINR of every user under the returned precoder [batch, K] (0 where infeasible) */
  achievedSinr: Float64Array;
}

/** Options of `blpRobustConservative`. */
export interface BlpRobustOptions extends BlpOptions {
  /**
   * ζ, the bound on the Euclidean NORM of each user's CSI error, ||e_k||₂ ≤ ζ (finite, ≥ 0). NOT ζ²:
   * the paper quotes ζ² (Fig. 6: ζ² = 1e-4 means errorNormBound = 0.01).
   */
  errorNormBound: number;
  /** largest inflation t searched (default 1e6; BLP directions are near ZF well before that) */
  maxInflation?: number;
  /** grid points per decade of t before the golden-section refinement (default 4) */
  gridPerDecade?: number;
}

/**
 * Result of `blpRobustConservative`: the fields of `BlpResult` (`achievedSinr` is the SINR at the
 * estimate ĥ; `lambda`, `iterations`, `converged`, `relChange` describe the (FP) solve of the chosen
 * design, for the inflated targets t·Γ; `power` = Σ p_k no longer equals Σ λ_k), plus:
 */
export interface BlpRobustResult extends BlpResult {
  /** the worst-case SINR bound (WC) of every user [batch, K] (≥ Γ_k where feasible; 0 where not) */
  worstCaseSinrBound: Float64Array;
  /** the common target inflation t chosen per channel [batch] (NaN where infeasible) */
  inflation: Float64Array;
  /** BLP designs (one (FP) solve each) evaluated per channel [batch] */
  designs: Int32Array;
}

/** An iterate of (FP) with Σλ above this has diverged (the targets are infeasible). */
const LAMBDA_DIVERGED = 1e150;
/** Golden-section steps on log t (shrinks the bracket by 0.618^30 ≈ 5e-7). */
const GOLDEN_STEPS = 30;
/**
 * Newton steps that stop contracting with a relative change below max(NEWTON_FLOOR,
 * NEWTON_FLOOR_EPS·cond(A)) are at float64's rounding floor (measured: ≈ 1e-16·cond(A)).
 */
const NEWTON_FLOOR = 1e-8;
const NEWTON_FLOOR_EPS = 1e-14;
/** Accepted relative shortfall of a returned SINR below its target (float64 round-off only). */
const SINR_SLACK = 1e-7;

function targetsOf(fn: string, sinr: number | Float64Array, k: number): Float64Array {
  if (typeof sinr === 'number') {
    return new Float64Array(k).fill(checkFinite(fn, 'opts.sinr', sinr, 0, false));
  }
  if (!(sinr instanceof Float64Array)) throw new Error(`${fn}: opts.sinr must be a number or a Float64Array of length K=${k}; got ${String(sinr)}`);
  if (sinr.length !== k) throw new Error(`${fn}: opts.sinr must have one target per user (length K=${k}); got length ${sinr.length}`);
  for (let i = 0; i < k; i++) checkFinite(fn, `opts.sinr[${i}]`, sinr[i], 0, false);
  return Float64Array.from(sinr);
}

function checkChannels(fn: string, h: ComplexBatchF64): void {
  if (h === null || typeof h !== 'object') throw new Error(`${fn}: h must be a ComplexBatchF64 [batch, K, M]`);
  checkPositiveInt(fn, 'h.batch', h.batch);
  checkPositiveInt(fn, 'h.rows (K users)', h.rows);
  checkPositiveInt(fn, 'h.cols (M antennas)', h.cols);
  checkComplexBatchF64(`${fn}: h`, h);
}

function checkPrecoders(fn: string, h: ComplexBatchF64, w: ComplexBatchF64): void {
  checkComplexBatchF64(`${fn}: w`, w);
  if (w.batch !== h.batch || w.rows !== h.cols || w.cols !== h.rows) {
    throw new Error(`${fn}: w must be [batch, M, K] = [${h.batch}, ${h.cols}, ${h.rows}] to match h [${h.batch}, ${h.rows}, ${h.cols}]; got [${w.batch}, ${w.rows}, ${w.cols}]`);
  }
}

function checkIterOptions(fn: string, opts: BlpOptions): { maxIter: number; tol: number; newton: boolean } {
  const maxIter = opts.maxIter === undefined ? 1000 : checkPositiveInt(fn, 'opts.maxIter', opts.maxIter);
  const tol = opts.tol === undefined ? 1e-12 : checkFinite(fn, 'opts.tol', opts.tol, 0);
  const method = opts.method ?? 'newton';
  if (method !== 'newton' && method !== 'fixedPoint') throw new Error(`${fn}: opts.method must be 'newton' or 'fixedPoint'; got ${String(method)}`);
  return { maxIter, tol, newton: method === 'newton' };
}

/** Scratch arrays of one channel's solve (allocated once per call, reused for every channel). */
interface Work {
  k: number;
  m: number;
  /** this channel's rows h̄_k [K, M] */
  hr: Float64Array;
  hi: Float64Array;
  /** A then its Cholesky factor L (lower triangle) [M, M] */
  lr: Float64Array;
  li: Float64Array;
  /** u_k = A⁻¹ h_k, then ŵ_k, rows [K, M] */
  ur: Float64Array;
  ui: Float64Array;
  /** solve scratch [max(K, M)] */
  yr: Float64Array;
  yi: Float64Array;
  lambda: Float64Array;
  lambdaNew: Float64Array;
  /** K×K system and its right-hand side / solution */
  d: Float64Array;
  p: Float64Array;
  /** per-user |h̄_k ŵ_j| [K, K] */
  g: Float64Array;
  /** Newton scratch: two copies of the Jacobian I − f'(λ) [K, K], and [K] vectors */
  jac: Float64Array;
  jac2: Float64Array;
  ones: Float64Array;
  step: Float64Array;
  fval: Float64Array;
  /** HHᴴ and its Cholesky factor [K, K] (ZF start) */
  gr: Float64Array;
  gi: Float64Array;
}

function makeWork(k: number, m: number): Work {
  return {
    k, m,
    hr: new Float64Array(k * m), hi: new Float64Array(k * m),
    lr: new Float64Array(m * m), li: new Float64Array(m * m),
    ur: new Float64Array(k * m), ui: new Float64Array(k * m),
    yr: new Float64Array(Math.max(k, m)), yi: new Float64Array(Math.max(k, m)),
    lambda: new Float64Array(k), lambdaNew: new Float64Array(k),
    d: new Float64Array(k * k), p: new Float64Array(k),
    g: new Float64Array(k * k),
    jac: new Float64Array(k * k), jac2: new Float64Array(k * k),
    ones: new Float64Array(k), step: new Float64Array(k), fval: new Float64Array(k),
    gr: new Float64Array(k * k), gi: new Float64Array(k * k),
  };
}

function loadChannel(h: ComplexBatchF64, b: number, s: Work): void {
  const n = s.k * s.m, off = b * n;
  for (let i = 0; i < n; i++) {
    s.hr[i] = h.re[off + i];
    s.hi[i] = h.im[off + i];
  }
}

/**
 * In place, the Cholesky factor L of the n×n Hermitian matrix whose lower triangle is in (lr, li):
 * A = L Lᴴ, L lower triangular with real positive diagonal (Cholesky–Banachiewicz:
 * L_cc = √(A_cc − Σ_q |L_cq|²), L_ac = (A_ac − Σ_q L_aq conj(L_cq)) / L_cc). False if A is not
 * numerically positive definite or not finite.
 */
function cholesky(n: number, lr: Float64Array, li: Float64Array): boolean {
  for (let c = 0; c < n; c++) {
    let dd = lr[c * n + c];
    for (let q = 0; q < c; q++) dd -= lr[c * n + q] * lr[c * n + q] + li[c * n + q] * li[c * n + q];
    if (!(dd > 0) || !Number.isFinite(dd)) return false;
    const lcc = Math.sqrt(dd);
    lr[c * n + c] = lcc;
    li[c * n + c] = 0;
    for (let a = c + 1; a < n; a++) {
      let re = lr[a * n + c], im = li[a * n + c];
      for (let q = 0; q < c; q++) {
        const pr = lr[a * n + q], pi = li[a * n + q], qr = lr[c * n + q], qi = -li[c * n + q];
        re -= pr * qr - pi * qi;
        im -= pr * qi + pi * qr;
      }
      lr[a * n + c] = re / lcc;
      li[a * n + c] = im / lcc;
    }
  }
  return true;
}

/**
 * A_{−skip} = σ²I + Σ_{j≠skip} λ_j h_j h_jᴴ, (h_j h_jᴴ)_{ab} = conj(H_ja) H_jb (lower triangle; built
 * from scratch, never by subtracting a term, which would cancel digits at high Γ), then its Cholesky
 * factor. `skip = -1` gives the full A.
 */
function factorA(s: Work, noiseVar: number, lambda: Float64Array, skip: number): boolean {
  const { k, m, hr, hi, lr, li } = s;
  for (let a = 0; a < m; a++) {
    for (let c = 0; c <= a; c++) {
      let re = a === c ? noiseVar : 0, im = 0;
      for (let j = 0; j < k; j++) {
        if (j === skip) continue;
        const l = lambda[j];
        const xr = hr[j * m + a], xi = -hi[j * m + a]; // conj(H_ja)
        const yr = hr[j * m + c], yi = hi[j * m + c]; // H_jc
        re += l * (xr * yr - xi * yi);
        im += l * (xr * yi + xi * yr);
      }
      lr[a * m + c] = re;
      li[a * m + c] = im;
    }
  }
  return cholesky(m, lr, li);
}

/**
 * The zero-forcing point λ^ZF_k = Γ_k σ² [(HHᴴ)⁻¹]_kk into s.lambda (K ≤ M, HHᴴ nonsingular): the
 * uplink powers that meet every target with ZF receivers. MMSE receivers need no more, so
 * f(λ^ZF) ≤ λ^ZF: a start above the fixed point, from which Newton decreases monotonically.
 * [(HHᴴ)⁻¹]_kk = ||L⁻¹ e_k||² with HHᴴ = L Lᴴ. False (λ untouched) if K > M or HHᴴ is singular.
 */
function zfStart(s: Work, gamma: Float64Array, noiseVar: number): boolean {
  const { k, m, hr, hi, gr, gi, yr, yi, step } = s;
  if (k > m) return false;
  for (let a = 0; a < k; a++) {
    for (let c = 0; c <= a; c++) {
      let re = 0, im = 0; // Σ_q H_aq conj(H_cq)
      for (let q = 0; q < m; q++) {
        const xr = hr[a * m + q], xi = hi[a * m + q], zr = hr[c * m + q], zi = -hi[c * m + q];
        re += xr * zr - xi * zi;
        im += xr * zi + xi * zr;
      }
      gr[a * k + c] = re;
      gi[a * k + c] = im;
    }
  }
  if (!cholesky(k, gr, gi)) return false;
  for (let u = 0; u < k; u++) {
    let nn = 0;
    for (let a = 0; a < k; a++) {
      let re = a === u ? 1 : 0, im = 0;
      for (let q = 0; q < a; q++) {
        const pr = gr[a * k + q], pi = gi[a * k + q];
        re -= pr * yr[q] - pi * yi[q];
        im -= pr * yi[q] + pi * yr[q];
      }
      yr[a] = re / gr[a * k + a];
      yi[a] = im / gr[a * k + a];
      nn += yr[a] * yr[a] + yi[a] * yi[a];
    }
    const l = gamma[u] * noiseVar * nn;
    if (!(l > 0) || !Number.isFinite(l)) return false;
    step[u] = l;
  }
  for (let u = 0; u < k; u++) s.lambda[u] = step[u];
  return true;
}

/** Row u of (ur, ui) ← A⁻¹ h_u (h_u = conj of row u) with the factor in (lr, li): L y = h_u, Lᴴ x = y. */
function solveOne(s: Work, u: number): void {
  const { m, hr, hi, lr, li, ur, ui, yr, yi } = s;
  for (let a = 0; a < m; a++) {
    let re = hr[u * m + a], im = -hi[u * m + a];
    for (let q = 0; q < a; q++) {
      const pr = lr[a * m + q], pi = li[a * m + q];
      re -= pr * yr[q] - pi * yi[q];
      im -= pr * yi[q] + pi * yr[q];
    }
    const l = lr[a * m + a];
    yr[a] = re / l;
    yi[a] = im / l;
  }
  for (let a = m - 1; a >= 0; a--) {
    let re = yr[a], im = yi[a];
    for (let q = a + 1; q < m; q++) {
      const pr = lr[q * m + a], pi = -li[q * m + a]; // (Lᴴ)_{aq} = conj(L_qa)
      const xr = ur[u * m + q], xi = ui[u * m + q];
      re -= pr * xr - pi * xi;
      im -= pr * xi + pi * xr;
    }
    const l = lr[a * m + a];
    ur[u * m + a] = re / l;
    ui[u * m + a] = im / l;
  }
}

/** |h̄_r · (row c of ur, ui)|² */
function rowDot2(s: Work, r: number, c: number): number {
  const { m, hr, hi, ur, ui } = s;
  let re = 0, im = 0;
  for (let a = 0; a < m; a++) {
    const xr = hr[r * m + a], xi = hi[r * m + a], yr = ur[c * m + a], yi = ui[c * m + a];
    re += xr * yr - xi * yi;
    im += xr * yi + xi * yr;
  }
  return re * re + im * im;
}

/**
 * Solve the K×K real system d·x = rhs (d row-major, overwritten) by Gaussian elimination with partial
 * pivoting; x is written to `out`. False if singular or not finite.
 */
function solveReal(n: number, d: Float64Array, rhs: Float64Array, out: Float64Array): boolean {
  for (let i = 0; i < n; i++) out[i] = rhs[i];
  for (let c = 0; c < n; c++) {
    let piv = c, best = Math.abs(d[c * n + c]);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(d[r * n + c]);
      if (v > best) { best = v; piv = r; }
    }
    if (!(best > 0) || !Number.isFinite(best)) return false;
    if (piv !== c) {
      for (let q = 0; q < n; q++) { const t = d[c * n + q]; d[c * n + q] = d[piv * n + q]; d[piv * n + q] = t; }
      const t = out[c]; out[c] = out[piv]; out[piv] = t;
    }
    const inv = 1 / d[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = d[r * n + c] * inv;
      if (f === 0) continue;
      for (let q = c; q < n; q++) d[r * n + q] -= f * d[c * n + q];
      out[r] -= f * out[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let v = out[r];
    for (let q = r + 1; q < n; q++) v -= d[r * n + q] * out[q];
    out[r] = v / d[r * n + r];
    if (!Number.isFinite(out[r])) return false;
  }
  return true;
}

/** Outcome of one (FP) run on the channel loaded in `s`. */
interface FpOutcome {
  ok: boolean;
  converged: boolean;
  iterations: number;
  relChange: number;
}

/**
 * Solve (FP) with targets `gamma`, then leave unit-norm directions ŵ_k in (s.ur, s.ui). `ok` is false
 * when λ diverged or a matrix could not be factored (no directions are left then).
 *
 * Start: with `coldStart`, the ZF point λ^ZF (see `zfStart`) when `newton` and K ≤ M, else λ = 0;
 * without it, the λ already in `s.lambda` (a warm start).
 *
 * Computation. By the matrix inversion lemma, with A_{−k} = A without user k's term and
 * x̃_k = h_kᴴ A_{−k}⁻¹ h_k,  h_kᴴ A⁻¹ h_k = x̃_k / (1 + λ_k x̃_k), so (FP) reads
 *   λ_k = f_k(λ) = (f̃_k(λ) + Γ_k λ_k) / (1 + Γ_k),   f̃_k(λ) = Γ_k / x̃_k(λ),
 * where f̃_k is the power user k needs with its MMSE receiver (Yates' standard interference function):
 * the same fixed points, and A⁻¹h_k ∝ A_{−k}⁻¹h_k, so the directions of step 2 are A_{−k}⁻¹h_k
 * normalised. We evaluate x̃_k with a Cholesky factor of A_{−k} per user: computing h_kᴴA⁻¹h_k and
 * undoing the lemma instead loses digits in proportion to Γ (λ_k h_kᴴA⁻¹h_k → Γ_k/(1 + Γ_k)).
 *
 * 'fixedPoint' (`newton = false`) iterates λ ← f(λ), the iteration of [40] — the Yates iteration
 * damped by 1/(1 + Γ_k), hence its rate 1 − O(1/Γ) (thousands of iterations at 20–30 dB).
 *
 * 'newton' solves g(λ) = λ − f̃(λ) = 0 (same zeros). f̃ is increasing and concave
 * (1/x̃_k = min_{hᴴv=1} vᴴA_{−k}v is a minimum of functions affine in λ) with f̃(0) > 0, so g is
 * convex with Z-matrix Jacobian J = I − f̃'(λ),
 *   ∂f̃_k/∂λ_j = Γ_k |h_jᴴ A_{−k}⁻¹ h_k|² / x̃_k²  (j ≠ k; 0 for j = k).
 * Wherever J is a nonsingular M-matrix (tested by J·y = 1 having y > 0) the Newton step λ − J⁻¹g(λ)
 * lands at or above the fixed point, and from a point above Newton decreases monotonically to it,
 * quadratically at the end (Ortega & Rheinboldt, Iterative Solution of Nonlinear Equations, 13.3.4);
 * at every point above (f̃(λ) ≤ λ) J is an M-matrix, since concavity and f̃(0) > 0 give
 * f̃'(λ)λ < f̃(λ) ≤ λ. Where the step is not certified the undamped Yates step λ ← f̃(λ) is taken.
 * A certified step also certifies feasibility (a λ with f̃(λ) ≤ λ exists only for feasible targets).
 * Newton stops at `tol`, or when two certified steps in a row no longer contract (the change is then
 * at float64's rounding floor).
 */
function runFixedPoint(s: Work, gamma: Float64Array, noiseVar: number, maxIter: number, tol: number, newton: boolean, coldStart: boolean): FpOutcome {
  const { k, m, lambda, lambdaNew, jac, jac2, ones, step, fval, ur, ui } = s;
  const fail = (iterations: number, relChange: number): FpOutcome => ({ ok: false, converged: false, iterations, relChange });
  if (coldStart && !(newton && zfStart(s, gamma, noiseVar))) lambda.fill(0);
  /** v_k = A_{−k}⁻¹ h_k into row k of (ur, ui) and f̃_k into fval; false if not finite */
  const evalYates = (): boolean => {
    for (let u = 0; u < k; u++) {
      if (!factorA(s, noiseVar, lambda, u)) return false;
      solveOne(s, u);
      let x = 0; // x̃_u = h_uᴴ v_u = Re(h̄_u v_u) > 0
      for (let a = 0; a < m; a++) x += s.hr[u * m + a] * ur[u * m + a] - s.hi[u * m + a] * ui[u * m + a];
      const l = gamma[u] / x;
      if (!(x > 0) || !Number.isFinite(l)) return false;
      fval[u] = l;
    }
    return true;
  };
  let it = 0, rel = Infinity, converged = false, prevRel = Infinity, prevNewton = false;
  while (it < maxIter) {
    if (!evalYates()) return fail(it, Infinity);
    it++;
    let newtonStep = false;
    for (let u = 0; u < k; u++) lambdaNew[u] = newton ? fval[u] : (fval[u] + gamma[u] * lambda[u]) / (1 + gamma[u]);
    if (newton) {
      for (let r = 0; r < k; r++) {
        let x = 0;
        for (let a = 0; a < m; a++) x += s.hr[r * m + a] * ur[r * m + a] - s.hi[r * m + a] * ui[r * m + a];
        const scale = gamma[r] / (x * x);
        for (let c = 0; c < k; c++) {
          const v = r === c ? 1 : -scale * rowDot2(s, c, r);
          jac[r * k + c] = v;
          jac2[r * k + c] = v;
        }
        ones[r] = 1;
        step[r] = fval[r] - lambda[r];
      }
      // J y = 1 with y > 0 ⇔ J is a nonsingular M-matrix; then the Newton step J·d = f̃(λ) − λ
      let mMatrix = solveReal(k, jac, ones, fval);
      for (let r = 0; mMatrix && r < k; r++) if (!(fval[r] > 0)) mMatrix = false;
      if (mMatrix && solveReal(k, jac2, step, fval)) {
        let ok = true;
        for (let r = 0; r < k; r++) {
          const v = lambda[r] + fval[r];
          if (!(v > 0) || !Number.isFinite(v)) { ok = false; break; }
          fval[r] = v;
        }
        if (ok) {
          for (let r = 0; r < k; r++) lambdaNew[r] = fval[r];
          newtonStep = true;
        }
      }
    }
    rel = 0;
    let sum = 0;
    for (let u = 0; u < k; u++) {
      const l = lambdaNew[u];
      sum += l;
      const ch = Math.abs(l - lambda[u]) / l;
      if (ch > rel || Number.isNaN(ch)) rel = ch;
      lambda[u] = l;
    }
    if (!(sum < LAMBDA_DIVERGED)) return fail(it, Infinity);
    if (rel <= tol) { converged = true; break; }
    // Newton converges quadratically; two certified steps in a row that no longer shrink the change
    // mean λ is at its rounding floor, ≈ ε·cond(A) with cond(A) ≤ (σ² + Σ_j λ_j ||h_j||²)/σ²
    if (newtonStep && prevNewton && rel > prevRel / 4) {
      let big = noiseVar;
      for (let u = 0; u < k; u++) {
        let nn = 0;
        for (let a = 0; a < m; a++) nn += s.hr[u * m + a] * s.hr[u * m + a] + s.hi[u * m + a] * s.hi[u * m + a];
        big += lambda[u] * nn;
      }
      if (prevRel <= Math.max(NEWTON_FLOOR, (NEWTON_FLOOR_EPS * big) / noiseVar)) { converged = true; break; }
    }
    prevRel = rel;
    prevNewton = newtonStep;
  }
  // directions ŵ_k ∝ A⁻¹h_k ∝ A_{−k}⁻¹h_k from the final λ
  if (!evalYates()) return fail(it, rel);
  for (let u = 0; u < k; u++) {
    let nn = 0;
    for (let a = 0; a < m; a++) nn += ur[u * m + a] * ur[u * m + a] + ui[u * m + a] * ui[u * m + a];
    if (!(nn > 0) || !Number.isFinite(nn)) return fail(it, rel);
    const inv = 1 / Math.sqrt(nn);
    for (let a = 0; a < m; a++) { ur[u * m + a] *= inv; ui[u * m + a] *= inv; }
  }
  return { ok: true, converged, iterations: it, relChange: rel };
}

/** g[k, j] = |h̄_k ŵ_j| for the directions in (s.ur, s.ui). */
function gains(s: Work): void {
  const { k, g } = s;
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      g[r * k + c] = Math.sqrt(rowDot2(s, r, c));
    }
  }
}

/**
 * Least powers p (into s.p) meeting, for the unit directions whose gains are in s.g,
 *   (1/Γ_k)(g_kk − ζ)₊² p_k − Σ_{j≠k} (g_kj + ζ)² p_j ≥ σ²   with equality;
 * ζ = 0 is (DL). True iff the solution is finite and positive (the Z-matrix is then an M-matrix and
 * this p is the componentwise least feasible one).
 */
function powersFor(s: Work, gamma: Float64Array, noiseVar: number, zeta: number): boolean {
  const { k, g, d, p, lambdaNew: rhs } = s;
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      if (r === c) {
        const a = Math.max(0, g[r * k + r] - zeta);
        d[r * k + r] = (a * a) / gamma[r];
      } else {
        const a = g[r * k + c] + zeta;
        d[r * k + c] = -a * a;
      }
    }
    rhs[r] = noiseVar;
  }
  if (!solveReal(k, d, rhs, p)) return false;
  for (let r = 0; r < k; r++) if (!(p[r] > 0) || !Number.isFinite(p[r])) return false;
  return true;
}

/**
 * Σ_k Γ_k/(1 + Γ_k). At a fixed point of (FP), Σ_k λ_k h_kᴴA⁻¹h_k = tr(A⁻¹(A − σ²I)) = M − σ² tr A⁻¹,
 * and each term is Γ_k/(1 + Γ_k): targets with Σ_k Γ_k/(1 + Γ_k) ≥ M are infeasible for every
 * channel (only possible when K > M), and are flagged without iterating.
 */
function sumRatio(gamma: Float64Array): number {
  let t = 0;
  for (let u = 0; u < gamma.length; u++) t += gamma[u] / (1 + gamma[u]);
  return t;
}

function sumOf(x: Float64Array): number {
  let t = 0;
  for (let i = 0; i < x.length; i++) t += x[i];
  return t;
}

/** Write w_k = √p_k ŵ_k of channel b into `w` ([batch, M, K]). */
function storePrecoder(s: Work, b: number, w: ComplexBatchF64): void {
  const { k, m, ur, ui, p } = s;
  for (let u = 0; u < k; u++) {
    const sp = Math.sqrt(p[u]);
    for (let a = 0; a < m; a++) {
      w.re[(b * m + a) * k + u] = sp * ur[u * m + a];
      w.im[(b * m + a) * k + u] = sp * ui[u * m + a];
    }
  }
}

/** SINR of every user of channel b under w into out[b·K ..] (σ² > 0; the (WC) bound when ζ > 0). */
function sinrOne(h: ComplexBatchF64, w: ComplexBatchF64, b: number, noiseVar: number, zeta: number, out: Float64Array): void {
  const { rows: k, cols: m } = h;
  for (let r = 0; r < k; r++) {
    let sig = 0, intf = noiseVar;
    for (let c = 0; c < k; c++) {
      let re = 0, im = 0, nn = 0;
      for (let a = 0; a < m; a++) {
        const xr = h.re[(b * k + r) * m + a], xi = h.im[(b * k + r) * m + a];
        const yr = w.re[(b * m + a) * k + c], yi = w.im[(b * m + a) * k + c];
        re += xr * yr - xi * yi;
        im += xr * yi + xi * yr;
        nn += yr * yr + yi * yi;
      }
      const amp = Math.hypot(re, im), wn = zeta > 0 ? Math.sqrt(nn) : 0;
      if (c === r) { const a = Math.max(0, amp - zeta * wn); sig = a * a; }
      else { const a = amp + zeta * wn; intf += a * a; }
    }
    out[b * k + r] = sig / intf;
  }
}

/**
 * SINR_k = |h̄_k w_k|² / (Σ_{j≠k} |h̄_k w_j|² + σ²) of every user, `[batch, K]`, for channels
 * `h` [batch, K, M] (rows = users) and precoders `w` [batch, M, K] (columns = users).
 */
export function sinrOf(h: ComplexBatchF64, w: ComplexBatchF64, noiseVar: number): Float64Array {
  const fn = 'sinrOf(h, w, noiseVar)';
  checkChannels(fn, h);
  checkPrecoders(fn, h, w);
  checkFinite(fn, 'noiseVar', noiseVar, 0, false);
  const out = new Float64Array(h.batch * h.rows);
  for (let b = 0; b < h.batch; b++) sinrOne(h, w, b, noiseVar, 0, out);
  return out;
}

/**
 * The worst-case SINR lower bound (WC) of every user, `[batch, K]`, for estimated channels `h`
 * (rows ĥ̄_k) whose true rows may be off by any e_k with ||e_k||₂ ≤ ζ = `errorNormBound`:
 *   (max(0, |ĥ̄_k w_k| − ζ||w_k||))² / (Σ_{j≠k} (|ĥ̄_k w_j| + ζ||w_j||)² + σ²).
 * It is a valid (generally not tight) lower bound on min_e SINR_k; with ζ = 0 it is `sinrOf`.
 */
export function worstCaseSinrBound(h: ComplexBatchF64, w: ComplexBatchF64, opts: { noiseVar: number; errorNormBound: number }): Float64Array {
  const fn = 'worstCaseSinrBound(h, w, opts)';
  checkChannels(fn, h);
  checkPrecoders(fn, h, w);
  const noiseVar = checkFinite(fn, 'opts.noiseVar', opts.noiseVar, 0, false);
  const zeta = checkFinite(fn, 'opts.errorNormBound', opts.errorNormBound, 0);
  const out = new Float64Array(h.batch * h.rows);
  for (let b = 0; b < h.batch; b++) sinrOne(h, w, b, noiseVar, zeta, out);
  return out;
}

/**
 * The least downlink powers that give every user exactly its target with fixed beam directions:
 * (DL) for the unit-normalised columns of `directions` [batch, M, K]. `power` is [batch, K] (0 where
 * infeasible); `feasible[b]` is 1 iff the solution is positive (the targets are reachable with these
 * directions). With the BLP directions this is step 3 of `blpPowerMin`; with any other directions it
 * prices them (used to check optimality).
 */
export function downlinkPowers(h: ComplexBatchF64, directions: ComplexBatchF64, opts: { sinr: number | Float64Array; noiseVar: number }): { power: Float64Array; feasible: Uint8Array } {
  const fn = 'downlinkPowers(h, directions, opts)';
  checkChannels(fn, h);
  checkPrecoders(fn, h, directions);
  const { batch, rows: k, cols: m } = h;
  const gamma = targetsOf(fn, opts.sinr, k);
  const noiseVar = checkFinite(fn, 'opts.noiseVar', opts.noiseVar, 0, false);
  const s = makeWork(k, m);
  const power = new Float64Array(batch * k);
  const feasible = new Uint8Array(batch);
  for (let b = 0; b < batch; b++) {
    loadChannel(h, b, s);
    let ok = true;
    for (let u = 0; u < k; u++) {
      let nn = 0;
      for (let a = 0; a < m; a++) {
        const re = directions.re[(b * m + a) * k + u], im = directions.im[(b * m + a) * k + u];
        s.ur[u * m + a] = re;
        s.ui[u * m + a] = im;
        nn += re * re + im * im;
      }
      if (!(nn > 0) || !Number.isFinite(nn)) { ok = false; break; }
      const inv = 1 / Math.sqrt(nn);
      for (let a = 0; a < m; a++) { s.ur[u * m + a] *= inv; s.ui[u * m + a] *= inv; }
    }
    if (!ok) continue;
    gains(s);
    if (!powersFor(s, gamma, noiseVar, 0)) continue;
    feasible[b] = 1;
    for (let u = 0; u < k; u++) power[b * k + u] = s.p[u];
  }
  return { power, feasible };
}

function emptyResult(batch: number, k: number, m: number): BlpResult {
  return {
    w: { batch, rows: m, cols: k, re: new Float64Array(batch * m * k), im: new Float64Array(batch * m * k) },
    power: new Float64Array(batch).fill(Infinity),
    userPower: new Float64Array(batch * k),
    lambda: new Float64Array(batch * k),
    feasible: new Uint8Array(batch),
    converged: new Uint8Array(batch),
    iterations: new Int32Array(batch),
    relChange: new Float64Array(batch),
    achievedSinr: new Float64Array(batch * k),
  };
}

/** Every SINR of channel b within SINR_SLACK (relative) above its target? */
function meetsTargets(sinr: Float64Array, b: number, k: number, gamma: Float64Array): boolean {
  for (let u = 0; u < k; u++) if (!(sinr[b * k + u] >= gamma[u] * (1 - SINR_SLACK))) return false;
  return true;
}

/**
 * Optimal SINR-constrained power minimisation (nonrobust conventional BLP, [40]) for every channel of
 * `h` [batch, K, M], by (FP) → directions → (DL) (see the file comment). K > M is allowed (then
 * feasibility depends on the targets). Infeasible channels are flagged, never thrown.
 *
 * `feasible` = the returned precoder meets every target (to 1e-7 relative); `converged` = (FP) met
 * `tol`, so the power is optimal to that tolerance. A channel can be feasible but not converged
 * (targets near the edge of the SINR region with a small `maxIter`): its precoder then meets the
 * targets with more than the least power.
 */
export function blpPowerMin(h: ComplexBatchF64, opts: BlpOptions): BlpResult {
  const fn = 'blpPowerMin(h, opts)';
  checkChannels(fn, h);
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: opts must be an object { sinr, noiseVar, maxIter?, tol? }`);
  const { batch, rows: k, cols: m } = h;
  const gamma = targetsOf(fn, opts.sinr, k);
  const noiseVar = checkFinite(fn, 'opts.noiseVar', opts.noiseVar, 0, false);
  const { maxIter, tol, newton } = checkIterOptions(fn, opts);
  const res = emptyResult(batch, k, m);
  const s = makeWork(k, m);
  if (!(sumRatio(gamma) < m)) {
    res.relChange.fill(Infinity);
    return res;
  }
  for (let b = 0; b < batch; b++) {
    loadChannel(h, b, s);
    const fp = runFixedPoint(s, gamma, noiseVar, maxIter, tol, newton, true);
    res.iterations[b] = fp.iterations;
    res.relChange[b] = fp.relChange;
    res.converged[b] = fp.converged ? 1 : 0;
    for (let u = 0; u < k; u++) res.lambda[b * k + u] = s.lambda[u];
    if (!fp.ok) continue;
    gains(s);
    if (!powersFor(s, gamma, noiseVar, 0)) continue;
    storePrecoder(s, b, res.w);
    sinrOne(h, res.w, b, noiseVar, 0, res.achievedSinr);
    if (!meetsTargets(res.achievedSinr, b, k, gamma)) {
      clearChannel(res, b, k, m);
      continue;
    }
    res.feasible[b] = 1;
    res.power[b] = sumOf(s.p);
    for (let u = 0; u < k; u++) res.userPower[b * k + u] = s.p[u];
  }
  return res;
}

function clearChannel(res: BlpResult, b: number, k: number, m: number): void {
  res.w.re.fill(0, b * m * k, (b + 1) * m * k);
  res.w.im.fill(0, b * m * k, (b + 1) * m * k);
  res.achievedSinr.fill(0, b * k, (b + 1) * k);
}

/**
 * CONSERVATIVE robust BLP under worst-case CSI error ||e_k||₂ ≤ ζ (`errorNormBound`) per user, for
 * estimated channels `h` (rows ĥ̄_k): a stand-in for the SDP design of [39], which we do not implement.
 *
 * For a common inflation t ≥ 1 the directions are those of the nonrobust BLP (`blpPowerMin`) for
 * targets t·Γ_k; the powers are the least ones for which the worst-case bound (WC) equals Γ_k for
 * every user (a K×K M-matrix system like (DL), with gains (|ĥ̄_k ŵ_k| − ζ)₊² and (|ĥ̄_k ŵ_j| + ζ)²).
 * t is searched on a log grid over [1, maxInflation] (`gridPerDecade` points a decade, in increasing
 * t, stopping at the first t whose nonrobust design is infeasible; (FP) starts from the ZF point when
 * K ≤ M, else warm from the previous t), then refined by golden-section search on log t over the grid
 * cells next to the best grid point (power(t) need not be unimodal: this is a local refinement of a
 * global grid). At ζ = 0 no search is made: t = 1, exactly the nonrobust BLP (optimal over all
 * precoders).
 *
 * The returned precoder meets the exact worst-case SINR constraint (the bound (WC) is ≤ the true
 * worst-case SINR), so `power` is an UPPER BOUND on the least power of the exact worst-case robust BLP
 * of [39]; the gap comes from the bound (WC) (it lets each error act separately on every term) and
 * from the restricted family of directions. Channels where no t gives a positive power solution are
 * reported `feasible = 0` (power +∞); such a channel may still be feasible for the exact design.
 */
export function blpRobustConservative(h: ComplexBatchF64, opts: BlpRobustOptions): BlpRobustResult {
  const fn = 'blpRobustConservative(h, opts)';
  checkChannels(fn, h);
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: opts must be an object { sinr, noiseVar, errorNormBound, ... }`);
  const { batch, rows: k, cols: m } = h;
  const gamma = targetsOf(fn, opts.sinr, k);
  const noiseVar = checkFinite(fn, 'opts.noiseVar', opts.noiseVar, 0, false);
  const zeta = checkFinite(fn, 'opts.errorNormBound', opts.errorNormBound, 0);
  const { maxIter, tol, newton } = checkIterOptions(fn, opts);
  const tMax = opts.maxInflation === undefined ? 1e6 : checkFinite(fn, 'opts.maxInflation', opts.maxInflation, 1);
  const perDecade = opts.gridPerDecade === undefined ? 4 : checkPositiveInt(fn, 'opts.gridPerDecade', opts.gridPerDecade);
  // at ζ = 0 the nonrobust BLP (t = 1) is optimal over all precoders: nothing to search
  const nGrid = zeta === 0 || tMax === 1 ? 1 : Math.ceil(Math.log10(tMax) * perDecade) + 1;
  const logMax = Math.log(tMax);

  const base = emptyResult(batch, k, m);
  const res: BlpRobustResult = {
    ...base,
    worstCaseSinrBound: new Float64Array(batch * k),
    inflation: new Float64Array(batch).fill(NaN),
    designs: new Int32Array(batch),
  };
  const s = makeWork(k, m);
  const inflated = new Float64Array(k);
  const bestP = new Float64Array(k), bestUr = new Float64Array(k * m), bestUi = new Float64Array(k * m), bestLambda = new Float64Array(k);
  const gridLambda = new Float64Array(nGrid * k);
  const gridPower = new Float64Array(nGrid);

  for (let b = 0; b < batch; b++) {
    loadChannel(h, b, s);
    let best = Infinity, bestT = NaN, bestIter = 0, bestRel = 0, bestConv = false, designs = 0;
    /** Design at log-inflation x (λ0: warm start, used when K > M; null = cold); the robust power (∞ if none). */
    const evaluate = (x: number, lambda0: Float64Array | null, lambda0Off: number): { power: number; ok: boolean } => {
      const t = Math.exp(x);
      for (let u = 0; u < k; u++) inflated[u] = gamma[u] * t;
      if (!(sumRatio(inflated) < m)) return { power: Infinity, ok: false };
      // K ≤ M with Newton: cold (ZF) start every time; otherwise warm-start from λ0 (below the fixed point)
      const cold = lambda0 === null || (newton && k <= m);
      if (!cold) for (let u = 0; u < k; u++) s.lambda[u] = lambda0[lambda0Off + u];
      designs++;
      const fp = runFixedPoint(s, inflated, noiseVar, maxIter, tol, newton, cold);
      if (!fp.ok) return { power: Infinity, ok: false };
      gains(s);
      const power = powersFor(s, gamma, noiseVar, zeta) ? sumOf(s.p) : Infinity;
      if (power < best) {
        best = power; bestT = t; bestIter = fp.iterations; bestRel = fp.relChange; bestConv = fp.converged;
        bestP.set(s.p); bestUr.set(s.ur); bestUi.set(s.ui); bestLambda.set(s.lambda);
      }
      return { power, ok: true };
    };
    // log grid, increasing t (for K > M each (FP) warm-starts from the previous λ, below the new fixed point)
    let last = -1;
    for (let i = 0; i < nGrid; i++) {
      const x = nGrid === 1 ? 0 : (logMax * i) / (nGrid - 1);
      const r = evaluate(x, i === 0 ? null : gridLambda, (i - 1) * k);
      if (!r.ok) break; // the nonrobust targets t·Γ are infeasible, and so are all larger t
      for (let u = 0; u < k; u++) gridLambda[i * k + u] = s.lambda[u];
      gridPower[i] = r.power;
      last = i;
    }
    let iBest = -1;
    for (let i = 0; i <= last; i++) if (gridPower[i] < Infinity && (iBest < 0 || gridPower[i] < gridPower[iBest])) iBest = i;
    if (iBest >= 0 && zeta > 0 && last > 0) {
      // golden section on log t over the neighbouring grid cells of the best point (λ warm start from
      // the grid point below, which lies below every fixed point in the bracket)
      const step = logMax / (nGrid - 1);
      let lo = Math.max(0, iBest - 1) * step, hi = Math.min(last, iBest + 1) * step;
      const warm = Math.max(0, iBest - 1);
      const phi = (Math.sqrt(5) - 1) / 2;
      let x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
      let f1 = evaluate(x1, gridLambda, warm * k).power, f2 = evaluate(x2, gridLambda, warm * k).power;
      for (let g = 0; g < GOLDEN_STEPS; g++) {
        if (f1 <= f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - phi * (hi - lo); f1 = evaluate(x1, gridLambda, warm * k).power; }
        else { lo = x1; x1 = x2; f1 = f2; x2 = lo + phi * (hi - lo); f2 = evaluate(x2, gridLambda, warm * k).power; }
      }
    }
    res.designs[b] = designs;
    if (!(best < Infinity)) {
      res.relChange[b] = Infinity;
      continue;
    }
    s.p.set(bestP); s.ur.set(bestUr); s.ui.set(bestUi);
    for (let u = 0; u < k; u++) res.lambda[b * k + u] = bestLambda[u];
    res.iterations[b] = bestIter;
    res.relChange[b] = bestRel;
    res.converged[b] = bestConv ? 1 : 0;
    storePrecoder(s, b, res.w);
    sinrOne(h, res.w, b, noiseVar, zeta, res.worstCaseSinrBound);
    if (!meetsTargets(res.worstCaseSinrBound, b, k, gamma)) {
      clearChannel(res, b, k, m);
      res.worstCaseSinrBound.fill(0, b * k, (b + 1) * k);
      continue;
    }
    sinrOne(h, res.w, b, noiseVar, 0, res.achievedSinr);
    res.feasible[b] = 1;
    res.power[b] = best;
    res.inflation[b] = bestT;
    for (let u = 0; u < k; u++) res.userPower[b * k + u] = bestP[u];
  }
  return res;
}
