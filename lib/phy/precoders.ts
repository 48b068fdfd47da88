/**
 * Linear precoders (MRT, ZF, RZF) with total-power normalisation, and (quantised) precoding.
 *
 * Convention (whole library, Sionna's): h: [..., K, M] (users × antennas, any leading batch axes),
 * y = H x + n, W: [..., M, K], x = W s with s: [..., K, T].
 *
 * GNN paper §II-A writes H_gnn ∈ C^{M×K} with received r = H_gnnᵀ y + v, and
 *   MRT: W = α_norm H_gnn*,   ZF: W = α_norm H_gnn* (H_gnnᵀ H_gnn*)⁻¹,
 *   α_norm = √(P_T / Tr(W Wᴴ)).
 * With H_gnn = Hᵀ (our h): H_gnn* = Hᴴ and H_gnnᵀ H_gnn* = H Hᴴ, so MRT = c Hᴴ and
 * ZF = c Hᴴ (H Hᴴ)⁻¹, as implemented here. RZF (regularised ZF / Wiener-like, Peel et al. 2005):
 * W = c Hᴴ (H Hᴴ + ξ I)⁻¹, ξ = K σ²/P by default.
 *
 * Checks are on shapes and options (no data read, see core/validate.ts), with one documented
 * exception: ZF, and RZF with ξ = 0, invert H Hᴴ, which is singular when two users have (nearly)
 * parallel channels. They check by default (RZF with ξ > 0 only when asked: H Hᴴ + ξI is positive
 * definite) that the inverse they computed is one (‖A A⁻¹ − I‖ small,
 * one read of a value per channel) and otherwise throw, naming the channel and the condition number
 * of H Hᴴ. Inside a training step pass `checkConditioning: false`.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { eighHermitian, hermitianInverse } from '../core/linalg';
import { toComplexBatchF64 } from '../core/complexF64';
import {
  ScalarQuantizer, PerAntennaOptions, antennaPowerEmpirical, antennaPowerFromPrecoder, checkQuantizer,
  quantizeComplex, quantizeWithPower,
} from './quantizer';
import { checkFiniteNamed, checkMatrixBatch } from '../core/validate';
import { safeDiv, safeSqrt } from '../core/safe';

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Validate h: [..., K, M] complex; returns its shape. */
function checkChannel(h: Complex, fn: string): number[] {
  return checkMatrixBatch(`${fn}(h)`, h, '[..., K, M]');
}

/** Validate s: [..., K, T] complex against w: [..., M, K] (same leading axes); shapes only. */
function checkSymbols(w: Complex, s: Complex, fn: string): void {
  const sw = checkMatrixBatch(`${fn}(w)`, w, '[..., M, K]');
  const ss = checkMatrixBatch(`${fn}(s)`, s, '[..., K, T]');
  const lead = sw.slice(0, -2), k = sw[sw.length - 1];
  if (!same(ss.slice(0, -2), lead) || ss[ss.length - 2] !== k) {
    throw new Error(`${fn}(s): must be [${[...lead, k, 'T'].join(', ')}] to match w [${sw}]; got [${ss}]`);
  }
}

export interface PowerOptions {
  /** total transmit power P: Tr(W Wᴴ) = P per channel; default 1 */
  power?: number;
}

export interface InvertingOptions extends PowerOptions {
  /**
   * Check that H Hᴴ (+ ξ I) could be inverted in float32 and throw otherwise (one read of a value
   * per channel). Default: on for ZF and for RZF with ξ = 0, off for RZF with ξ > 0. Pass false
   * inside a training step.
   */
  checkConditioning?: boolean;
}

/** ‖A A⁻¹ − I‖_F / √K above this means the float32 inverse is not one (condition number ≳ 10⁵). */
export const INVERSE_RESIDUAL_LIMIT = 1e-2;

/** c·w with c = √(P / Tr(W Wᴴ)) per matrix; W = 0 stays 0 with a finite gradient. */
function scaleToPower(w: Complex, power: number): Complex {
  return C.scale(w, safeSqrt(safeDiv(power, C.frobNorm2(w, [-2, -1], true))));
}

/**
 * Scale each W in the batch to Tr(W Wᴴ) = P (W = 0 stays 0; values and gradients stay finite).
 * w: [..., M, K] → [..., M, K].
 */
export function normalisePower(w: Complex, power = 1): Complex {
  checkMatrixBatch('normalisePower(w)', w, '[..., M, K]');
  checkFiniteNamed('normalisePower(power)', power, 0);
  return C.tidy(() => scaleToPower(w, power));
}

/** MRT, GNN §II-A (W = α_norm H_gnn*): W = c Hᴴ, Tr(WWᴴ) = P. h: [..., K, M] → w: [..., M, K]. */
export function mrt(h: Complex, opts: PowerOptions = {}): Complex {
  const power = checkFiniteNamed('mrt(opts.power)', opts.power ?? 1, 0);
  checkChannel(h, 'mrt');
  return C.tidy(() => scaleToPower(C.adjoint(h), power));
}

/**
 * Hᴴ (H Hᴴ + ξ I)⁻¹ for ξ ≥ 0 (unnormalised); h: [..., K, M]. With `check`, throws (naming `fn`, the
 * first bad channel of the batch and the condition number of H Hᴴ + ξ I, computed in float64) when
 * the float32 inverse is not one.
 */
function pseudoInverse(h: Complex, reg: number, fn: string, check: boolean): Complex {
  const k = h.re.shape[h.re.rank - 2];
  const [wRe, wIm, residual] = tf.tidy(() => {
    const gram = C.matmul(h, h, false, true); // [..., K, K]
    const a = reg > 0 ? C.add(gram, C.scale(C.eye(k), reg)) : gram;
    const inv = hermitianInverse(a);
    const w = C.matmul(h, inv, true, false);
    // per channel ‖A A⁻¹ − I‖_F / √K (flattened over the batch axes)
    const r = check ? tf.reshape(tf.sqrt(tf.div(C.frobNorm2(C.sub(C.matmul(a, inv), C.eye(k)), [-2, -1]), k)), [-1]) : tf.zeros([0]);
    return [w.re, w.im, r];
  });
  const w: Complex = { re: wRe, im: wIm };
  const res = check ? residual.dataSync() : new Float32Array(0);
  residual.dispose();
  const bad = res.findIndex((x) => !(x <= INVERSE_RESIDUAL_LIMIT));
  if (bad < 0) return w;
  C.dispose(w);
  throw new Error(`${fn}(h): ${conditionMessage(h, reg, bad, res[bad])}`);
}

/** Why channel `index` of the batch cannot be inverted: the condition number of H Hᴴ + ξ I in float64. */
function conditionMessage(h: Complex, reg: number, index: number, residual: number): string {
  const [k, m] = h.re.shape.slice(-2);
  const one = C.tidy(() => {
    const flat = { re: tf.reshape(h.re, [-1, k, m]), im: tf.reshape(h.im, [-1, k, m]) };
    const hi = { re: tf.slice(flat.re, [index, 0, 0], [1, k, m]), im: tf.slice(flat.im, [index, 0, 0], [1, k, m]) };
    const gram = C.matmul(hi, hi, false, true);
    return reg > 0 ? C.add(gram, C.scale(C.eye(k), reg)) : gram;
  });
  const g = toComplexBatchF64(one);
  C.dispose(one);
  const ev = eighHermitian(g).values;
  const lo = Math.max(ev[0], 0), hi = ev[ev.length - 1];
  const cond = lo > 0 ? hi / lo : Infinity;
  const what = reg > 0 ? `H Hᴴ + ξI (ξ = ${reg})` : 'H Hᴴ';
  return (
    `${what} of channel ${index} in the batch cannot be inverted in float32 (condition number ${cond === Infinity ? '∞ (singular)' : cond.toExponential(2)}, ` +
    `‖A A⁻¹ − I‖ = ${Number.isFinite(residual) ? residual.toExponential(2) : residual}); two users have (nearly) parallel channels` +
    `${k > m ? ` or K = ${k} > M = ${m}` : ''}. Use rzf with noiseVar > 0, or remove dependent users`
  );
}

/**
 * ZF, GNN §II-A (W = α_norm H_gnn*(H_gnnᵀ H_gnn*)⁻¹): W = c Hᴴ (H Hᴴ)⁻¹, so H W = c I.
 * Needs K ≤ M. h: [..., K, M] → w: [..., M, K], Tr(WWᴴ) = P.
 */
export function zf(h: Complex, opts: InvertingOptions = {}): Complex {
  const power = checkFiniteNamed('zf(opts.power)', opts.power ?? 1, 0);
  const shape = checkChannel(h, 'zf');
  const [k, m] = shape.slice(-2);
  if (k > m) throw new Error(`zf(h): needs K <= M (users <= antennas); got K=${k}, M=${m}`);
  const w = pseudoInverse(h, 0, 'zf', opts.checkConditioning ?? true);
  try {
    return C.tidy(() => scaleToPower(w, power));
  } finally {
    C.dispose(w);
  }
}

export interface RzfOptions extends InvertingOptions {
  /** noise variance σ² per user; sets ξ = K σ²/P */
  noiseVar?: number;
  /** regularisation ξ ≥ 0 directly (overrides noiseVar) */
  reg?: number;
}

/**
 * Regularised ZF (Wiener / MMSE-like): W = c Hᴴ (H Hᴴ + ξ I)⁻¹, ξ = K σ²/P unless `reg` is given.
 * ξ → 0 gives ZF, ξ → ∞ the MRT direction. h: [..., K, M] → w: [..., M, K], Tr(WWᴴ) = P.
 */
export function rzf(h: Complex, opts: RzfOptions = {}): Complex {
  const power = checkFiniteNamed('rzf(opts.power)', opts.power ?? 1, 0, false);
  let reg: number;
  if (opts.reg !== undefined) {
    reg = checkFiniteNamed('rzf(opts.reg)', opts.reg, 0);
  } else if (opts.noiseVar !== undefined) {
    reg = checkFiniteNamed('rzf(opts.noiseVar)', opts.noiseVar, 0);
  } else {
    throw new Error('rzf(opts): give noiseVar (σ² >= 0, ξ = Kσ²/P) or reg (ξ >= 0)');
  }
  const shape = checkChannel(h, 'rzf');
  const k = shape[shape.length - 2];
  const m = shape[shape.length - 1];
  if (opts.reg === undefined) reg = (k * reg) / power;
  if (reg === 0 && k > m) {
    throw new Error(`rzf(opts): ξ = 0 (noiseVar or reg 0) makes RZF the ZF precoder, which needs K <= M (users <= antennas); got K=${k}, M=${m}`);
  }
  // ξ > 0 keeps H Hᴴ + ξI positive definite (eigenvalues ≥ ξ): checked by default only at ξ = 0 (ZF)
  const w = pseudoInverse(h, reg, 'rzf', opts.checkConditioning ?? reg === 0);
  try {
    return C.tidy(() => scaleToPower(w, power));
  } finally {
    C.dispose(w);
  }
}

/** x = W s, one batched matmul. w: [..., M, K], s: [..., K, T] → x: [..., M, T]. */
export function precode(w: Complex, s: Complex): Complex {
  checkSymbols(w, s, 'precode');
  return C.matmul(w, s);
}

export type AntennaNormalisation = 'precoder' | 'empirical' | 'none';

export interface QuantizedPrecodeOptions extends PerAntennaOptions {
  /**
   * DAC input scaling (GNN §II-B3): 'precoder' (default) ρ_m = ||w_m||²; 'empirical' ρ_m = mean
   * over T of |x_m|²; 'none' quantises x as is (e.g. NNO-C2PO's ξ·sign with ξ set by P).
   */
  perAntennaNormalisation?: AntennaNormalisation;
  /**
   * Rescale the quantised signal to (1/T) Σ_t ||y_t||² = P per channel (as GNN eq. (15) does for the
   * GNN output). Default true. The paper does not say whether its MRT/ZF baselines are rescaled.
   */
  renormalise?: boolean;
  /** target P for `renormalise`; default Tr(W Wᴴ) per channel (= P for the precoders above) */
  power?: number;
}

/**
 * DAC-quantised linear precoding: y = Q(W s) per real dimension (GNN eq. (1)) with per-antenna
 * normalisation (§II-B3), then (by default) rescaled so the mean power over the T symbols is P.
 * w: [..., M, K], s: [..., K, T] → y: [..., M, T]. No data read.
 * Differentiable in w and s: the DAC itself has a zero gradient (`quantizeSte` in lib/train gives a
 * straight-through one); the per-antenna gains and the rescaling are guarded, so gradients stay
 * finite also at W = 0, s = 0 or a switched-off antenna.
 */
export function quantizedPrecode(w: Complex, s: Complex, q: ScalarQuantizer, opts: QuantizedPrecodeOptions = {}): Complex {
  const fn = 'quantizedPrecode';
  const mode = opts.perAntennaNormalisation ?? 'precoder';
  if (mode !== 'precoder' && mode !== 'empirical' && mode !== 'none') {
    throw new Error(`${fn}(opts.perAntennaNormalisation): 'precoder', 'empirical' or 'none'; got ${String(mode)}`);
  }
  if (opts.power !== undefined) checkFiniteNamed(`${fn}(opts.power)`, opts.power, 0);
  if (opts.target !== undefined) checkFiniteNamed(`${fn}(opts.target)`, opts.target, 0, false);
  checkQuantizer(q, `${fn}(q)`);
  checkSymbols(w, s, fn);
  return C.tidy(() => {
    const x = C.matmul(w, s); // [..., M, T]
    const y =
      mode === 'precoder' ? quantizeWithPower(x, antennaPowerFromPrecoder(w), q, opts)
        : mode === 'empirical' ? quantizeWithPower(x, antennaPowerEmpirical(x), q, opts)
          : quantizeComplex(x, q);
    if (opts.renormalise === false) return y;
    const target = opts.power ?? C.frobNorm2(w, [-2, -1], true);
    const meanPower = tf.mean(tf.sum(C.abs2(y), -2, true), -1, true); // [..., 1, 1]
    return C.scale(y, safeSqrt(safeDiv(target, meanPower)));
  });
}
