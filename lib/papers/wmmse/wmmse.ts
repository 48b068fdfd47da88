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
import { eighHermitian } from '../../core/linalg';
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
  const wgt = new Float64Array(n), uRe = new Float64Array(n), uIm = new Float64Array(n);
  const st = new Float64Array(3);
  const phi = new Float64Array(m), cRe = new Float64Array(m), cIm = new Float64Array(m);
  const aRe = new Float64Array(batch * m * m), aIm = new Float64Array(batch * m * m);
  const bMat = { re: new Float64Array(batch * m * m), im: new Float64Array(batch * m * m) };
  // b_i = α_i w_i u_i h̄_iᴴ (the right-hand sides of (5c)), per channel [M, N]
  const rhsRe = new Float64Array(batch * m * n), rhsIm = new Float64Array(batch * m * n);

  for (let it = 1; it <= opts.maxIter; it++) {
    aRe.fill(0); aIm.fill(0); bMat.re.fill(0); bMat.im.fill(0);
    for (let b = 0; b < batch; b++) {
      if (!active[b]) continue;
      // (5a), (5b) from g_ij = h̄_i v_j
      for (let i = 0; i < n; i++) {
        userStats(ch, vRe, vIm, b, i, sys.noiseVar, st);
        const [total, dRe, dIm] = st;
        wgt[i] = total / (total - dRe * dRe - dIm * dIm);
        uRe[i] = dRe / total;
        uIm[i] = dIm / total;
      }
      // A = Σ α w |u|² h̄ᴴ h̄ and Σ α² w² |u|² h̄ᴴ h̄ (for Φ); rhs b_i = α_i w_i u_i h̄_iᴴ
      for (let i = 0; i < n; i++) {
        const u2 = uRe[i] ** 2 + uIm[i] ** 2;
        const ca = sys.alpha[i] * wgt[i] * u2;
        const cb = ca * sys.alpha[i] * wgt[i];
        const s = sys.alpha[i] * wgt[i];
        for (let p = 0; p < m; p++) {
          const hpr = ch.re[(b * n + i) * m + p], hpi = ch.im[(b * n + i) * m + p];
          // h̄ᴴ_p = conj(h̄_p)
          rhsRe[(b * m + p) * n + i] = s * (uRe[i] * hpr + uIm[i] * hpi);
          rhsIm[(b * m + p) * n + i] = s * (uIm[i] * hpr - uRe[i] * hpi);
          for (let q = 0; q < m; q++) {
            const hqr = ch.re[(b * n + i) * m + q], hqi = ch.im[(b * n + i) * m + q];
            // (h̄ᴴ h̄)_pq = conj(h̄_p) h̄_q
            const xr = hpr * hqr + hpi * hqi, xi = hpr * hqi - hpi * hqr;
            aRe[b * m * m + p * m + q] += ca * xr;
            aIm[b * m * m + p * m + q] += ca * xi;
            bMat.re[b * m * m + p * m + q] += cb * xr;
            bMat.im[b * m * m + p * m + q] += cb * xi;
          }
        }
      }
    }
    const eig = eighHermitian({ batch, rows: m, cols: m, re: aRe, im: aIm });
    for (let b = 0; b < batch; b++) {
      if (!active[b]) continue;
      const o = b * m * m;
      // Φ_jj = u_jᴴ Bm u_j, and c = Uᴴ b_i for the update
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < m; p++) {
          let tr = 0, ti = 0; // (Bm u_j)_p
          for (let q = 0; q < m; q++) {
            const br = bMat.re[o + p * m + q], bi = bMat.im[o + p * m + q];
            const ur = eig.vectorsRe[o + q * m + j], ui = eig.vectorsIm[o + q * m + j];
            tr += br * ur - bi * ui;
            ti += br * ui + bi * ur;
          }
          // conj(u_pj) (Bm u_j)_p
          s += eig.vectorsRe[o + p * m + j] * tr + eig.vectorsIm[o + p * m + j] * ti;
        }
        phi[j] = Math.max(0, s);
      }
      const lam = eig.values.subarray(b * m, (b + 1) * m);
      const powerAt = (mu: number) => {
        let t = 0;
        for (let j = 0; j < m; j++) {
          const d = Math.max(lam[j], 0) + mu;
          if (phi[j] > 0) t += d > 0 ? phi[j] / (d * d) : Infinity;
        }
        return t;
      };
      let mu = 0;
      if (!(powerAt(0) <= P)) {
        // (8) is decreasing in μ; bracket [0, √(Σ Φ_jj / P)] and keep the feasible end
        let lo = 0;
        let hi = Math.sqrt(phi.reduce((a, v) => a + v, 0) / P);
        for (let k = 0; k < 200; k++) {
          const mid = 0.5 * (lo + hi);
          if (powerAt(mid) > P) lo = mid; else hi = mid;
          if (P - powerAt(hi) <= powerTol) break;
        }
        mu = hi;
        maxPowerError = Math.max(maxPowerError, Math.abs(P - powerAt(mu)));
      }
      // (5c): v_i = U diag(1/(λ+μ)) Uᴴ b_i
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          let sr = 0, si = 0;
          for (let p = 0; p < m; p++) {
            const ur = eig.vectorsRe[o + p * m + j], ui = eig.vectorsIm[o + p * m + j];
            const xr = rhsRe[(b * m + p) * n + i], xi = rhsIm[(b * m + p) * n + i];
            sr += ur * xr + ui * xi; // conj(u) x
            si += ur * xi - ui * xr;
          }
          const d = Math.max(lam[j], 0) + mu;
          const f = d > 0 ? 1 / d : 0;
          cRe[j] = sr * f;
          cIm[j] = si * f;
        }
        for (let p = 0; p < m; p++) {
          let sr = 0, si = 0;
          for (let j = 0; j < m; j++) {
            const ur = eig.vectorsRe[o + p * m + j], ui = eig.vectorsIm[o + p * m + j];
            sr += ur * cRe[j] - ui * cIm[j];
            si += ur * cIm[j] + ui * cRe[j];
          }
          vRe[(b * m + p) * n + i] = sr;
          vIm[(b * m + p) * n + i] = si;
        }
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
  return { vRe, vIm, wsrTrace, iterations, maxPowerError };
}

/** Real flops of one classic WMMSE iteration per channel, excluding the eigensolver's inner iterations. */
export function classicFlops(opts: { antennas: number; users: number; bisectionSteps?: number }): number {
  const { antennas: m, users: n, bisectionSteps = 30 } = opts;
  return 8 * (n * n * m + 2 * n * m * m + m * m * m /* Φ */ + n * m * m /* (5c) */) + 9 * m * m * m /* eigendecomposition, O(M³) */ + bisectionSteps * 4 * m;
}
