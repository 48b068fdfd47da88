/**
 * The MSER objective by kernel density estimation, eqs. (10)–(15) of the MSER paper (QPSK).
 *
 * With the noise-free detector inputs Z = MS [B, D, J] of the J sampled vectors (8) and a kernel width
 * ϱ, each term of (12)–(13) is (1/√π)∫_{−∞}^{−x/√2} e^{−s²} ds = ½erfc(x/√2) = Q(x), so
 *   P^R_e(b_{i,k}) = (1/J) Σ_j Q(Re b̄^{q_j}_{i,k} Re b^{q_j}_{i,k} / ϱ),  P^I_e likewise with Im,
 * and the objective (14a)/(15) is P̃ = Σ_{k,i} (P^R_e + P^I_e) per channel (the union bound of (11)).
 * For QPSK Re b = ±1, so Re b̄·Re b/ϱ is the signed distance of the detector input to the decision
 * boundary of (6), in kernel widths.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { effectiveMatrix, HybridState } from './transceiver';
import type { SymbolBlock } from './symbols';

/** Kernel width ϱ: one number, or a tensor broadcasting against [B, D, J] (e.g. [D, 1] per stream). */
export type KernelWidth = number | tf.Tensor;

/** Z = MS [B, D, J] for M [B, D, D] and the shared block S [D, J]: one [B·D, D]·[D, J] product. */
export function noiseFreeOutputs(m: Complex, sym: SymbolBlock): Complex {
  return C.tidy(() => {
    const [b, d] = m.re.shape;
    const z = C.matmul(C.reshape(m, [b * d, d]), sym.s);
    return C.reshape(z, [b, d, sym.count]);
  });
}

/** Q(x) = ½erfc(x/√2) element-wise (float32; underflows to 0 near x ≈ 5.4, where 1 − erf(x/√2) rounds to 0). */
export function qTensor(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sub(1, tf.erf(tf.mul(x, Math.SQRT1_2))), 0.5));
}

/** The per-axis margins a = Re Z ∘ Re S/ϱ and c = Im Z ∘ Im S/ϱ [B, D, J]. */
export function margins(z: Complex, sym: SymbolBlock, rho: KernelWidth): { a: tf.Tensor; c: tf.Tensor } {
  return tf.tidy(() => ({ a: tf.div(tf.mul(z.re, sym.s.re), rho), c: tf.div(tf.mul(z.im, sym.s.im), rho) }));
}

/** P̃ [B]: Σ over streams of the KDE error probabilities (12) + (13), from the outputs Z (QPSK). */
export function kdeSer(z: Complex, sym: SymbolBlock, opts: { rho: KernelWidth }): tf.Tensor {
  if (sym.modulation !== 'qpsk') throw new Error(`kdeSer(sym): the QPSK objective (12)–(13); got ${sym.modulation} (16-QAM: (47)–(48))`);
  return tf.tidy(() => {
    const { a, c } = margins(z, sym, opts.rho);
    return tf.div(tf.sum(tf.add(qTensor(a), qTensor(c)), [1, 2]), sym.count);
  });
}

/** The MSER objective (15) of each channel [B] for the transceiver `s` on channels h [B, K, N_r, N_t]. */
export function mserObjective(h: Complex, s: HybridState, sym: SymbolBlock, opts: { rho: KernelWidth }): tf.Tensor {
  return tf.tidy(() => {
    const m = effectiveMatrix(h, s);
    return kdeSer(noiseFreeOutputs(m, sym), sym, opts);
  });
}
