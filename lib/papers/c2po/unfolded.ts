/**
 * NNO-C2PO, the unfolded C2PO graph (NNO-C2PO paper §III, Fig. 2), on the real embedding (8)–(9):
 *
 *   x⁽⁰⁾ = Hᴴs;  for t = 1..t_max:  z⁽ᵗ⁾ = x⁽ᵗ⁻¹⁾ − τ⁽ᵗ⁾ AᴴA x⁽ᵗ⁻¹⁾ (3),  x⁽ᵗ⁾ = prox_g(z⁽ᵗ⁾; ρ⁽ᵗ⁾, ξ) (4)
 *   x_Q = Q(x⁽ᵗᵐᵃˣ⁾; ξ) (5)–(6), straight through: ξ sign forward, d clip(x, ξ)/dx backward (§III-B)
 *   β̂ = ‖s‖²/(sᴴ H x_Q),  ŝ = β̂ H x_Q  (7, noiseless)
 *   C = (1/K) Σ_k ‖s_k − ŝ_k‖²  (10)
 *
 * Two variants (§III, §IV):
 * - 'nno' (NNO-C2PO): per-iteration τ⁽ᵗ⁾, ρ⁽ᵗ⁾, i.e. `tau`, `rho` of shape [t_max];
 * - 'tied' ("trained C2PO" of §IV): τ⁽ᵗ⁾ = τ, ρ⁽ᵗ⁾ = ρ for all t, i.e. shape [1].
 * Both start at the original C2PO values τ = 2⁻⁸, ρ = 1.25 (§III-C), where the graph computes
 * Algorithm 1 exactly.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { safeDiv } from '../../core/safe';
import { checkPositiveInt } from '../../core/validate';
import { signSte } from '../../train/estimators';
import { scalarsOf } from '../../train/scalars';
import { applyA, C2PO_ORIGINAL, c2poStep, checkRho, checkTau, initialIterate } from './c2po';
import type { C2poProblem } from './system';

export type C2poVariant = 'nno' | 'tied';
export const C2PO_VARIANTS: readonly C2poVariant[] = ['nno', 'tied'];

/** Trainable parameters as tensors: [t_max] each ('nno') or [1] each ('tied'). */
export interface C2poParams {
  tau: tf.Tensor;
  rho: tf.Tensor;
}

/** The same as plain numbers: `tau.length === rho.length`, t_max ('nno') or 1 ('tied'). */
export interface C2poParamValues {
  tau: number[];
  rho: number[];
}

export function checkVariant(fn: string, variant: unknown): C2poVariant {
  if (!C2PO_VARIANTS.includes(variant as C2poVariant)) throw new Error(`${fn}: variant must be one of ${C2PO_VARIANTS.join(', ')}; got ${JSON.stringify(variant)}`);
  return variant as C2poVariant;
}

/** How many (τ, ρ) pairs a variant has: t_max for 'nno', 1 for 'tied'. */
export function paramCount(variant: C2poVariant, iterations: number): number {
  return variant === 'nno' ? iterations : 1;
}

/**
 * Starting values (plain numbers, checked: τ ≥ 0, ρ > 0, finite): a constant pair (default: the
 * original C2PO τ = 2⁻⁸, ρ = 1.25, §III-C) repeated, or explicit per-iteration arrays ('nno' only).
 */
export function startingValues(opts: {
  variant: C2poVariant;
  iterations: number;
  tau?: number | number[];
  rho?: number | number[];
}): C2poParamValues {
  const fn = 'startingValues(opts)';
  const variant = checkVariant(fn, opts.variant);
  const iterations = checkPositiveInt(fn, 'iterations (t_max)', opts.iterations);
  const n = paramCount(variant, iterations);
  const expand = (name: 'tau' | 'rho', v: number | number[] | undefined): number[] => {
    const check = name === 'tau' ? checkTau : checkRho;
    const value = v ?? C2PO_ORIGINAL[name];
    if (Array.isArray(value)) {
      if (value.length !== n) throw new Error(`${fn}: ${name} needs ${n} values (${variant === 'nno' ? 't_max' : "one, 'tied'"}); got ${value.length}`);
      return value.map((x, i) => check(fn, `${name}[${i}]`, x));
    }
    return Array(n).fill(check(fn, name, value));
  };
  return { tau: expand('tau', opts.tau), rho: expand('rho', opts.rho) };
}

/** Check parameter tensors for t_max iterations: shapes [t_max] ('nno') or [1] ('tied'). No data read. */
export function checkParams(fn: string, params: C2poParams, iterations: number): void {
  checkPositiveInt(fn, 'iterations (t_max)', iterations);
  if (params === null || typeof params !== 'object') throw new Error(`${fn}(params): needs { tau, rho } tensors`);
  for (const name of ['tau', 'rho'] as const) {
    const t = params[name];
    if (!(t instanceof tf.Tensor) || t.rank !== 1 || (t.shape[0] !== iterations && t.shape[0] !== 1)) {
      throw new Error(`${fn}(params.${name}): must have shape [t_max] = [${iterations}] (NNO-C2PO) or [1] (tied, C2PO); got ${t instanceof tf.Tensor ? `[${t.shape}]` : String(t)}`);
    }
  }
  if (params.tau.shape[0] !== params.rho.shape[0]) throw new Error(`${fn}(params): tau [${params.tau.shape}] and rho [${params.rho.shape}] must have the same length`);
}

/** τ⁽ᵗ⁾ (or ρ⁽ᵗ⁾) for t = 1..iterations: a [1] parameter (tied) serves every iteration. */
function scalars(t: tf.Tensor, iterations: number): tf.Tensor[] {
  const all = scalarsOf(t);
  return Array.from({ length: iterations }, (_, i) => all[all.length === 1 ? 0 : i]);
}

export interface UnfoldedOutput {
  /** x⁽ᵗᵐᵃˣ⁾ before quantisation: [batch, 2B, 1] or [2B, T] */
  x: tf.Tensor;
  /** x_Q of (5) (straight-through): same shape, entries ±ξ */
  xq: tf.Tensor;
  /** ŝ of (7): [batch, 2U, 1] or [2U, T] */
  sHat: tf.Tensor;
  /** x⁽¹⁾ … x⁽ᵗᵐᵃˣ⁾ when asked (`keepIterates`); the last one is the same tensor as `x` */
  iterates?: tf.Tensor[];
}

function checkIterate(fn: string, p: C2poProblem, x: tf.Tensor): void {
  const want = [...p.e.shape.slice(0, -2), p.e.shape[p.e.rank - 1], p.s.shape[p.s.rank - 1]];
  if (!(x instanceof tf.Tensor) || x.rank !== want.length || x.shape.some((d, i) => d !== want[i])) {
    throw new Error(`${fn}(xq): must be [${want}] (real embedding [Re x; Im x] as columns, 2B = ${want[want.length - 2]}); got ${x instanceof tf.Tensor ? `[${x.shape}]` : String(x)}`);
  }
}

/**
 * β̂ = ‖s‖²/(sᴴ H x_Q) of (7) per symbol vector, as (Re, Im): with a + jb = sᴴv, v = H x_Q,
 * β̂ = ‖s‖² (a − jb)/(a² + b²); a vanishing sᴴv gives a guarded (finite) β̂.
 * xq: [..., 2B, N] → { re, im }: [..., 1, N] each.
 */
export function precodingFactor(p: C2poProblem, xq: tf.Tensor): Complex {
  checkIterate('precodingFactor', p, xq);
  return C.tidy(() => betaRaw(p, tf.matMul(p.e, xq)));
}

function betaRaw(p: C2poProblem, v: tf.Tensor): Complex {
  const a = tf.sum(tf.mul(p.s, v), -2, true); // Re sᴴv
  const b = tf.sum(tf.mul(p.js, v), -2, true); // Im sᴴv
  const k = safeDiv(p.sNorm2, tf.add(tf.square(a), tf.square(b))); // ‖s‖²/|sᴴv|²
  return { re: tf.mul(k, a), im: tf.neg(tf.mul(k, b)) };
}

/**
 * ŝ = β̂ H x_Q of (7) (noiseless, N0 → 0), on the real embedding: β̂v = Re β̂ · v_R + Im β̂ · (jv)_R
 * with (jv)_R = [−Im v; Re v]. xq: [..., 2B, N] → ŝ: [..., 2U, N].
 */
export function estimateSymbols(p: C2poProblem, xq: tf.Tensor): tf.Tensor {
  checkIterate('estimateSymbols', p, xq);
  return tf.tidy(() => {
    const v = tf.matMul(p.e, xq); // H x_Q: [..., 2U, N]
    const beta = betaRaw(p, v);
    const [vr, vi] = tf.split(v, 2, -2);
    const jv = tf.concat([tf.neg(vi), vr], -2);
    return tf.add(tf.mul(v, beta.re), tf.mul(jv, beta.im));
  });
}

/**
 * Forward pass of Fig. 2 for `iterations` = t_max steps. params: tau, rho [t_max] or [1].
 * Differentiable in τ⁽ᵗ⁾, ρ⁽ᵗ⁾ (clip gradients inside the prox, the straight-through quantiser).
 */
export function unfoldedForward(p: C2poProblem, params: C2poParams, iterations: number, opts: { keepIterates?: boolean } = {}): UnfoldedOutput {
  checkParams('unfoldedForward', params, iterations);
  const keep = opts.keepIterates === true;
  const out = tf.tidy(() => {
    const taus = scalars(params.tau, iterations);
    const rhos = scalars(params.rho, iterations);
    let x = initialIterate(p);
    const iterates: tf.Tensor[] = [];
    for (let t = 0; t < iterations; t++) {
      x = c2poStep(p, x, taus[t], rhos[t]);
      if (keep) iterates.push(x);
    }
    const xq = signSte(x, p.sys.xi);
    return [x, xq, estimateSymbols(p, xq), ...iterates];
  });
  const [x, xq, sHat, ...iterates] = out;
  return keep ? { x, xq, sHat, iterates } : { x, xq, sHat };
}

/** The MSE cost (10): mean over symbol vectors of ‖s − ŝ‖². */
export function mseLoss(p: C2poProblem, params: C2poParams, iterations: number): tf.Scalar {
  return tf.tidy(() => {
    const { sHat } = unfoldedForward(p, params, iterations);
    return tf.mean(tf.sum(tf.square(tf.sub(p.s, sHat)), -2)) as tf.Scalar;
  });
}

/** ‖A x‖² per symbol vector, the objective of (OPP**) (times 2): x: [..., 2B, N] → [..., N]. */
export function oppObjective(p: C2poProblem, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.square(applyA(p, x)), -2));
}
