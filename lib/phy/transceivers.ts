/**
 * The fully digital multi-user MIMO transceiver that minimises the sum MSE under a total power
 * constraint, by the classic alternating closed forms (e.g. Shi, Razaviyayn, Luo, He; the MMSE target
 * that hybrid designs such as OMP and MO-AltMin approximate in the MSER paper's baselines). Float64
 * JavaScript on ComplexBatchF64.
 *
 * Model (the library's convention, rows = receive antennas): y_k = H_k V s + n_k, s = [s_1; …; s_K],
 * E[ssᴴ] = I, n_k ~ CN(0, σ²I), ŝ_k = W_kᴴ y_k; h: [B·K, N_r, N_t] (user k of channel b at b·K + k),
 * V: [B, N_t, K·D_k] with ‖V‖²_F = P, W: [B·K, N_r, D_k]. Per iteration:
 *   W_k = (H_k V Vᴴ H_kᴴ + σ²I)⁻¹ H_k V_k                       (MMSE receivers for the current V)
 *   V = (Σ_k H_kᴴ W_k W_kᴴ H_k + λI)⁻¹ [H_1ᴴW_1 … H_KᴴW_K],  λ = σ² Σ_k ‖W_k‖²_F / P, then ‖V‖ = √P
 * and the sum MSE Σ_k tr(I − 2Re(W_kᴴH_kV_k) + W_kᴴ(H_kVVᴴH_kᴴ + σ²I)W_k) is recorded. It starts from
 * each user's top D_k right singular vectors, with equal power.
 */
import { ComplexBatchF64 } from '../core/complexF64';
import { batchEntryF64, checkBatchF64, choleskySolveF64, matmulF64, svdThin } from '../core/linalgF64';
import { checkFinite, checkPositiveInt } from '../core/validate';

export interface SumMseOptions {
  /** K users (h holds B·K matrices) */
  users: number;
  /** D_k streams per user (≤ N_r) */
  streams: number;
  /** σ² per receive antenna, > 0 */
  noiseVar: number;
  /** P = ‖V‖²_F (unit-energy symbols), > 0 */
  power: number;
  /** alternations; default 30 */
  iterations?: number;
}

export interface SumMseTransceiver {
  /** [B, N_t, K·D_k] */
  v: ComplexBatchF64;
  /** [B·K, N_r, D_k] */
  w: ComplexBatchF64;
  /** [iterations + 1][B]: the sum MSE of each channel at the start and after each alternation */
  mse: Float64Array[];
}

const zeros = (batch: number, rows: number, cols: number): ComplexBatchF64 => ({ batch, rows, cols, re: new Float64Array(batch * rows * cols), im: new Float64Array(batch * rows * cols) });

/** The sum-MSE transceiver (see above) of every channel. */
export function sumMseTransceiver(h: ComplexBatchF64, opts: SumMseOptions): SumMseTransceiver {
  const fn = 'sumMseTransceiver';
  checkBatchF64(fn, 'h', h, '[B·K, N_r, N_t]');
  const K = checkPositiveInt(fn, 'opts.users (K)', opts.users);
  const dk = checkPositiveInt(fn, 'opts.streams (D_k)', opts.streams);
  const nv = checkFinite(fn, 'opts.noiseVar (σ²)', opts.noiseVar, 0, false);
  const P = checkFinite(fn, 'opts.power (P)', opts.power, 0, false);
  const T = checkPositiveInt(fn, 'opts.iterations', opts.iterations ?? 30);
  if (h.batch % K !== 0) throw new Error(`${fn}(h): batch must be B·K with K = ${K}; got ${h.batch}`);
  const { rows: nr, cols: nt } = h;
  if (dk > nr) throw new Error(`${fn}(opts.streams): D_k must be ≤ N_r = ${nr}; got ${dk}`);
  if (K * dk > nt) throw new Error(`${fn}(opts.streams): K·D_k must be ≤ N_t = ${nt}; got ${K * dk}`);
  const B = h.batch / K, D = K * dk;
  // start: each user's top D_k right singular vectors, equal power
  const sv = svdThin(h);
  const v = zeros(B, nt, D);
  for (let t = 0; t < B * K; t++) {
    const b = Math.floor(t / K), k = t % K;
    for (let i = 0; i < nt; i++) for (let q = 0; q < dk; q++) {
      const src = (t * nt + i) * sv.r + Math.min(q, sv.r - 1), dst = (b * nt + i) * D + k * dk + q;
      v.re[dst] = sv.v.re[src] * Math.sqrt(P / D);
      v.im[dst] = sv.v.im[src] * Math.sqrt(P / D);
    }
  }
  const w = zeros(B * K, nr, dk);
  const mse: Float64Array[] = [];
  const eyeN = (n: number, s: number) => { const e = zeros(1, n, n); for (let i = 0; i < n; i++) e.re[i * n + i] = s; return e; };
  // receivers for the current V, and the sum MSE with them
  const receivers = (): Float64Array => {
    const out = new Float64Array(B);
    for (let t = 0; t < B * K; t++) {
      const b = Math.floor(t / K), k = t % K;
      const hk = batchEntryF64(h, t), vb = batchEntryF64(v, b);
      const hv = matmulF64(hk, vb); // [N_r, D]
      const r = matmulF64(hv, hv, { adjB: true });
      for (let i = 0; i < nr; i++) r.re[i * nr + i] += nv;
      const hvk = zeros(1, nr, dk);
      for (let i = 0; i < nr; i++) for (let q = 0; q < dk; q++) {
        hvk.re[i * dk + q] = hv.re[i * D + k * dk + q];
        hvk.im[i * dk + q] = hv.im[i * D + k * dk + q];
      }
      const wk = choleskySolveF64(r, hvk);
      w.re.set(wk.re, t * nr * dk);
      w.im.set(wk.im, t * nr * dk);
      // with the MMSE receiver, E_k = I − W_kᴴ H_k V_k: tr = D_k − Re tr(W_kᴴ H_k V_k)
      let tr = dk;
      for (let i = 0; i < nr; i++) for (let q = 0; q < dk; q++) tr -= wk.re[i * dk + q] * hvk.re[i * dk + q] + wk.im[i * dk + q] * hvk.im[i * dk + q];
      out[b] += tr;
    }
    return out;
  };
  mse.push(receivers());
  for (let it = 0; it < T; it++) {
    for (let b = 0; b < B; b++) {
      const a = eyeN(nt, 0);
      const rhs = zeros(1, nt, D);
      let wNorm = 0;
      for (let k = 0; k < K; k++) {
        const t = b * K + k;
        const hk = batchEntryF64(h, t), wk = batchEntryF64(w, t);
        const hw = matmulF64(hk, wk, { adjA: true }); // H_kᴴ W_k [N_t, D_k]
        const g = matmulF64(hw, hw, { adjB: true });
        for (let i = 0; i < nt * nt; i++) { a.re[i] += g.re[i]; a.im[i] += g.im[i]; }
        for (let i = 0; i < nt; i++) for (let q = 0; q < dk; q++) {
          rhs.re[i * D + k * dk + q] = hw.re[i * dk + q];
          rhs.im[i * D + k * dk + q] = hw.im[i * dk + q];
        }
        for (let i = 0; i < nr * dk; i++) wNorm += wk.re[i] ** 2 + wk.im[i] ** 2;
      }
      const lambda = (nv * wNorm) / P;
      for (let i = 0; i < nt; i++) a.re[i * nt + i] += lambda;
      const vb = choleskySolveF64(a, rhs);
      let p = 0;
      for (let i = 0; i < nt * D; i++) p += vb.re[i] ** 2 + vb.im[i] ** 2;
      const s = Math.sqrt(P / Math.max(p, 1e-300));
      for (let i = 0; i < nt * D; i++) {
        v.re[b * nt * D + i] = vb.re[i] * s;
        v.im[b * nt * D + i] = vb.im[i] * s;
      }
    }
    mse.push(receivers());
  }
  return { v, w, mse };
}
