/**
 * The MISO downlink of Pellaco, Bengtsson, Jaldén, "Deep unfolding of the weighted MMSE beamforming
 * algorithm" (the WMMSE paper), in the library's convention.
 *
 * Paper ↔ library: the paper writes y_i = h_iᴴ v_i x_i + Σ_{j≠i} h_iᴴ v_j x_j + n_i (1) with column
 * channels h_i ∈ C^M and beamformers v_i; we keep channels as rows, `h: [batch, N, M]` with row
 * h̄_i = h_iᴴ, and beamformers as columns of `v: [batch, M, N]` (V = [v_1 … v_N], our W). Then
 * h_iᴴ v_j = (H V)_ij and every formula below is the paper's with h_i h_iᴴ → h̄_iᴴ h̄_i.
 * The paper's matched-filter initialisation V = aH (rows v_iᵀ = a h_iᵀ… i.e. v_i = a h_i) is our v = a·Hᴴ.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { checkFinite, checkPositiveInt } from '../../core/validate';

/** Problem data shared by the classic and the unfolded algorithm. */
export interface WmmseSystem {
  /** M, transmit antennas (N, the users, is alpha.length) */
  antennas: number;
  /** P, total transmit power: Tr(V Vᴴ) ≤ P */
  power: number;
  /** σ², noise power per user */
  noiseVar: number;
  /** α_i, user priorities (length N) */
  alpha: number[];
}

/**
 * The system at SNR = P/σ² (dB) with σ² = `noiseVar` (default 1) and P = σ²·10^(SNR/10).
 * The WSR depends only on P/σ², but the PGD step sizes do not: ∇f scales so that the effective step is γ·σ²/P relative to ‖V‖², and the paper's γ = 1 initialisation is meant for σ² = 1, P = 10^(SNR/10)
 * (the authors' published code: noise_power = 1, total_power = 10 or 100).
 */
export interface SystemOptions {
  snrDb: number;
  /** N */
  users: number;
  /** M */
  antennas: number;
  /** σ², default 1 */
  noiseVar?: number;
  /** user priorities α_i, default all 1 */
  alpha?: number[];
}

export function systemAtSnr(opts: SystemOptions): WmmseSystem {
  if (opts === null || typeof opts !== 'object') throw new Error('systemAtSnr(opts): needs { snrDb, users, antennas, noiseVar?, alpha? }');
  const { snrDb, users, antennas } = opts;
  checkFinite('systemAtSnr', 'snrDb', snrDb);
  checkPositiveInt('systemAtSnr', 'users', users);
  checkPositiveInt('systemAtSnr', 'antennas', antennas);
  const noiseVar = checkFinite('systemAtSnr', 'noiseVar', opts.noiseVar ?? 1, 0, false);
  const a = opts.alpha ?? Array(users).fill(1);
  if (a.length !== users) throw new Error(`systemAtSnr(alpha): needs ${users} priorities (one per user); got ${a.length}`);
  a.forEach((v, i) => checkFinite('systemAtSnr', `alpha[${i}]`, v, 0));
  return { antennas, power: noiseVar * 10 ** (snrDb / 10), noiseVar, alpha: a };
}

/**
 * Check `sys` (plain numbers only, no tensor data) and that h: [batch, N, M] matches it (N =
 * alpha.length users, M = sys.antennas). Returns [batch, N, M]. Errors name `fn` and the field.
 */
export function checkSystem(fn: string, sys: WmmseSystem, h: Complex): [number, number, number] {
  if (sys === null || typeof sys !== 'object') throw new Error(`${fn}(sys): needs { antennas, power, noiseVar, alpha } (see systemAtSnr)`);
  checkPositiveInt(fn, 'sys.antennas', sys.antennas);
  checkFinite(fn, 'sys.power', sys.power, 0, false);
  checkFinite(fn, 'sys.noiseVar', sys.noiseVar, 0, false);
  if (!Array.isArray(sys.alpha)) throw new Error(`${fn}: sys.alpha must be an array of user priorities; got ${String(sys.alpha)}`);
  sys.alpha.forEach((v, i) => checkFinite(fn, `sys.alpha[${i}]`, v, 0));
  if (!h || !(h.re instanceof tf.Tensor) || !(h.im instanceof tf.Tensor) || h.re.rank !== 3 || !sameShape(h.re.shape, h.im.shape)) {
    throw new Error(`${fn}(h): must be [batch, N, M] complex; got ${h?.re instanceof tf.Tensor ? `[${h.re.shape}]` : String(h)}`);
  }
  const [b, n, m] = h.re.shape;
  if (n !== sys.alpha.length) throw new Error(`${fn}(h): has N = ${n} users but sys.alpha has ${sys.alpha.length} priorities`);
  if (m !== sys.antennas) throw new Error(`${fn}(h): has M = ${m} antennas but sys.antennas = ${sys.antennas}`);
  return [b, n, m];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Check v: [batch, M, N] against h: [batch, N, M]. */
export function checkBeamformers(fn: string, v: Complex, h: [number, number, number]): void {
  const [b, n, m] = h;
  if (!v || !(v.re instanceof tf.Tensor) || !(v.im instanceof tf.Tensor) || !sameShape(v.re.shape, [b, m, n]) || !sameShape(v.im.shape, [b, m, n])) {
    throw new Error(`${fn}(v): must be [${b}, ${m}, ${n}] complex (batch, M, N) to match h; got ${v?.re instanceof tf.Tensor ? `[${v.re.shape}]` : String(v)}`);
  }
}

/**
 * Per-user quantities of one WMMSE iteration for beamformers v:
 * - `wgt`: the MSE weight w_i of (5a) = (Σ_j |h_iᴴv_j|² + σ²)/(Σ_{j≠i} |h_iᴴv_j|² + σ²) = 1 + SINR_i
 * - `u`: the receiver gain u_i of (5b) = h_iᴴ v_i / (Σ_j |h_iᴴ v_j|² + σ²)
 * h: [batch, N, M], v: [batch, M, N] → wgt [batch, N], u: Complex [batch, N].
 */
export function weightsAndGains(h: Complex, v: Complex, noiseVar: number): { wgt: tf.Tensor; u: Complex } {
  const [wgt, ure, uim] = tf.tidy(() => {
    const g = C.matmul(h, v); // g_ij = h_iᴴ v_j
    const total = tf.add(tf.sum(C.abs2(g), -1), noiseVar); // Σ_j |g_ij|² + σ²
    const d = C.diagPart(g);
    const interf = tf.sub(total, C.abs2(d)); // ≥ σ² > 0
    const w = tf.div(total, tf.maximum(interf, 1e-18));
    const u = C.divReal(d, total);
    return [w, u.re, u.im];
  });
  return { wgt, u: { re: ure, im: uim } };
}

/** WSR (3) = Σ_i α_i log₂(1 + SINR_i) = Σ_i α_i log₂ w_i (5a). h, v as above → [batch]. */
export function wsr(h: Complex, v: Complex, sys: WmmseSystem): tf.Tensor {
  checkBeamformers('wsr', v, checkSystem('wsr', sys, h));
  return tf.tidy(() => {
    const { wgt } = weightsAndGains(h, v, sys.noiseVar);
    return tf.sum(tf.mul(tf.log(wgt), tf.tensor1d(sys.alpha.map((a) => a / Math.LN2))), -1);
  });
}

/** Matched-filter initialisation at full power (§VI-A): v = a·Hᴴ with Tr(V Vᴴ) = P. → [batch, M, N]. */
export function matchedFilterInit(h: Complex, power: number): Complex {
  return C.tidy(() => {
    const v = C.adjoint(h);
    const norm2 = C.frobNorm2(v, [-2, -1], true);
    return C.scale(v, tf.sqrt(tf.div(power, tf.maximum(norm2, 1e-30))));
  });
}
