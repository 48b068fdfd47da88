/**
 * Link metrics: SINR and (weighted) sum rate of linear precoders, NMSE (plain and with the NNO-C2PO
 * scalar), and the SNIDR / sum rate of quantised or non-linear precoders (GNN paper eqs. (5)–(9)).
 *
 * Convention: h: [..., K, M] (any leading batch axes), y = H x + n, n ~ CN(0, σ² I). The GNN paper
 * writes H_gnn ∈ C^{M×K} and r = H_gnnᵀ y + v; its h_kᵀ (column k of H_gnn, transposed) is row k of
 * our h, so its h_kᵀ g_k is (H G)_{kk} and its h_kᵀ C_q h_k* is (H C_q Hᴴ)_{kk}.
 *
 * Everything is batched and differentiable (the GNN trains on −R_sum); divisions and logs are guarded
 * so zero or ill-conditioned inputs give finite values. Checks are on shapes and options only (no
 * data read, see core/validate.ts).
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { hermitianInverse } from '../core/linalg';
import { checkFiniteNamed, checkMatrixBatch } from '../core/validate';
import { SAFE_FLOOR, safeDiv } from '../core/safe';

/**
 * Denominators (SINR, NMSE, β̂) are floored here with `safeDiv`, so values AND gradients stay finite
 * at zero input (σ² = 0 with perfect ZF gives a large but finite SINR).
 */
const DEN_FLOOR = SAFE_FLOOR;

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** σ² as a number ≥ 0, or a tensor of shape [] or of the batch shape [...] (values not checked). */
export type NoiseVar = number | tf.Tensor;

/** Check σ² without a data read: a number must be finite and ≥ 0, a tensor [] or [...lead]. */
function checkNoise(noiseVar: NoiseVar, lead: number[], fn: string): void {
  if (typeof noiseVar === 'number') {
    checkFiniteNamed(`${fn}(noiseVar)`, noiseVar, 0);
    return;
  }
  if (!(noiseVar instanceof tf.Tensor)) throw new Error(`${fn}(noiseVar): must be a number or a tensor; got ${String(noiseVar)}`);
  if (!(noiseVar.rank === 0 || sameShape(noiseVar.shape, lead))) {
    throw new Error(`${fn}(noiseVar): tensor must be [] or [${lead.join(', ')}]; got [${noiseVar.shape}]`);
  }
}

/** σ² as a tensor broadcastable to [..., K] (for use inside a tidy). */
function noiseTensor(noiseVar: NoiseVar): tf.Tensor {
  if (typeof noiseVar === 'number') return tf.scalar(noiseVar);
  return noiseVar.rank === 0 ? noiseVar : tf.expandDims(noiseVar, -1);
}

/**
 * |a_kk|² / (Σ_{j≠k} |a_kj|² + extra_k + σ²) for the effective K×K matrix A = H G.
 * a: [..., K, K], extra: [..., K] or undefined → [..., K].
 */
function ratioFromEffective(a: Complex, noise: tf.Tensor, extra?: tf.Tensor): tf.Tensor {
  const k = a.re.shape[a.re.rank - 1];
  const p = C.abs2(a); // [..., K, K]
  const eye = tf.eye(k);
  const signal = tf.sum(tf.mul(p, eye), -1);
  const interference = tf.sum(tf.mul(p, tf.sub(1, eye)), -1);
  let den = tf.add(interference, noise);
  if (extra) den = tf.add(den, extra);
  return safeDiv(signal, den, DEN_FLOOR);
}

/** Shape checks of (h, w); returns [leading axes, K, M]. */
function checkPair(h: Complex, w: Complex, fn: string): [number[], number, number] {
  const sh = checkMatrixBatch(`${fn}(h)`, h, '[..., K, M]');
  const sw = checkMatrixBatch(`${fn}(w)`, w, '[..., M, K]');
  const lead = sh.slice(0, -2);
  const [k, m] = sh.slice(-2);
  if (!sameShape(sw, [...lead, m, k])) {
    throw new Error(`${fn}(w): must be [${[...lead, m, k].join(', ')}] to match h [${sh}]; got [${sw}]`);
  }
  return [lead, k, m];
}

/**
 * SINR of linear precoding: y_k = h_k x + n_k, x = W s, s ~ CN(0, I):
 * SINR_k = |h_k w_k|² / (Σ_{j≠k} |h_k w_j|² + σ²). h: [..., K, M], w: [..., M, K] → [..., K].
 */
export function sinr(h: Complex, w: Complex, noiseVar: NoiseVar): tf.Tensor {
  const [lead] = checkPair(h, w, 'sinr');
  checkNoise(noiseVar, lead, 'sinr');
  return tf.tidy(() => ratioFromEffective(C.matmul(h, w), noiseTensor(noiseVar)));
}

/** Per-user rate log₂(1 + max(γ, 0)) in bit/s/Hz (guarded). sinr: any shape → same shape. */
export function ratesFromSinr(gamma: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.div(tf.log1p(tf.relu(gamma)), Math.LN2));
}

/** Per-user rates log₂(1 + SINR_k). → [..., K]. */
export function userRates(h: Complex, w: Complex, noiseVar: NoiseVar): tf.Tensor {
  return tf.tidy(() => ratesFromSinr(sinr(h, w, noiseVar)));
}

/** Sum rate Σ_k log₂(1 + SINR_k) per channel. → [...]. */
export function sumRate(h: Complex, w: Complex, noiseVar: NoiseVar): tf.Tensor {
  return tf.tidy(() => tf.sum(userRates(h, w, noiseVar), -1));
}

/**
 * Weighted sum rate Σ_k α_k log₂(1 + SINR_k) (WMMSE objective). alpha: K numbers ≥ 0, or a tensor
 * [K] or [..., K] (values not checked). → [...].
 */
export function weightedSumRate(h: Complex, w: Complex, noiseVar: NoiseVar, alpha: number[] | tf.Tensor): tf.Tensor {
  const fn = 'weightedSumRate';
  const [lead, k] = checkPair(h, w, fn);
  checkNoise(noiseVar, lead, fn);
  const a = Array.isArray(alpha) ? alpha : undefined;
  if (a) {
    if (a.length !== k || !a.every((v) => Number.isFinite(v) && v >= 0)) {
      throw new Error(`${fn}(alpha): needs ${k} finite weights >= 0; got [${a.join(', ')}]`);
    }
  } else {
    const t = alpha as tf.Tensor;
    if (!(sameShape(t.shape, [k]) || sameShape(t.shape, [...lead, k]))) {
      throw new Error(`${fn}(alpha): tensor must be [${k}] or [${[...lead, k].join(', ')}]; got [${t.shape}]`);
    }
  }
  return tf.tidy(() => {
    const weights = a ? tf.tensor1d(a) : (alpha as tf.Tensor);
    return tf.sum(tf.mul(ratesFromSinr(sinr(h, w, noiseVar)), weights), -1);
  });
}

// ---------------------------------------------------------------------------------------------
// NMSE
// ---------------------------------------------------------------------------------------------

function checkSame(a: Complex, b: Complex, fn: string, na: string, nb: string): void {
  const sa = checkMatrixBatch(`${fn}(${na})`, a, '[..., K, T]');
  const sb = checkMatrixBatch(`${fn}(${nb})`, b, '[..., K, T]');
  if (!sameShape(sa, sb)) throw new Error(`${fn}: ${na} [${sa}] and ${nb} [${sb}] must have the same shape [..., K, T]`);
}

/** Σ|ŝ − s|² / Σ|s|² over the last two axes (for use inside a tidy). */
function nmseOf(sHat: Complex, s: Complex): tf.Tensor {
  const err = C.frobNorm2(C.sub(sHat, s));
  return safeDiv(err, C.frobNorm2(s), DEN_FLOOR);
}

/** NMSE = Σ|ŝ − s|² / Σ|s|² per matrix (sums over the last two axes). sHat, s: [..., K, T] → [...]. */
export function nmse(sHat: Complex, s: Complex): tf.Tensor {
  checkSame(sHat, s, 'nmse', 'sHat', 's');
  return tf.tidy(() => nmseOf(sHat, s));
}

/** β̂ of `oppScale` (for use inside a tidy). */
function oppScaleOf(r: Complex, s: Complex): Complex {
  const rs = C.mulConj(r, s); // r_k conj(s_k)
  const ip = { re: tf.sum(rs.re, -2, true), im: tf.sum(rs.im, -2, true) }; // sᴴr: [..., 1, T]
  const ss = tf.sum(C.abs2(s), -2, true);
  // β = ||s||² / (sᴴr) = ||s||² · conj(sᴴr) / |sᴴr|²
  return C.scale(C.conj(ip), safeDiv(ss, C.abs2(ip), DEN_FLOOR));
}

/**
 * NNO-C2PO receive scalar per symbol vector: β̂_t = ||s_t||² / (s_tᴴ r_t) (eq. before (7); the
 * reciprocal of α̂ in (OPP*)), with r = H x the noiseless received signal. Guarded where s_tᴴ r_t ≈ 0.
 * r, s: [..., K, T] → β: [..., 1, T] complex.
 */
export function oppScale(r: Complex, s: Complex): Complex {
  checkSame(r, s, 'oppScale', 'r', 's');
  return C.tidy(() => oppScaleOf(r, s));
}

/**
 * NMSE after the NNO-C2PO scalar (eq. (7)): ŝ_t = β̂_t r_t, NMSE = Σ_t ||s_t − ŝ_t||² / Σ_t ||s_t||².
 * r, s: [..., K, T] → [...].
 */
export function nmseOpp(r: Complex, s: Complex): tf.Tensor {
  checkSame(r, s, 'nmseOpp', 'r', 's');
  return tf.tidy(() => nmseOf(C.mul(oppScaleOf(r, s), r), s));
}

// ---------------------------------------------------------------------------------------------
// Generalised Bussgang decomposition and SNIDR (GNN eqs. (5)–(9))
// ---------------------------------------------------------------------------------------------

/** How G = E(y sᴴ) E(s sᴴ)⁻¹ is estimated from T samples. */
export type BussgangEstimator = 'sample' | 'ls';

export interface BussgangOptions {
  /**
   * 'sample' (default, GNN eq. (5) with E(ssᴴ) = I): G = Y Sᴴ / T;
   * 'ls': exact least squares G = Y Sᴴ (S Sᴴ)⁻¹ (needs T ≥ K), so q = Y − G S ⟂ S exactly.
   */
  estimator?: BussgangEstimator;
}

export interface Bussgang {
  /** effective linear precoder G: [..., M, K] */
  g: Complex;
  /** distortion q = y − G s: [..., M, T] */
  q: Complex;
}

/** Shape and option checks of (y, s) (no data read). → [leading axes, M, K, T]. */
function checkBussgangInputs(y: Complex, s: Complex, fn: string, opts: BussgangOptions): [number[], number, number, number] {
  const sy = checkMatrixBatch(`${fn}(y)`, y, '[..., M, T]');
  const ss = checkMatrixBatch(`${fn}(s)`, s, '[..., K, T]');
  const lead = sy.slice(0, -2);
  const [m, t] = sy.slice(-2);
  const k = ss[ss.length - 2];
  if (!sameShape(ss, [...lead, k, t])) throw new Error(`${fn}(s): must be [${lead.map(String).concat('K', String(t)).join(', ')}] to match y [${sy}]; got [${ss}]`);
  const est = opts.estimator ?? 'sample';
  if (est !== 'sample' && est !== 'ls') throw new Error(`${fn}(opts.estimator): 'sample' or 'ls'; got ${String(est)}`);
  if (est === 'ls' && t < k) throw new Error(`${fn}: estimator 'ls' needs T >= K; got T=${t}, K=${k}`);
  return [lead, m, k, t];
}

/** G and q of `bussgang` (for use inside a tidy). */
function bussgangOf(y: Complex, s: Complex, opts: BussgangOptions): Bussgang {
  const t = y.re.shape[y.re.rank - 1];
  const ysh = C.matmul(y, s, false, true); // Y Sᴴ: [..., M, K]
  const g = (opts.estimator ?? 'sample') === 'sample' ? C.scale(ysh, 1 / t) : C.matmul(ysh, hermitianInverse(C.matmul(s, s, false, true)));
  return { g, q: C.sub(y, C.matmul(g, s)) };
}

/**
 * Generalised Bussgang decomposition y = G s + q (GNN eq. (5)), estimated from T symbol vectors.
 * y: [..., M, T], s: [..., K, T] → { g: [..., M, K], q: [..., M, T] }.
 */
export function bussgang(y: Complex, s: Complex, opts: BussgangOptions = {}): Bussgang {
  checkBussgangInputs(y, s, 'bussgang', opts);
  const [gre, gim, qre, qim] = tf.tidy(() => {
    const { g, q } = bussgangOf(y, s, opts);
    return [g.re, g.im, q.re, q.im];
  });
  return { g: { re: gre, im: gim }, q: { re: qre, im: qim } };
}

/** Sample covariance C_q = (1/T) Q Qᴴ. q: [..., M, T] → [..., M, M]. */
export function distortionCovariance(q: Complex): Complex {
  const shape = checkMatrixBatch('distortionCovariance(q)', q, '[..., M, T]');
  const t = shape[shape.length - 1];
  return C.tidy(() => C.scale(C.matmul(q, q, false, true), 1 / t));
}

/**
 * SNIDR, GNN eq. (8): SNIDR_k = |h_k g_k|² / (Σ_{k'≠k} |h_k g_k'|² + h_k C_q h_kᴴ + σ_v²), with
 * G and q from `bussgang` and h_k C_q h_kᴴ = (1/T) Σ_t |(H Q)_{k,t}|².
 * h: [..., K, M], y: [..., M, T] (quantised transmit signal), s: [..., K, T] → [..., K].
 */
export function snidr(h: Complex, y: Complex, s: Complex, noiseVar: NoiseVar, opts: BussgangOptions = {}): tf.Tensor {
  const [lead, m, k, t] = checkBussgangInputs(y, s, 'snidr', opts);
  const sh = checkMatrixBatch('snidr(h)', h, '[..., K, M]');
  if (!sameShape(sh, [...lead, k, m])) throw new Error(`snidr(h): must be [${[...lead, k, m].join(', ')}] to match y and s; got [${sh}]`);
  checkNoise(noiseVar, lead, 'snidr');
  return tf.tidy(() => {
    const { g, q } = bussgangOf(y, s, opts);
    const distortion = tf.div(tf.sum(C.abs2(C.matmul(h, q)), -1), t); // [..., K]
    return ratioFromEffective(C.matmul(h, g), noiseTensor(noiseVar), distortion);
  });
}

/** Sum rate, GNN eq. (9): Σ_k log₂(1 + SNIDR_k). → [...]. Use −mean of it as the GNN loss (14). */
export function sumRateSnidr(h: Complex, y: Complex, s: Complex, noiseVar: NoiseVar, opts: BussgangOptions = {}): tf.Tensor {
  return tf.tidy(() => tf.sum(ratesFromSinr(snidr(h, y, s, noiseVar, opts)), -1));
}
