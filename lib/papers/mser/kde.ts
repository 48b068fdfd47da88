/**
 * The MSER objective by kernel density estimation, eqs. (10)–(15) of the MSER paper (QPSK) and
 * (45)–(48) (square M-QAM; here 16-QAM).
 *
 * QPSK. With the noise-free detector inputs Z = MS [B, D, J] of the J sampled vectors (8) and a kernel
 * width ϱ, each term of (12)–(13) is (1/√π)∫_{−∞}^{−x/√2} e^{−s²} ds = ½erfc(x/√2) = Q(x), so
 *   P^R_e(b_{i,k}) = (1/J) Σ_j Q(Re b̄^{q_j}_{i,k} Re b^{q_j}_{i,k} / ϱ),  P^I_e likewise with Im,
 * and the objective (14a)/(15) is P̃ = Σ_{k,i} (P^R_e + P^I_e) per channel (the union bound of (11)).
 * For QPSK Re b = ±1, so Re b̄·Re b/ϱ is the signed distance of the detector input to the decision
 * boundary of (6), in kernel widths.
 *
 * 16-QAM (axis levels F ∈ {−3, −1, 1, 3}, the unnormalised alphabet of ./system). The detector (45)
 * compares b̃_{i,k} with the thresholds c_{i,k}(F ± 1), c_{i,k} = w_{i,k}ᴴU_kH_kFp_{i,k} = M[d, d] (the
 * stream's own gain, d = k·D_k + i), after the rotations (46) have made c real and positive. Ours: the
 * state is not rotated; the objective turns each stream's outputs by conj(c)/|c| instead, which is what
 * (46) does to them, and is exactly the detection of phy/conditionalSer (b̃/c against F ± 1, the
 * `exactSer` of ./evaluate). With
 *   x + jy = Z ∘ conj(c)/|c|,  r = |c|   ([B, D, J] and [B, D, 1]),
 * level F = Re b^{q_j} on the real axis has the margins to its lower and upper thresholds
 *   a⁻ = (x − r(F − 1))/ϱ,  a⁺ = (r(F + 1) − x)/ϱ,
 * and errs below only if F > −3 and above only if F < 3 (an inner level ±1 on both sides, an outer
 * level ±3 only towards the inside), so per axis, as (47),
 *   P^R_e(b_{i,k}) = (1/J) Σ_j ([F > −3] Q(a⁻) + [F < 3] Q(a⁺)),   P^I_e likewise from y, G = Im b (48),
 * and P̃ = Σ_{k,i} (P^R_e + P^I_e) as (15). The two events of one axis are disjoint, so each P^R_e is the
 * kernel estimate of the exact per-axis error probability; with ϱ the per-axis noise std σ‖U_kᴴw_{i,k}‖/√2
 * and J → every vector it is phy/conditionalSer's p_Re (P̃/D then exceeds `exactSer` only by the mean of
 * p_Re·p_Im, the product (11) drops). The printed (47)–(48) (§V-F) weight one threshold term by
 * ϕ = 2(√M − 1)/√M = 3/2 (the mean number of neighbouring levels per axis, [41]) for every level alike;
 * the two agree when every threshold term is alike (interference-free outputs b̄ = c·b: 6 terms over
 * 4 levels), and ours counts each level's own thresholds, the detector's exact per-axis error
 * probability that `exactSer` evaluates (ours). Scale: c is the actual
 * gain of the effective matrix M = GFV, so the thresholds follow the power normalisation (26) and the
 * combiner scale of ./transceiver; P̃ is unchanged by a common phase of a stream (row of M) and by
 * scaling M and ϱ together.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { effectiveMatrix, HybridState } from './transceiver';
import { axisLevels, SymbolBlock } from './symbols';

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

/** The per-axis margins a = Re Z ∘ Re S/ϱ and c = Im Z ∘ Im S/ϱ [B, D, J] (QPSK). */
export function margins(z: Complex, sym: SymbolBlock, rho: KernelWidth): { a: tf.Tensor; c: tf.Tensor } {
  return tf.tidy(() => ({ a: tf.div(tf.mul(z.re, sym.s.re), rho), c: tf.div(tf.mul(z.im, sym.s.im), rho) }));
}

/** The stream gains c = diag M [B, D] complex: c_{i,k} = w_{i,k}ᴴU_kH_kFp_{i,k} of (45). */
export function streamGains(m: Complex): Complex {
  return C.diagPart(m);
}

/** Floor of |c|² (a vanishing stream gain leaves the detector (45) undefined; keeps 1/|c| finite). */
export const GAIN_FLOOR = 1e-30;

/** One axis of the 16-QAM detector (45): the margins to the lower and upper thresholds and where they exist. */
export interface QamAxisMargins {
  /** a⁻ = (x − r(F − 1))/ϱ [B, D, J] */
  lo: tf.Tensor;
  /** a⁺ = (r(F + 1) − x)/ϱ [B, D, J] */
  hi: tf.Tensor;
  /** 1 where F is above the lowest level (the lower threshold exists), else 0 [D, J] */
  loMask: tf.Tensor;
  /** 1 where F is below the highest level, else 0 [D, J] */
  hiMask: tf.Tensor;
}

/** The outputs in the frame of (46) and the margins of (47)–(48) on both axes (16-QAM). */
export interface QamMargins {
  /** x = Re(Z ∘ conj(c))/|c| [B, D, J] */
  x: tf.Tensor;
  /** y = Im(Z ∘ conj(c))/|c| [B, D, J] */
  y: tf.Tensor;
  /** r = |c| (floored, `GAIN_FLOOR`) [B, D, 1] */
  r: tf.Tensor;
  /** e = c/|c| [B, D, 1] complex */
  e: Complex;
  re: QamAxisMargins;
  im: QamAxisMargins;
}

/**
 * The margins of (47)–(48) for outputs Z [B, D, J], stream gains c [B, D] complex (`streamGains`) and
 * the kernel width ϱ (eq. (45) with the rotation (46) applied to the outputs; module comment). Returns
 * new tensors: use it inside `tf.tidy`.
 */
export function qamMargins(z: Complex, sym: SymbolBlock, gains: Complex, rho: KernelWidth): QamMargins {
  const out = tf.tidy(() => {
    const [b, d] = gains.re.shape;
    const c: Complex = { re: tf.reshape(gains.re, [b, d, 1]), im: tf.reshape(gains.im, [b, d, 1]) };
    const r = tf.sqrt(tf.maximum(tf.add(tf.square(c.re), tf.square(c.im)), GAIN_FLOOR));
    const e: Complex = { re: tf.div(c.re, r), im: tf.div(c.im, r) };
    const rot = C.mulConj(z, e); // Z ∘ conj(e)
    const top = Math.max(...axisLevels(sym.modulation));
    const axis = (v: tf.Tensor, level: tf.Tensor): tf.Tensor[] => [
      tf.div(tf.sub(v, tf.mul(r, tf.sub(level, 1))), rho),
      tf.div(tf.sub(tf.mul(r, tf.add(level, 1)), v), rho),
      tf.cast(tf.greater(level, -top), 'float32'),
      tf.cast(tf.less(level, top), 'float32'),
    ];
    return [rot.re, rot.im, r, e.re, e.im, ...axis(rot.re, sym.s.re), ...axis(rot.im, sym.s.im)];
  });
  const [x, y, r, eRe, eIm, lo, hi, loMask, hiMask, loI, hiI, loMaskI, hiMaskI] = out;
  return { x, y, r, e: { re: eRe, im: eIm }, re: { lo, hi, loMask, hiMask }, im: { lo: loI, hi: hiI, loMask: loMaskI, hiMask: hiMaskI } };
}

/** [F > −3] Q(a⁻) + [F < 3] Q(a⁺) [B, D, J]: one axis's term of (47)–(48) (no scope of its own). */
export function qamAxisError(m: QamAxisMargins): tf.Tensor {
  return tf.add(tf.mul(m.loMask, qTensor(m.lo)), tf.mul(m.hiMask, qTensor(m.hi)));
}

/** P̃ [B] of 16-QAM, eqs. (47)–(48) summed as (15), from its margins. */
export function qamKdeSer(q: QamMargins, count: number): tf.Tensor {
  return tf.tidy(() => tf.div(tf.sum(tf.add(qamAxisError(q.re), qamAxisError(q.im)), [1, 2]), count));
}

/**
 * P̃ [B]: Σ over streams of the KDE error probabilities from the outputs Z [B, D, J]: QPSK (12) + (13);
 * 16-QAM (47) + (48), which need the stream gains c = diag M [B, D] (`opts.gains`, `streamGains`; QPSK
 * detects by signs (6) and ignores them).
 */
export function kdeSer(z: Complex, sym: SymbolBlock, opts: { rho: KernelWidth; gains?: Complex }): tf.Tensor {
  if (sym.modulation === 'qpsk') {
    return tf.tidy(() => {
      const { a, c } = margins(z, sym, opts.rho);
      return tf.div(tf.sum(tf.add(qTensor(a), qTensor(c)), [1, 2]), sym.count);
    });
  }
  if (sym.modulation !== '16qam') throw new Error(`kdeSer(sym.modulation): 'qpsk' (12)–(13) or '16qam' (47)–(48); got ${String(sym.modulation)}`);
  const gains = opts.gains;
  if (!gains) throw new Error('kdeSer(opts.gains): 16-QAM (47)–(48) needs the stream gains c = diag M [B, D] (streamGains(m)) of the detector (45)');
  const [b, d] = z.re.shape;
  if (gains.re.rank !== 2 || gains.re.shape[0] !== b || gains.re.shape[1] !== d) throw new Error(`kdeSer(opts.gains): needs shape [${b}, ${d}] (B, D of z); got [${gains.re.shape}]`);
  return tf.tidy(() => qamKdeSer(qamMargins(z, sym, gains, opts.rho), sym.count));
}

/** The MSER objective (15) of each channel [B] for the transceiver `s` on channels h [B, K, N_r, N_t] (QPSK (12)–(13), 16-QAM (47)–(48)). */
export function mserObjective(h: Complex, s: HybridState, sym: SymbolBlock, opts: { rho: KernelWidth }): tf.Tensor {
  return tf.tidy(() => {
    const m = effectiveMatrix(h, s);
    return kdeSer(noiseFreeOutputs(m, sym), sym, { rho: opts.rho, gains: sym.modulation === 'qpsk' ? undefined : streamGains(m) });
  });
}
