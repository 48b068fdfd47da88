/**
 * C2PO, biconvex 1-bit precoding (NNO-C2PO paper §II-C, Algorithm 1; after Castañeda et al. [13]),
 * on the real embedding (8)–(9) prepared by `prepareProblem`.
 *
 *   A = (I_U − ssᴴ/‖s‖²) H                                     (OPP**)
 *   x⁽⁰⁾ = Hᴴ s
 *   z⁽ᵗ⁾ = x⁽ᵗ⁻¹⁾ − τ⁽ᵗ⁾ AᴴA x⁽ᵗ⁻¹⁾                              (3)
 *   x⁽ᵗ⁾ = prox_g(z⁽ᵗ⁾; ρ⁽ᵗ⁾, ξ) = clip(ρ Re z, ξ) + j clip(ρ Im z, ξ)   (4), (2), ρ = 1/(1 − τδ), ξ = √(P/2B)
 *   x_Q = Q(x⁽ᵗᵐᵃˣ⁾; ξ) = ξ sign(Re x) + jξ sign(Im x) ∈ X^B       (5), (6)
 *
 * AᴴA (B×B per sample) is never formed. P = I − ssᴴ/‖s‖² is a Hermitian projector, so AᴴA x =
 * Hᴴ P H x = Aᴴ(Ax) with Ax = Hx − s (sᴴHx)/‖s‖²: two matmuls with E = embed(H) per step. In the
 * real embedding the complex line of s is spanned by the orthogonal columns [Re s; Im s] and
 * [−Im s; Re s] (both of norm ‖s‖), so s(sᴴv)/‖s‖² = (s_R s_Rᵀ + (js)_R (js)_Rᵀ) v_R/‖s‖²: two
 * column sums, no complex arithmetic.
 *
 * Everything here is batched over all symbol vectors of the problem (one matmul per product for the
 * whole batch or block), reads no tensor data, and is differentiable in τ and ρ.
 *
 * At the paper's scale (B = 128, U = 8, P = 1, unit-energy 16-QAM, CN(0, 1) channels) x⁽⁰⁾ = Hᴴs
 * has entries of r.m.s. ≈ 2 against ξ = 1/16, and about 98 % of the entries sit on ±ξ after every
 * prox step: C2PO works near the corners of the box, and ∂C/∂ρ⁽ᵗ⁾ comes from the few unclipped
 * entries (§III-B's remark). It is still of the same relative size as ∂C/∂τ⁽ᵗ⁾ (τ ∂C/∂τ and
 * ρ ∂C/∂ρ both ≈ 0.01–0.25 at the original values on 200 Rayleigh samples; ∂C/∂ρ⁽¹⁾ is the smallest).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import { checkFinite, checkPositiveInt } from '../../core/validate';
import { oneBit, quantize } from '../../phy/quantizer';
import { C2poProblem, C2poSystem, checkInputs, disposeProblem, fromColumns, prepareProblem } from './system';

/** The original C2PO parameters (§III-C, from [13]): τ = 2⁻⁸, ρ = 1.25, the same at every iteration. */
export const C2PO_ORIGINAL: Readonly<{ tau: number; rho: number }> = Object.freeze({ tau: 2 ** -8, rho: 1.25 });

/** Plain-number step size τ: finite and ≥ 0 (τ = 0 is a no-op gradient step). */
export function checkTau(fn: string, name: string, tau: unknown): number {
  return checkFinite(fn, `${name} (step size τ)`, tau, 0);
}

/** Plain-number prox scale ρ = 1/(1 − τδ): finite and > 0 (ρ = 1 is δ = 0; the original 1.25). */
export function checkRho(fn: string, name: string, rho: unknown): number {
  return checkFinite(fn, `${name} (prox scale ρ)`, rho, 0, false);
}

/** δ of the concave regulariser in (1) that a pair (τ, ρ) corresponds to: ρ = 1/(1 − τδ) ⇔ δ = (1 − 1/ρ)/τ. */
export function deltaOf(tau: number, rho: number): number {
  checkFinite('deltaOf', 'tau (step size τ)', tau, 0, false);
  checkRho('deltaOf', 'rho', rho);
  return (1 - 1 / rho) / tau;
}

/** x⁽⁰⁾ = Hᴴ s: Eᵀ s_R, one matmul (with the stored Eᵀ). → [batch, 2B, 1] or [2B, T]. */
export function initialIterate(p: C2poProblem): tf.Tensor {
  return tf.tidy(() => tf.matMul(p.eT, p.s));
}

/** P⊥v = v − s(sᴴv)/‖s‖² per column, v: [..., 2U, N] (real embedding). No scope of its own. */
function projectOutRaw(p: C2poProblem, v: tf.Tensor): tf.Tensor {
  const a = tf.sum(tf.mul(p.s, v), -2, true); // Re(sᴴv): [..., 1, N]
  const b = tf.sum(tf.mul(p.js, v), -2, true); // Im(sᴴv)
  return tf.sub(v, tf.add(tf.mul(p.sScaled, a), tf.mul(p.jsScaled, b))); // v − s(sᴴv)/‖s‖²
}

/** Ax = Hx − s(sᴴHx)/‖s‖² without forming A: one matmul and two column sums. x: [..., 2B, N] → [..., 2U, N]. */
export function applyA(p: C2poProblem, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => projectOutRaw(p, tf.matMul(p.e, x)));
}

/** AᴴA x = Aᴴ(Ax) = Hᴴ(Ax) (P is a Hermitian projector): two matmuls. x: [..., 2B, N] → [..., 2B, N]. */
export function applyAhA(p: C2poProblem, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.matMul(p.eT, projectOutRaw(p, tf.matMul(p.e, x))));
}

/** prox_g (2) on the real embedding: clip(ρ z, −ξ, ξ) elementwise (Re and Im are separate entries). */
export function prox(z: tf.Tensor, rho: tf.Tensor | number, xi: number): tf.Tensor {
  checkFinite('prox', 'xi (ξ)', xi, 0, false);
  return tf.tidy(() => tf.clipByValue(tf.mul(z, rho), -xi, xi));
}

/**
 * One C2PO iteration, (3) then (4): x ← clip(ρ(x − τ AᴴA x), ±ξ). τ, ρ: numbers or scalar tensors
 * (trainable in NNO-C2PO). x: [..., 2B, N] → [..., 2B, N].
 */
export function c2poStep(p: C2poProblem, x: tf.Tensor, tau: tf.Tensor | number, rho: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.sub(x, tf.mul(applyAhA(p, x), tau)); // (3)
    return tf.clipByValue(tf.mul(z, rho), -p.sys.xi, p.sys.xi); // (4), (2)
  });
}

/** The 1-bit quantiser (5)–(6), ξ sign(·) per real dimension with sign(0) = +1 (phy/quantizer `oneBit`). */
export function quantizeOneBit(x: tf.Tensor, xi: number): tf.Tensor {
  return quantize(x, oneBit(xi));
}

export interface C2poOptions {
  /** t_max ≥ 1 */
  iterations: number;
  /**
   * τ⁽ᵗ⁾: one number for every iteration (C2PO as in [13]) or t_max numbers (NNO-C2PO's learned
   * values); finite (learned values are unconstrained). Default 2⁻⁸ (the original).
   */
  tau?: number | number[];
  /** ρ⁽ᵗ⁾, as `tau`; finite. Default 1.25 (the original). */
  rho?: number | number[];
}

export interface C2poResult {
  /** x⁽ᵗᵐᵃˣ⁾ before quantisation, in the caller's layout: [batch, B] or [B, T] complex */
  x: Complex;
  /** x_Q ∈ X^B = {±ξ ± jξ}^B of (5), same shape: what the DACs transmit */
  xq: Complex;
}

/**
 * τ⁽ᵗ⁾, ρ⁽ᵗ⁾ as given, one per iteration. Any finite values are accepted: the original constraints
 * (τ ≥ 0, ρ = 1/(1 − τδ) > 0) follow from FBS with δ > 0, but learned values are unconstrained, as in
 * the paper, and a learned τ⁽¹⁾ can end slightly below 0 (a step uphill); the network it came from
 * computed exactly this.
 */
function perIteration(fn: string, name: 'tau' | 'rho', v: number | number[] | undefined, iterations: number): number[] {
  const check = (x: unknown, at: string) => checkFinite(fn, `${at} (${name === 'tau' ? 'step size τ' : 'prox scale ρ'})`, x);
  const value = v ?? C2PO_ORIGINAL[name];
  if (!Array.isArray(value)) return Array(iterations).fill(check(value, `opts.${name}`));
  if (value.length !== iterations) throw new Error(`${fn}: opts.${name} needs one value or t_max = ${iterations} values; got ${value.length}`);
  return value.map((x, i) => check(x, `opts.${name}[${i}]`));
}

/**
 * Algorithm 1 with fixed τ⁽ᵗ⁾, ρ⁽ᵗ⁾ (constant: C2PO of [13]; per iteration: NNO-C2PO with learned
 * values), on plain inputs: h: [batch, U, B] with s: [batch, U], or a shared channel h: [U, B] with a
 * block s: [U, T] of T columns → x: [B, T] (one matmul per product for the whole block). No data read.
 */
export function c2po(h: Complex, s: Complex, sys: C2poSystem, opts: C2poOptions): C2poResult {
  const fn = 'c2po';
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}(opts): needs { iterations, tau?, rho? }`);
  const iterations = checkPositiveInt(fn, 'opts.iterations (t_max)', opts.iterations);
  const tau = perIteration(fn, 'tau', opts.tau, iterations);
  const rho = perIteration(fn, 'rho', opts.rho, iterations);
  checkInputs(fn, sys, h, s); // errors name c2po (prepareProblem checks again, no data read)
  const p = prepareProblem(h, s, sys);
  try {
    const [xr, xqr] = tf.tidy(() => {
      let x = initialIterate(p);
      for (let t = 0; t < iterations; t++) x = c2poStep(p, x, tau[t], rho[t]);
      return [x, quantizeOneBit(x, sys.xi)];
    });
    try {
      return { x: fromColumns(p, xr), xq: fromColumns(p, xqr) };
    } finally {
      tf.dispose([xr, xqr]);
    }
  } finally {
    disposeProblem(p);
  }
}
