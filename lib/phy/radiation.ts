/**
 * Radiation patterns of the linear part and the distortion of a (quantised) precoder, GNN paper
 * eqs. (11)–(12):
 *   P_lin(φ)  = E|h_losᵀ(φ) G s|² = h_losᵀ(φ) G Gᴴ h_los*(φ),
 *   P_dist(φ) = E|h_losᵀ(φ) q|²   = h_losᵀ(φ) C_q h_los*(φ),
 * with h_los(φ)_m = exp(−jπ m cos φ) for a half-wavelength ULA (eq. (10)).
 *
 * Convention: the steering vectors are passed in as the rows of `a: [nAngles, M]` (build them with
 * the ULA channel helper). h_losᵀ(φ) of the GNN paper (a column of H_gnn, transposed) is a row of our
 * h: [..., K, M], so a row of `a` is exactly a LoS user's channel row and P_lin = ||a(φ) G||².
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { checkComplex, checkMatrixBatch } from '../core/validate';
import { BussgangOptions, bussgang, distortionCovariance } from './metrics';

export interface RadiationPattern {
  /** P_lin(φ): [..., nAngles] */
  lin: tf.Tensor;
  /** P_dist(φ): [..., nAngles] */
  dist: tf.Tensor;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

function checkSteering(a: Complex, m: number, fn: string): void {
  checkComplex(`${fn}(a)`, a);
  if (a.re.rank !== 2 || a.re.shape[1] !== m) {
    throw new Error(`${fn}(a): steering matrix must be [nAngles, ${m}] complex; got [${a.re.shape}]`);
  }
}

/**
 * Patterns from the decomposition y = G s + q: g: [..., M, K], cq: [..., M, M] (C_q),
 * a: [nAngles, M] → { lin, dist }: [..., nAngles]. P_lin = Σ_k |a(φ) g_k|², P_dist = a(φ) C_q a(φ)ᴴ.
 * Shapes (re and im alike) are checked; values are not (no data read).
 */
export function radiationPattern(g: Complex, cq: Complex, a: Complex): RadiationPattern {
  const fn = 'radiationPattern';
  const sg = checkMatrixBatch(`${fn}(g)`, g, '[..., M, K]');
  const lead = sg.slice(0, -2);
  const m = sg[sg.length - 2];
  const scq = checkComplex(`${fn}(cq)`, cq);
  if (!sameShape(scq, [...lead, m, m])) {
    throw new Error(`${fn}(cq): must be [${[...lead, m, m].join(', ')}] complex; got [${scq}]`);
  }
  checkSteering(a, m, fn);
  const [lin, dist] = tf.tidy(() => {
    const nA = a.re.shape[0];
    // flatten the leading axes so a(φ) [1, nA, M] broadcasts against one batch axis
    const g3 = C.reshape(g, [-1, m, sg[sg.length - 1]]);
    const cq3 = C.reshape(cq, [-1, m, m]);
    const a3 = C.expandDims(a, 0); // [1, nA, M]
    const ag = C.matmul(a3, g3); // [B, nA, K]
    const acq = C.matmul(a3, cq3); // [B, nA, M]
    // a C_q aᴴ = Re Σ_m (a C_q)_{φ,m} conj(a_{φ,m}); a PSD form: clamp float rounding below 0
    const d = tf.relu(tf.sum(C.mulConj(acq, a3).re, -1));
    return [tf.reshape(tf.sum(C.abs2(ag), -1), [...lead, nA]), tf.reshape(d, [...lead, nA])];
  });
  return { lin, dist };
}

/**
 * Patterns estimated from transmit signals: G and q by `bussgang` (GNN eq. (5)), C_q = (1/T) Q Qᴴ.
 * y: [..., M, T], s: [..., K, T], a: [nAngles, M] → { lin, dist }: [..., nAngles].
 */
export function radiationFromSignals(y: Complex, s: Complex, a: Complex, opts: BussgangOptions = {}): RadiationPattern {
  const fn = 'radiationFromSignals';
  const sy = checkMatrixBatch(`${fn}(y)`, y, '[..., M, T]');
  checkSteering(a, sy[sy.length - 2], fn);
  const ss = checkMatrixBatch(`${fn}(s)`, s, '[..., K, T]');
  const lead = sy.slice(0, -2), t = sy[sy.length - 1];
  if (!sameShape(ss, [...lead, ss[ss.length - 2], t])) {
    throw new Error(`${fn}(s): must be [${[...lead, 'K', t].join(', ')}] to match y [${sy}]; got [${ss}]`);
  }
  const { g, q } = bussgang(y, s, opts);
  try {
    const cq = distortionCovariance(q);
    try {
      return radiationPattern(g, cq, a);
    } finally {
      C.dispose(cq);
    }
  } finally {
    C.dispose(g, q);
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
