/**
 * Classic WMMSE for the MISO downlink (WMMSE paper §III, after Shi et al. [15]), in float64.
 *
 * Each iteration: w (5a), u (5b), then V (5c) v_i = α_i u_i w_i (A + μI)⁻¹ h_i with A of (6), where
 * μ ≥ 0 meets Tr(V Vᴴ) = P through the eigendecomposition A = U Λ Uᴴ and a bisection on (8):
 *   Σ_j Φ_jj / (Λ_jj + μ)² = P,   Φ = Uᴴ (Σ_i α_i² w_i² |u_i|² h_i h_iᴴ) U.
 * Initialisation: matched filter at full power. Stops per channel when the WSR gain of an iteration is
 * ≤ `tol` (1e-4 in §VI-A) or after `maxIter` iterations ("truncated WMMSE").
 *
 * A baseline that is never trained: it runs in JavaScript on typed arrays (channels batched through
 * one Jacobi eigendecomposition call per iteration), so it is exact to float64 and needs no tfjs.
 * Channels are rows (library convention): h̄_i = h_iᴴ, so A = Σ_i α_i w_i |u_i|² h̄_iᴴ h̄_i.
 */
import type { ComplexBatchF64 } from '../../core/complexF64';
import { Eigh, eighHermitian } from '../../core/linalg';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import type { WmmseSystem } from './system';


export interface WmmseOptions {
  /** iteration cap (the truncated baseline uses L) */
  maxIter: number;
  /** stop a channel when its WSR gain ≤ tol (default 1e-4; 0 or negative = never stop early) */
  tol?: number;
  /**
   * record the WSR after every iteration (default true). With `trace: false` and `tol <= 0` no WSR is
   * computed inside the loop (for timing the bare algorithm); `wsrTrace` then holds only the final WSR.
   */
  trace?: boolean;
  /**
   * bisection tolerance on P − Tr(VVᴴ) (default 1e-8). The paper stops at 1e-4; at low P that slack
   * lets an iteration lose up to ~1e-4 of WSR (measured at 0 dB), so we bisect tighter by default,
   * which keeps the iterations monotone and still meets the 1e-4 constraint of §VI-A.
   */
  powerTol?: number;
}

export interface WmmseResult {
  /** beamformers, row-major [batch, M, N] */
  vRe: Float64Array;
  vIm: Float64Array;
  /** WSR of every channel after iteration l = 0 (initialisation) .. maxIter, [maxIter + 1][batch]; a stopped channel keeps its last value */
  wsrTrace: Float64Array[];
  /** iterations each channel ran */
  iterations: Int32Array;
  /** max over channels of |Tr(VVᴴ) − P| when the constraint is active, else 0 */
  maxPowerError: number;
  /**
   * Work done, summed over every channel and iteration that ran: `updates` (5c) updates, the Jacobi
   * sweeps of their eigendecompositions and the bisection steps on (8) (for the operation counts)
   */
  work?: { updates: number; eigSweeps: number; bisectionSteps: number };
}

/** Bisection cap on (8): 200 halvings reach any float64 tolerance from the bracket. */
const BISECTION_MAX_STEPS = 200;

/** Tr(V(μ)V(μ)ᴴ) = Σ_j Φ_jj / (λ_j + μ)² of (8), λ already clamped at 0; ∞ where λ_j + μ = 0 < Φ_jj. */
function powerAt(lam: Float64Array, phi: Float64Array, m: number, mu: number): number {
  let t = 0;
  for (let j = 0; j < m; j++) {
    const d = lam[j] + mu;
    if (phi[j] > 0) t += d > 0 ? phi[j] / (d * d) : Infinity;
  }
  return t;
}

/**
 * For channel b and user i: Σ_j |h̄_i v_j|² + σ² (`total`) and g_ii = h̄_i v_i (`dRe`, `dIm`).
 * `out` is reused to avoid allocations in the inner loops.
 */
function userStats(ch: ComplexBatchF64, vRe: Float64Array, vIm: Float64Array, b: number, i: number, noiseVar: number, out: Float64Array): void {
  const { rows: n, cols: m } = ch;
  let total = noiseVar, dRe = 0, dIm = 0;
  for (let j = 0; j < n; j++) {
    let gr = 0, gi = 0;
    for (let k = 0; k < m; k++) {
      const hr = ch.re[(b * n + i) * m + k], hi = ch.im[(b * n + i) * m + k];
      const vr = vRe[(b * m + k) * n + j], vi = vIm[(b * m + k) * n + j];
      gr += hr * vr - hi * vi;
      gi += hr * vi + hi * vr;
    }
    total += gr * gr + gi * gi;
    if (i === j) { dRe = gr; dIm = gi; }
  }
  out[0] = total; out[1] = dRe; out[2] = dIm;
}

/** Per-channel WSR of beamformers (float64): Σ_i α_i log₂(total_i / (total_i − |g_ii|²)). */
export function wsrF64(ch: ComplexBatchF64, vRe: Float64Array, vIm: Float64Array, sys: WmmseSystem, out = new Float64Array(ch.batch)): Float64Array {
  const st = new Float64Array(3);
  for (let b = 0; b < ch.batch; b++) {
    let s = 0;
    for (let i = 0; i < ch.rows; i++) {
      userStats(ch, vRe, vIm, b, i, sys.noiseVar, st);
      s += (sys.alpha[i] * Math.log(st[0] / (st[0] - st[1] * st[1] - st[2] * st[2]))) / Math.LN2;
    }
    out[b] = s;
  }
  return out;
}

/**
 * (5a), (5b) and the data of (5c) for channel b: w_i, u_i from g_ij = h̄_i v_j; A = Σ α w |u|² h̄ᴴ h̄
 * (6), Bm = Σ α² w² |u|² h̄ᴴ h̄ (for Φ of (8)) and the right-hand sides b_i = α_i w_i u_i h̄_iᴴ.
 * A and Bm must be zero for channel b on entry. Typed arrays only, nothing allocated.
 */
function buildChannel(
  b: number, n: number, m: number, hRe: Float64Array, hIm: Float64Array, vRe: Float64Array, vIm: Float64Array,
  noiseVar: number, alpha: Float64Array, aRe: Float64Array, aIm: Float64Array, bmRe: Float64Array, bmIm: Float64Array,
  rhsRe: Float64Array, rhsIm: Float64Array, wgt: Float64Array, uRe: Float64Array, uIm: Float64Array,
): void {
  const hOff = b * n * m, vOff = b * m * n, aOff = b * m * m;
  for (let i = 0; i < n; i++) {
    let total = noiseVar, dRe = 0, dIm = 0;
    for (let j = 0; j < n; j++) {
      let gr = 0, gi = 0;
      for (let k = 0; k < m; k++) {
        const hr = hRe[hOff + i * m + k], hi = hIm[hOff + i * m + k];
        const vr = vRe[vOff + k * n + j], vi = vIm[vOff + k * n + j];
        gr += hr * vr - hi * vi;
        gi += hr * vi + hi * vr;
      }
      total += gr * gr + gi * gi;
      if (i === j) { dRe = gr; dIm = gi; }
    }
    wgt[i] = total / (total - dRe * dRe - dIm * dIm);
    uRe[i] = dRe / total;
    uIm[i] = dIm / total;
  }
  for (let i = 0; i < n; i++) {
    const u2 = uRe[i] ** 2 + uIm[i] ** 2;
    const ca = alpha[i] * wgt[i] * u2;
    const cb = ca * alpha[i] * wgt[i];
    const s = alpha[i] * wgt[i];
    const row = hOff + i * m;
    for (let p = 0; p < m; p++) {
      const hpr = hRe[row + p], hpi = hIm[row + p];
      // h̄ᴴ_p = conj(h̄_p)
      rhsRe[vOff + p * n + i] = s * (uRe[i] * hpr + uIm[i] * hpi);
      rhsIm[vOff + p * n + i] = s * (uIm[i] * hpr - uRe[i] * hpi);
      for (let q = 0; q < m; q++) {
        const hqr = hRe[row + q], hqi = hIm[row + q];
        // (h̄ᴴ h̄)_pq = conj(h̄_p) h̄_q
        const xr = hpr * hqr + hpi * hqi, xi = hpr * hqi - hpi * hqr;
        const pq = aOff + p * m + q;
        aRe[pq] += ca * xr;
        aIm[pq] += ca * xi;
        bmRe[pq] += cb * xr;
        bmIm[pq] += cb * xi;
      }
    }
  }
}

/**
 * (8) and (5c) for channel b, given A = U Λ Uᴴ (`lam` = Λ clamped at 0): Φ_jj = u_jᴴ Bm u_j, μ by
 * bisection when μ = 0 is infeasible, then v_i = U diag(1/(λ+μ)) Uᴴ b_i written into V. Returns
 * whether it bisected, with `out` = [steps, |P − Tr(VVᴴ)|].
 */
function solveChannel(
  b: number, n: number, m: number, uR: Float64Array, uI: Float64Array, lam: Float64Array, bmRe: Float64Array, bmIm: Float64Array,
  rhsRe: Float64Array, rhsIm: Float64Array, P: number, powerTol: number, phi: Float64Array, cRe: Float64Array, cIm: Float64Array,
  vRe: Float64Array, vIm: Float64Array, out: Float64Array,
): boolean {
  const o = b * m * m, vOff = b * m * n;
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let p = 0; p < m; p++) {
      let tr = 0, ti = 0; // (Bm u_j)_p
      for (let q = 0; q < m; q++) {
        const br = bmRe[o + p * m + q], bi = bmIm[o + p * m + q];
        const ur = uR[o + q * m + j], ui = uI[o + q * m + j];
        tr += br * ur - bi * ui;
        ti += br * ui + bi * ur;
      }
      // conj(u_pj) (Bm u_j)_p
      s += uR[o + p * m + j] * tr + uI[o + p * m + j] * ti;
    }
    phi[j] = Math.max(0, s);
  }
  let mu = 0;
  let bisected = false;
  if (!(powerAt(lam, phi, m, 0) <= P)) {
    // (8) is decreasing in μ; bracket [0, √(Σ Φ_jj / P)] and keep the feasible end
    let lo = 0;
    let phiSum = 0;
    for (let j = 0; j < m; j++) phiSum += phi[j];
    let hi = Math.sqrt(phiSum / P);
    let pHi = powerAt(lam, phi, m, hi);
    let steps = 0;
    for (let k = 0; k < BISECTION_MAX_STEPS; k++) {
      const mid = 0.5 * (lo + hi);
      const pMid = powerAt(lam, phi, m, mid);
      if (pMid > P) lo = mid; else { hi = mid; pHi = pMid; }
      steps++;
      if (P - pHi <= powerTol) break;
    }
    mu = hi;
    out[0] = steps;
    out[1] = Math.abs(P - pHi);
    bisected = true;
  }
  // (5c): v_i = U diag(1/(λ+μ)) Uᴴ b_i
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let sr = 0, si = 0;
      for (let p = 0; p < m; p++) {
        const ur = uR[o + p * m + j], ui = uI[o + p * m + j];
        const xr = rhsRe[vOff + p * n + i], xi = rhsIm[vOff + p * n + i];
        sr += ur * xr + ui * xi; // conj(u) x
        si += ur * xi - ui * xr;
      }
      const d = lam[j] + mu;
      const f = d > 0 ? 1 / d : 0;
      cRe[j] = sr * f;
      cIm[j] = si * f;
    }
    for (let p = 0; p < m; p++) {
      let sr = 0, si = 0;
      for (let j = 0; j < m; j++) {
        const ur = uR[o + p * m + j], ui = uI[o + p * m + j];
        sr += ur * cRe[j] - ui * cIm[j];
        si += ur * cIm[j] + ui * cRe[j];
      }
      vRe[vOff + p * n + i] = sr;
      vIm[vOff + p * n + i] = si;
    }
  }
  return bisected;
}

/** Run the classic WMMSE on every channel. */
export function classicWmmse(ch: ComplexBatchF64, sys: WmmseSystem, opts: WmmseOptions): WmmseResult {
  const { batch, rows: n, cols: m } = ch;
  checkPositiveInt('classicWmmse', 'maxIter', opts.maxIter);
  checkFinite('classicWmmse', 'power', sys.power, 0, false);
  checkFinite('classicWmmse', 'noiseVar', sys.noiseVar, 0, false);
  if (sys.alpha.length !== n) throw new Error(`classicWmmse(sys.alpha): needs ${n} priorities; got ${sys.alpha.length}`);
  if (ch.re.length !== batch * n * m || ch.im.length !== batch * n * m) {
    throw new Error(`classicWmmse(ch): expected ${batch}·${n}·${m} values per part; got ${ch.re.length}, ${ch.im.length}`);
  }
  const tol = opts.tol ?? 1e-4;
  const trace = opts.trace ?? true;
  if (!trace && tol > 0) throw new Error('classicWmmse(opts.trace): false needs tol <= 0 (the stopping rule needs the WSR)');
  const powerTol = checkFinite('classicWmmse', 'powerTol', opts.powerTol ?? 1e-8, 0, false);
  const P = sys.power;
  const vRe = new Float64Array(batch * m * n);
  const vIm = new Float64Array(batch * m * n);
  // matched filter: v = a Hᴴ, ‖V‖² = P
  for (let b = 0; b < batch; b++) {
    let norm2 = 0;
    for (let q = 0; q < n * m; q++) norm2 += ch.re[b * n * m + q] ** 2 + ch.im[b * n * m + q] ** 2;
    const a = norm2 > 0 ? Math.sqrt(P / norm2) : 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) {
      vRe[(b * m + k) * n + i] = a * ch.re[(b * n + i) * m + k];
      vIm[(b * m + k) * n + i] = -a * ch.im[(b * n + i) * m + k];
    }
  }
  const wsrTrace: Float64Array[] = trace ? [wsrF64(ch, vRe, vIm, sys)] : [];
  const iterations = new Int32Array(batch);
  const active = new Uint8Array(batch).fill(1);
  let maxPowerError = 0;
  let bisectionSteps = 0, eigSweeps = 0, updates = 0;
  const wgt = new Float64Array(n), uRe = new Float64Array(n), uIm = new Float64Array(n);
  const phi = new Float64Array(m), lam = new Float64Array(m), cRe = new Float64Array(m), cIm = new Float64Array(m);
  const aRe = new Float64Array(batch * m * m), aIm = new Float64Array(batch * m * m);
  const bMat = { re: new Float64Array(batch * m * m), im: new Float64Array(batch * m * m) };
  // b_i = α_i w_i u_i h̄_iᴴ (the right-hand sides of (5c)), per channel [M, N]
  const rhsRe = new Float64Array(batch * m * n), rhsIm = new Float64Array(batch * m * n);
  let eig: Eigh | undefined;

  const alpha = Float64Array.from(sys.alpha);
  const out = new Float64Array(2); // [bisection steps, |P − Tr(VVᴴ)|] of the last solve
  for (let it = 1; it <= opts.maxIter; it++) {
    aRe.fill(0); aIm.fill(0); bMat.re.fill(0); bMat.im.fill(0);
    for (let b = 0; b < batch; b++) {
      if (active[b]) buildChannel(b, n, m, ch.re, ch.im, vRe, vIm, sys.noiseVar, alpha, aRe, aIm, bMat.re, bMat.im, rhsRe, rhsIm, wgt, uRe, uIm);
    }
    eig = eighHermitian({ batch, rows: m, cols: m, re: aRe, im: aIm }, undefined, undefined, eig);
    const { values, vectorsRe, vectorsIm } = eig;
    for (let b = 0; b < batch; b++) {
      if (!active[b]) continue;
      updates++;
      eigSweeps += eig.sweeps?.[b] ?? 0;
      for (let j = 0; j < m; j++) lam[j] = Math.max(values[b * m + j], 0);
      if (solveChannel(b, n, m, vectorsRe, vectorsIm, lam, bMat.re, bMat.im, rhsRe, rhsIm, P, powerTol, phi, cRe, cIm, vRe, vIm, out)) {
        bisectionSteps += out[0];
        maxPowerError = Math.max(maxPowerError, out[1]);
      }
    }
    if (!trace) {
      iterations.fill(it);
      continue;
    }
    const prev = wsrTrace[wsrTrace.length - 1];
    const now = wsrF64(ch, vRe, vIm, sys);
    for (let b = 0; b < batch; b++) {
      if (!active[b]) {
        now[b] = prev[b];
        continue;
      }
      iterations[b] = it;
      if (tol > 0 && now[b] - prev[b] <= tol) active[b] = 0;
    }
    wsrTrace.push(now);
    if (!active.some((a) => a)) {
      // every channel stopped: the remaining trace entries repeat the final values
      for (let k = it + 1; k <= opts.maxIter; k++) wsrTrace.push(now);
      break;
    }
  }
  if (!trace) wsrTrace.push(wsrF64(ch, vRe, vIm, sys));
  return { vRe, vIm, wsrTrace, iterations, maxPowerError, work: { updates, eigSweeps, bisectionSteps } };
}

/**
 * Real flops of the cyclic complex Jacobi eigensolver (`eighHermitian`, lib/core/linalg.ts) as
 * implemented, on an n×n Hermitian matrix that needs `sweeps` rotating sweeps: the Hermitian part
 * (4n²), (sweeps + 1) off-diagonal checks of 3 flops per pair, and per rotation ~20 flops for
 * (c, s, e^{iφ}) plus 5 flops for each of the 12n real entries it updates (A's two columns, V's two
 * columns, A's two rows; Numerical Recipes §11.1, Golub & Van Loan §8.5.2).
 */
export function jacobiFlops(n: number, sweeps: number): number {
  const pairs = (n * (n - 1)) / 2;
  return 4 * n * n + (sweeps + 1) * 3 * pairs + sweeps * pairs * (20 + 60 * n);
}

/**
 * Real flops of one classic WMMSE iteration per channel, counted as implemented (a complex
 * multiply-add = 8 flops): (5a)/(5b) 8N²M + 4N² + 6N; A, Bm of (6)/(8) and the right-hand sides
 * 14NM² + 6NM + 6N; the eigendecomposition `jacobiFlops(M, eigSweeps)`; Φ 8M³ + 4M²; the bisection
 * on (8) bisectionSteps·(5M + 2) + 2·5M; (5c) N(16M² + 3M).
 *
 * The eigensolver dominates: we count the cyclic Jacobi we run, with its measured sweep count, not
 * the textbook O(M³) of a tridiagonalisation + QR (Golub & Van Loan Table 8.3.1: ~9M³ real flops
 * with eigenvectors for a real symmetric matrix, ×~4 complex). Defaults are the means measured on
 * 10⁴ Rayleigh channels, M = N = 4, 10 dB (`WmmseResult.work`): 4.2 rotating sweeps and 31 bisection
 * steps per update. Pass the measured values for other settings.
 */
export function classicFlops(opts: { antennas: number; users: number; bisectionSteps?: number; eigSweeps?: number }): number {
  const { antennas: m, users: n, bisectionSteps = 31, eigSweeps = 4.2 } = opts;
  const weights = 8 * n * n * m + 4 * n * n + 6 * n;
  const system = 14 * n * m * m + 6 * n * m + 6 * n;
  const phi = 8 * m * m * m + 4 * m * m;
  const bisection = bisectionSteps * (5 * m + 2) + 10 * m;
  const update = n * (16 * m * m + 3 * m);
  return Math.round(weights + system + jacobiFlops(m, eigSweeps) + phi + bisection + update);
}
