/**
 * Imperfect CSI, §VI of the MSER paper (Fig. 9):
 *   H_k = H̄_k + σ_h Δ_k,   Δ_k with i.i.d. CN(0, 1) entries, σ_h² the error variance (same for all k),
 * where H_k is the TRUE (synthesised) channel and H̄_k its ESTIMATE. The precoder is designed on H̄_k;
 * the error rate is measured on H_k. In the paper the synthesised channel (eq. (3)) is the true one,
 * so the default direction is given = 'true': H̄ = H − σ_h Δ. With given = 'estimate' the input is
 * read as H̄ and H = H̄ + σ_h Δ (error independent of the estimate). Both satisfy H = H̄ + σ_h Δ exactly.
 * Works for any channel shape ([..., K, M] or [..., K, N_r, N_t]).
 */
import * as tf from '@tensorflow/tfjs';
import { Complex, add, scale, sub, tidy } from '../../core/complex';
import type { Rng } from '../../core/random';
import { checkComplex, checkFinite } from '../../core/validate';

/** Which matrix the caller hands in. */
export type CsiGiven = 'true' | 'estimate';

export interface ImperfectCsi {
  /** H: the channel the signal goes through (evaluate error rates / rates on this) */
  hTrue: Complex;
  /** H̄: what the transmitter sees (design the precoder on this) */
  hEst: Complex;
}

/**
 * Pair (true, estimate) with H = H̄ + σ_h Δ, Δ ~ CN(0, 1) i.i.d. Both outputs are new tensors.
 * h: [...] complex (values not checked) → hTrue, hEst: [...] complex.
 */
export function imperfectCsi(rng: Rng, h: Complex, sigmaH: number, given: CsiGiven = 'true'): ImperfectCsi {
  const fn = 'imperfectCsi(rng, h, sigmaH, given)';
  checkFinite(fn, 'sigmaH (error standard deviation σ_h)', sigmaH, 0);
  if (given !== 'true' && given !== 'estimate') throw new Error(`${fn}: given must be 'true' or 'estimate'; got ${String(given)}`);
  const shape = checkComplex(`${fn}: h`, h);
  const other = tidy(() => {
    const err = scale(rng.complexNormal(shape, 1), sigmaH);
    return given === 'true' ? sub(h, err) : add(h, err);
  });
  const same = tidy(() => ({ re: tf.clone(h.re), im: tf.clone(h.im) }));
  return given === 'true' ? { hTrue: same, hEst: other } : { hTrue: other, hEst: same };
}
