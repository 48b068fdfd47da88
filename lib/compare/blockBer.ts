/**
 * BER with a receiver that knows one gain per user and coherence block (the low-resolution comparison,
 * ./lowRes): user k scales its received samples by the least-squares gain of its noiseless signal onto
 * its own symbols over the T symbol vectors of the block,
 *
 *   g_k = Σ_t conj(s_kt) r_kt / Σ_t |s_kt|²,  r = H x  (per channel),  ŝ_kt = y_kt / g_k,
 *
 * then decides symbol by symbol. g_k is the Bussgang gain h_k g_k of the GNN paper's eq. (5), the gain its
 * sum rate (9) assumes the UE knows; a UE learns it from pilots (here without estimation error). Unlike
 * the per-symbol-vector β̂ = ‖s‖²/(sᴴHx) of NNO-C2PO eq. (7), which is computed from the very symbols
 * being detected, it cannot undo the distortion of one symbol vector: with one user a 1-bit signal, which
 * drops the amplitude of s, shows the error floor it has.
 * Shapes: h [N, U, B], x [N, B, T], s [N, U, T] complex, indices [N, U, T] int32.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { safeDiv } from '../core/safe';
import { berOfReceived } from '../papers/c2po';
import type { BerCurve, BerOptions } from '../papers/c2po';

export function blockBerCurve(h: Complex, x: Complex, s: Complex, indices: tf.Tensor, opts: BerOptions): BerCurve {
  const fn = 'blockBerCurve';
  const [n, u] = h.re.shape as [number, number, number];
  const t = s.re.shape[2] as number;
  if (x.re.rank !== 3 || x.re.shape[0] !== n || x.re.shape[1] !== h.re.shape[2] || x.re.shape[2] !== t) {
    throw new Error(`${fn}(x): must be [N, B, T] = [${n}, ${h.re.shape[2]}, ${t}] complex; got [${x.re.shape}]`);
  }
  if (indices.shape.join() !== `${n},${u},${t}`) throw new Error(`${fn}(indices): must be int32 [N, U, T] = [${n}, ${u}, ${t}]; got [${indices.shape}]`);
  // r = H x and the inverse gain 1/g_k = Σ|s|² / Σ conj(s) r, as conj(num)/|num|² · Σ|s|² (guarded)
  const [rRe, rIm, iRe, iIm] = tf.tidy(() => {
    const r = C.matmul(h, x); // [N, U, T]
    const num = { re: tf.sum(tf.add(tf.mul(s.re, r.re), tf.mul(s.im, r.im)), -1, true), im: tf.sum(tf.sub(tf.mul(s.re, r.im), tf.mul(s.im, r.re)), -1, true) };
    const den = tf.sum(C.abs2(s), -1, true); // [N, U, 1]
    const scale = safeDiv(den, C.abs2(num), 1e-30);
    return [r.re, r.im, tf.mul(num.re, scale), tf.neg(tf.mul(num.im, scale))];
  });
  try {
    return berOfReceived({ re: rRe, im: rIm }, { re: iRe, im: iIm }, indices, opts);
  } finally {
    tf.dispose([rRe, rIm, iRe, iIm]);
  }
}
