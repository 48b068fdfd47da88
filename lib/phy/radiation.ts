/**
 * Radiation patterns of the linear part and the distortion of a (quantised) precoder, GNN paper
 * eqs. (11)–(12):
 *   P_lin(φ)  = E|h_losᵀ(φ) G s|² = h_losᵀ(φ) G Gᴴ h_los*(φ),
 *   P_dist(φ) = E|h_losᵀ(φ) q|²   = h_losᵀ(φ) C_q h_los*(φ),
 * with h_los(φ)_m = exp(−jπ m cos φ) for a half-wavelength ULA (eq. (10)).
 *
 * Convention: the steering vectors are passed in as the rows of `a: [nAngles, M]` (build them with
 * the ULA channel helper). h_losᵀ(φ) of the GNN paper (a column of H_gnn, transposed) is a row of our
 * h: [batch, K, M], so a row of `a` is exactly a LoS user's channel row and P_lin = ||a(φ) G||².
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { assertFinite, checkComplex } from '../core/validate';
import { BussgangOptions, bussgangUnchecked, checkBussgangInputs, distortionCovariance } from './metrics';

export interface RadiationPattern {
  /** P_lin(φ): [batch, nAngles] */
  lin: tf.Tensor;
  /** P_dist(φ): [batch, nAngles] */
  dist: tf.Tensor;
}

function checkSteering(a: Complex, m: number, fn: string): void {
  checkComplex(`${fn}(a)`, a);
  if (a.re.rank !== 2 || a.re.shape[1] !== m) {
    throw new Error(`${fn}(a): steering matrix must be [nAngles, ${m}] complex; got [${a.re.shape}]`);
  }
}

/** a(φ) B a(φ)ᴴ for every row of a: Re Σ_m (a B)_{φ,m} conj(a_{φ,m}). a: [nA, M], b: [batch, M, M] → [batch, nA]. */
function quadraticForm(a: Complex, b: Complex): tf.Tensor {
  const a3 = C.expandDims(a, 0); // [1, nA, M]
  const ab = C.matmul(a3, b); // [batch, nA, M]
  return tf.relu(tf.sum(C.mulConj(ab, a3).re, -1)); // PSD form: clamp float rounding below 0
}

function patternUnchecked(g: Complex, cq: Complex, a: Complex): RadiationPattern {
  const [lin, dist] = tf.tidy(() => {
    const ag = C.matmul(C.expandDims(a, 0), g); // [batch, nA, K]
    return [tf.sum(C.abs2(ag), -1), quadraticForm(a, cq)];
  });
  return { lin, dist };
}

/**
 * Patterns from the decomposition y = G s + q: g: [batch, M, K], cq: [batch, M, M] (C_q),
 * a: [nAngles, M] → { lin, dist }: [batch, nAngles]. P_lin = Σ_k |a(φ) g_k|².
 * Shapes (re and im alike) and finiteness of g, cq and a are checked (one data read).
 */
export function radiationPattern(g: Complex, cq: Complex, a: Complex): RadiationPattern {
  const fn = 'radiationPattern';
  checkComplex(`${fn}(g)`, g);
  if (g.re.rank !== 3) throw new Error(`${fn}(g): must be [batch, M, K] complex; got [${g.re.shape}]`);
  const [b, m] = g.re.shape;
  checkComplex(`${fn}(cq)`, cq);
  if (cq.re.rank !== 3 || cq.re.shape[0] !== b || cq.re.shape[1] !== m || cq.re.shape[2] !== m) {
    throw new Error(`${fn}(cq): must be [${b}, ${m}, ${m}] complex; got [${cq.re.shape}]`);
  }
  checkSteering(a, m, fn);
  assertFinite(`${fn}(g, cq, a)`, g, cq, a);
  return patternUnchecked(g, cq, a);
}

/**
 * Patterns estimated from transmit signals: G and q by `bussgang` (GNN eq. (5)), C_q = (1/T) Q Qᴴ.
 * y: [batch, M, T], s: [batch, K, T], a: [nAngles, M] → { lin, dist }: [batch, nAngles].
 */
export function radiationFromSignals(y: Complex, s: Complex, a: Complex, opts: BussgangOptions = {}): RadiationPattern {
  const fn = 'radiationFromSignals';
  checkComplex(`${fn}(y)`, y);
  if (y.re.rank !== 3) throw new Error(`${fn}(y): must be [batch, M, T] complex; got [${y.re.shape}]`);
  checkSteering(a, y.re.shape[1] as number, fn);
  checkBussgangInputs(y, s, fn, opts);
  assertFinite(`${fn}(y, s, a)`, y, s, a);
  const { g, q } = bussgangUnchecked(y, s, opts);
  const cq = distortionCovariance(q);
  try {
    return patternUnchecked(g, cq, a);
  } finally {
    C.dispose(g, q, cq);
  }
}

/** Signal-to-distortion ratio P_lin/P_dist (GNN §III), guarded where P_dist ≈ 0. */
export function sdr(p: RadiationPattern): tf.Tensor {
  return tf.tidy(() => tf.div(p.lin, tf.maximum(p.dist, 1e-30)));
}

/** 10·log10(x), floored at 1e-30 so zeros give −300 dB rather than −∞. */
export function toDb(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.div(tf.log(tf.maximum(x, 1e-30)), Math.LN10), 10));
}
