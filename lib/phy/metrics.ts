/**
 * Link metrics: SINR and (weighted) sum rate of linear precoders, NMSE (plain and with the NNO-C2PO
 * scalar), and the SNIDR / sum rate of quantised or non-linear precoders (GNN paper eqs. (5)–(9)).
 *
 * Convention: h: [batch, K, M], y = H x + n, n ~ CN(0, σ² I). The GNN paper writes H_gnn ∈ C^{M×K}
 * and r = H_gnnᵀ y + v; its h_kᵀ (column k of H_gnn, transposed) is row k of our h, so its
 * h_kᵀ g_k is (H G)_{kk} and its h_kᵀ C_q h_k* is (H C_q Hᴴ)_{kk}.
 *
 * Everything is batched and differentiable (the GNN trains on −R_sum); divisions and logs are guarded
 * so zero or ill-conditioned inputs give finite values.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { hermitianInverse } from '../core/linalg';
import { assertFinite, assertInputs, checkComplex, checkFiniteNamed, NonNegativeInput } from '../core/validate';
import { SAFE_FLOOR, safeDiv } from '../core/safe';

/**
 * Denominators (SINR, NMSE, β̂) are floored here with `safeDiv`, so values AND gradients stay finite
 * at zero input (σ² = 0 with perfect ZF gives a large but finite SINR).
 */
const DEN_FLOOR = SAFE_FLOOR;

function rank3(a: Complex, what: string, layout: string): [number, number, number] {
  checkComplex(what, a);
  if (a.re.rank !== 3) throw new Error(`${what}: must be ${layout} complex; got [${a.re.shape}]`);
  return a.re.shape as [number, number, number];
}

/** σ² as a number ≥ 0 or a tensor of shape [] or [batch] (≥ 0); returned broadcastable to [batch, 1]. */
export type NoiseVar = number | tf.Tensor;

/** Check σ² without a data read; a tensor σ² is returned for the entry's single `assertInputs` read. */
function checkNoise(noiseVar: NoiseVar, batch: number, fn: string): NonNegativeInput[] {
  if (typeof noiseVar === 'number') {
    checkFiniteNamed(`${fn}(noiseVar)`, noiseVar, 0);
    return [];
  }
  if (!(noiseVar instanceof tf.Tensor)) throw new Error(`${fn}(noiseVar): must be a number or a tensor; got ${String(noiseVar)}`);
  if (!(noiseVar.rank === 0 || (noiseVar.rank === 1 && noiseVar.shape[0] === batch))) {
    throw new Error(`${fn}(noiseVar): tensor must be [] or [${batch}]; got [${noiseVar.shape}]`);
  }
  return [{ what: `${fn}(noiseVar)`, t: noiseVar }];
}

/** σ² as a tensor broadcastable to [batch, K] (no checks). */
function noiseTensor(noiseVar: NoiseVar, batch: number): tf.Tensor {
  if (typeof noiseVar === 'number') return tf.scalar(noiseVar);
  return noiseVar.rank === 0 ? noiseVar : tf.reshape(noiseVar, [batch, 1]);
}

/**
 * |a_kk|² / (Σ_{j≠k} |a_kj|² + extra_k + σ²) for the effective K×K matrix A = H G.
 * a: [batch, K, K], extra: [batch, K] or undefined → [batch, K].
 */
function ratioFromEffective(a: Complex, noise: tf.Tensor, extra?: tf.Tensor): tf.Tensor {
  const k = a.re.shape[2] as number;
  const p = C.abs2(a); // [batch, K, K]
  const eye = tf.eye(k);
  const signal = tf.sum(tf.mul(p, eye), -1);
  const interference = tf.sum(tf.mul(p, tf.sub(1, eye)), -1);
  let den = tf.add(interference, noise);
  if (extra) den = tf.add(den, extra);
  return safeDiv(signal, den, DEN_FLOOR);
}

/** Shape checks of (h, w); the finiteness check is left to the entry's single data read. */
function checkPair(h: Complex, w: Complex, fn: string): [number, number, number] {
  const [b, k, m] = rank3(h, `${fn}(h)`, '[batch, K, M]');
  const [bw, mw, kw] = rank3(w, `${fn}(w)`, '[batch, M, K]');
  if (bw !== b || mw !== m || kw !== k) {
    throw new Error(`${fn}(w): must be [${b}, ${m}, ${k}] to match h [${h.re.shape}]; got [${w.re.shape}]`);
  }
  return [b, k, m];
}

function sinrUnchecked(h: Complex, w: Complex, noiseVar: NoiseVar): tf.Tensor {
  return tf.tidy(() => ratioFromEffective(C.matmul(h, w), noiseTensor(noiseVar, h.re.shape[0] as number)));
}

/**
 * SINR of linear precoding: y_k = h_k x + n_k, x = W s, s ~ CN(0, I):
 * SINR_k = |h_k w_k|² / (Σ_{j≠k} |h_k w_j|² + σ²). h: [batch, K, M], w: [batch, M, K] → [batch, K].
 */
export function sinr(h: Complex, w: Complex, noiseVar: NoiseVar): tf.Tensor {
  const [b] = checkPair(h, w, 'sinr');
  assertInputs('sinr(h, w)', [h, w], checkNoise(noiseVar, b, 'sinr'));
  return sinrUnchecked(h, w, noiseVar);
}

/** Per-user rate log₂(1 + max(γ, 0)) in bit/s/Hz (guarded). sinr: any shape → same shape. */
export function ratesFromSinr(gamma: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.div(tf.log1p(tf.relu(gamma)), Math.LN2));
}

/** Per-user rates log₂(1 + SINR_k). → [batch, K]. */
export function userRates(h: Complex, w: Complex, noiseVar: NoiseVar): tf.Tensor {
  return tf.tidy(() => ratesFromSinr(sinr(h, w, noiseVar)));
}

/** Sum rate Σ_k log₂(1 + SINR_k) per channel. → [batch]. */
export function sumRate(h: Complex, w: Complex, noiseVar: NoiseVar): tf.Tensor {
  return tf.tidy(() => tf.sum(userRates(h, w, noiseVar), -1));
}

/**
 * Weighted sum rate Σ_k α_k log₂(1 + SINR_k) (WMMSE objective). alpha: K numbers or a tensor [K] or
 * [batch, K], all ≥ 0. → [batch].
 */
export function weightedSumRate(h: Complex, w: Complex, noiseVar: NoiseVar, alpha: number[] | tf.Tensor): tf.Tensor {
  const fn = 'weightedSumRate';
  const [b, k] = checkPair(h, w, fn);
  const nonNegative = checkNoise(noiseVar, b, fn);
  const a = Array.isArray(alpha) ? alpha : undefined;
  if (a) {
    if (a.length !== k || !a.every((v) => Number.isFinite(v) && v >= 0)) {
      throw new Error(`${fn}(alpha): needs ${k} finite weights >= 0; got [${a.join(', ')}]`);
    }
  } else {
    const t = alpha as tf.Tensor;
    const shapeOk = (t.rank === 1 && t.shape[0] === k) || (t.rank === 2 && t.shape[0] === b && t.shape[1] === k);
    if (!shapeOk) throw new Error(`${fn}(alpha): tensor must be [${k}] or [${b}, ${k}]; got [${t.shape}]`);
    nonNegative.push({ what: `${fn}(alpha)`, t });
  }
  assertInputs(`${fn}(h, w)`, [h, w], nonNegative);
  return tf.tidy(() => {
    const weights = a ? tf.tensor1d(a) : (alpha as tf.Tensor);
    return tf.sum(tf.mul(ratesFromSinr(sinrUnchecked(h, w, noiseVar)), weights), -1);
  });
}

// ---------------------------------------------------------------------------------------------
// NMSE
// ---------------------------------------------------------------------------------------------

function checkSame(a: Complex, b: Complex, fn: string, na: string, nb: string): void {
  checkComplex(`${fn}(${na})`, a);
  checkComplex(`${fn}(${nb})`, b);
  const sa = a.re.shape, sb = b.re.shape;
  if (sa.length < 2 || sa.length !== sb.length || sa.some((d, i) => d !== sb[i])) {
    throw new Error(`${fn}: ${na} [${sa}] and ${nb} [${sb}] must have the same shape [batch, ...]`);
  }
  assertFinite(`${fn}(${na}, ${nb})`, a, b);
}

function nmseUnchecked(sHat: Complex, s: Complex): tf.Tensor {
  return tf.tidy(() => {
    const axes = [...Array(s.re.rank).keys()].slice(1);
    const err = tf.sum(C.abs2(C.sub(sHat, s)), axes);
    return safeDiv(err, tf.sum(C.abs2(s), axes), DEN_FLOOR);
  });
}

/** NMSE = Σ|ŝ − s|² / Σ|s|² per batch entry (sums over all other axes). sHat, s: [batch, ...] → [batch]. */
export function nmse(sHat: Complex, s: Complex): tf.Tensor {
  checkSame(sHat, s, 'nmse', 'sHat', 's');
  return nmseUnchecked(sHat, s);
}

function oppScaleUnchecked(r: Complex, s: Complex): Complex {
  return C.tidy(() => {
    const rs = C.mulConj(r, s); // r_k conj(s_k)
    const ip = { re: tf.sum(rs.re, 1, true), im: tf.sum(rs.im, 1, true) }; // sᴴr: [batch, 1, T]
    const ss = tf.sum(C.abs2(s), 1, true);
    // β = ||s||² / (sᴴr) = ||s||² · conj(sᴴr) / |sᴴr|²
    return C.scale(C.conj(ip), safeDiv(ss, C.abs2(ip), DEN_FLOOR));
  });
}

/**
 * NNO-C2PO receive scalar per symbol vector: β̂_t = ||s_t||² / (s_tᴴ r_t) (eq. before (7); the
 * reciprocal of α̂ in (OPP*)), with r = H x the noiseless received signal. Guarded where s_tᴴ r_t ≈ 0.
 * r, s: [batch, K, T] → β: [batch, 1, T] complex.
 */
export function oppScale(r: Complex, s: Complex): Complex {
  checkSame(r, s, 'oppScale', 'r', 's');
  return oppScaleUnchecked(r, s);
}

/**
 * NMSE after the NNO-C2PO scalar (eq. (7)): ŝ_t = β̂_t r_t, NMSE = Σ_t ||s_t − ŝ_t||² / Σ_t ||s_t||².
 * r, s: [batch, K, T] → [batch].
 */
export function nmseOpp(r: Complex, s: Complex): tf.Tensor {
  checkSame(r, s, 'nmseOpp', 'r', 's');
  return tf.tidy(() => nmseUnchecked(C.mul(oppScaleUnchecked(r, s), r), s));
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
  /** effective linear precoder G: [batch, M, K] */
  g: Complex;
  /** distortion q = y − G s: [batch, M, T] */
  q: Complex;
}

/**
 * Shape and option checks of (y, s) for `bussgang` (no data read; finiteness is left to the calling
 * entry's single read). → [batch, M, K, T].
 */
export function checkBussgangInputs(y: Complex, s: Complex, fn: string, opts: BussgangOptions = {}): [number, number, number, number] {
  const [b, m, t] = rank3(y, `${fn}(y)`, '[batch, M, T]');
  const [bs, k, ts] = rank3(s, `${fn}(s)`, '[batch, K, T]');
  if (bs !== b || ts !== t) throw new Error(`${fn}(s): must be [${b}, K, ${t}] to match y [${y.re.shape}]; got [${s.re.shape}]`);
  const est = opts.estimator ?? 'sample';
  if (est !== 'sample' && est !== 'ls') throw new Error(`${fn}(opts.estimator): 'sample' or 'ls'; got ${String(est)}`);
  if (est === 'ls' && t < k) throw new Error(`${fn}: estimator 'ls' needs T >= K; got T=${t}, K=${k}`);
  return [b, m, k, t];
}

/** `bussgang` without checks (for library callers that validated with `checkBussgangInputs`). */
export function bussgangUnchecked(y: Complex, s: Complex, opts: BussgangOptions = {}): Bussgang {
  const t = y.re.shape[2] as number;
  const est = opts.estimator ?? 'sample';
  const [gre, gim, qre, qim] = tf.tidy(() => {
    const ysh = C.matmul(y, s, false, true); // Y Sᴴ: [batch, M, K]
    const g = est === 'sample' ? C.scale(ysh, 1 / t) : C.matmul(ysh, hermitianInverse(C.matmul(s, s, false, true)));
    const q = C.sub(y, C.matmul(g, s));
    return [g.re, g.im, q.re, q.im];
  });
  return { g: { re: gre, im: gim }, q: { re: qre, im: qim } };
}

/**
 * Generalised Bussgang decomposition y = G s + q (GNN eq. (5)), estimated from T symbol vectors.
 * y: [batch, M, T], s: [batch, K, T] → { g: [batch, M, K], q: [batch, M, T] }.
 */
export function bussgang(y: Complex, s: Complex, opts: BussgangOptions = {}): Bussgang {
  checkBussgangInputs(y, s, 'bussgang', opts);
  assertFinite('bussgang(y, s)', y, s);
  return bussgangUnchecked(y, s, opts);
}

/** Sample covariance C_q = (1/T) Q Qᴴ. q: [batch, M, T] → [batch, M, M]. */
export function distortionCovariance(q: Complex): Complex {
  const [, , t] = rank3(q, 'distortionCovariance(q)', '[batch, M, T]');
  return C.tidy(() => C.scale(C.matmul(q, q, false, true), 1 / t));
}

/**
 * SNIDR, GNN eq. (8): SNIDR_k = |h_k g_k|² / (Σ_{k'≠k} |h_k g_k'|² + h_k C_q h_kᴴ + σ_v²), with
 * G and q from `bussgang` and h_k C_q h_kᴴ = (1/T) Σ_t |(H Q)_{k,t}|².
 * h: [batch, K, M], y: [batch, M, T] (quantised transmit signal), s: [batch, K, T] → [batch, K].
 * One data read validates h, y, s (and a tensor σ²).
 */
export function snidr(h: Complex, y: Complex, s: Complex, noiseVar: NoiseVar, opts: BussgangOptions = {}): tf.Tensor {
  const [b, m, k, t] = checkBussgangInputs(y, s, 'snidr', opts);
  const [bh, kh, mh] = rank3(h, 'snidr(h)', '[batch, K, M]');
  if (bh !== b || kh !== k || mh !== m) throw new Error(`snidr(h): must be [${b}, ${k}, ${m}] to match y and s; got [${h.re.shape}]`);
  assertInputs('snidr(h, y, s)', [h, y, s], checkNoise(noiseVar, b, 'snidr'));
  return tf.tidy(() => {
    const { g, q } = bussgangUnchecked(y, s, opts);
    const distortion = tf.div(tf.sum(C.abs2(C.matmul(h, q)), -1), t); // [batch, K]
    return ratioFromEffective(C.matmul(h, g), noiseTensor(noiseVar, b), distortion);
  });
}

/** Sum rate, GNN eq. (9): Σ_k log₂(1 + SNIDR_k). → [batch]. Use −mean of it as the GNN loss (14). */
export function sumRateSnidr(h: Complex, y: Complex, s: Complex, noiseVar: NoiseVar, opts: BussgangOptions = {}): tf.Tensor {
  return tf.tidy(() => tf.sum(ratesFromSinr(snidr(h, y, s, noiseVar, opts)), -1));
}
