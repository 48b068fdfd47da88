/**
 * Linear precoders (MRT, ZF, RZF) with total-power normalisation, and (quantised) precoding.
 *
 * Convention (whole library): h: [batch, K, M] (users × antennas), y = H x + n, W: [batch, M, K],
 * x = W s with s: [batch, K, T].
 *
 * GNN paper §II-A writes H_gnn ∈ C^{M×K} with received r = H_gnnᵀ y + v, and
 *   MRT: W = α_norm H_gnn*,   ZF: W = α_norm H_gnn* (H_gnnᵀ H_gnn*)⁻¹,
 *   α_norm = √(P_T / Tr(W Wᴴ)).
 * With H_gnn = Hᵀ (our h): H_gnn* = Hᴴ and H_gnnᵀ H_gnn* = H Hᴴ, so MRT = c Hᴴ and
 * ZF = c Hᴴ (H Hᴴ)⁻¹, as implemented here. RZF (regularised ZF / Wiener-like, Peel et al. 2005):
 * W = c Hᴴ (H Hᴴ + ξ I)⁻¹, ξ = K σ²/P by default.
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../core/complex';
import type { Complex } from '../core/complex';
import { hermitianInverse } from '../core/linalg';
import {
  ScalarQuantizer, PerAntennaOptions, antennaPowerEmpirical, antennaPowerFromPrecoder, checkQuantizer,
  quantizeComplexUnchecked, quantizeWithPowerUnchecked,
} from './quantizer';
import { assertFinite, checkComplex, checkFiniteNamed } from '../core/validate';
import { safeDiv, safeSqrt } from '../core/safe';

/** Validate h: [batch, K, M] complex and finite; returns [batch, K, M]. */
function checkChannel(h: Complex, fn: string): [number, number, number] {
  checkComplex(`${fn}(h)`, h);
  if (h.re.rank !== 3) throw new Error(`${fn}(h): must be [batch, K, M] complex; got [${h.re.shape}]`);
  assertFinite(`${fn}(h)`, h);
  return h.re.shape as [number, number, number];
}

/** Validate w: [batch, M, K] complex; returns [batch, M, K]. */
function checkPrecoder(w: Complex, fn: string): [number, number, number] {
  checkComplex(`${fn}(w)`, w);
  if (w.re.rank !== 3) throw new Error(`${fn}(w): must be [batch, M, K] complex; got [${w.re.shape}]`);
  return w.re.shape as [number, number, number];
}

/** Validate s: [batch, K, T] complex against w: [batch, M, K] (shapes only). */
function checkSymbols(w: Complex, s: Complex, fn: string): void {
  const [bw, , k] = checkPrecoder(w, fn);
  checkComplex(`${fn}(s)`, s);
  if (s.re.rank !== 3 || s.re.shape[0] !== bw || s.re.shape[1] !== k) {
    throw new Error(`${fn}(s): must be [${bw}, ${k}, T] to match w [${w.re.shape}]; got [${s.re.shape}]`);
  }
}

export interface PowerOptions {
  /** total transmit power P: Tr(W Wᴴ) = P per channel; default 1 */
  power?: number;
}

/** c·w with c = √(P / Tr(W Wᴴ)) per channel; W = 0 stays 0 with a finite gradient (no checks). */
function scaleToPower(w: Complex, power: number): Complex {
  return C.scale(w, safeSqrt(safeDiv(power, C.frobNorm2(w, [-2, -1], true))));
}

/**
 * Scale each W in the batch to Tr(W Wᴴ) = P (W = 0 stays 0; values and gradients stay finite).
 * w: [batch, M, K] → [batch, M, K].
 */
export function normalisePower(w: Complex, power = 1): Complex {
  checkPrecoder(w, 'normalisePower');
  checkFiniteNamed('normalisePower(power)', power, 0);
  return C.tidy(() => scaleToPower(w, power));
}

/** MRT, GNN §II-A (W = α_norm H_gnn*): W = c Hᴴ, Tr(WWᴴ) = P. h: [batch, K, M] → w: [batch, M, K]. */
export function mrt(h: Complex, opts: PowerOptions = {}): Complex {
  const power = checkFiniteNamed('mrt(opts.power)', opts.power ?? 1, 0);
  checkChannel(h, 'mrt');
  return C.tidy(() => scaleToPower(C.adjoint(h), power));
}

/** Hᴴ (H Hᴴ + ξ I)⁻¹ for ξ ≥ 0 (unnormalised). */
function pseudoInverse(h: Complex, reg: number): Complex {
  const k = h.re.shape[1] as number;
  const gram = C.matmul(h, h, false, true); // [batch, K, K]
  const a = reg > 0 ? C.add(gram, C.scale(C.eye(k), reg)) : gram;
  return C.matmul(h, hermitianInverse(a), true, false);
}

/**
 * ZF, GNN §II-A (W = α_norm H_gnn*(H_gnnᵀ H_gnn*)⁻¹): W = c Hᴴ (H Hᴴ)⁻¹, so H W = c I.
 * Needs K ≤ M. h: [batch, K, M] → w: [batch, M, K], Tr(WWᴴ) = P.
 */
export function zf(h: Complex, opts: PowerOptions = {}): Complex {
  const power = checkFiniteNamed('zf(opts.power)', opts.power ?? 1, 0);
  const [, k, m] = checkChannel(h, 'zf');
  if (k > m) throw new Error(`zf(h): needs K <= M (users <= antennas); got K=${k}, M=${m}`);
  return C.tidy(() => scaleToPower(pseudoInverse(h, 0), power));
}

export interface RzfOptions extends PowerOptions {
  /** noise variance σ² per user; sets ξ = K σ²/P */
  noiseVar?: number;
  /** regularisation ξ ≥ 0 directly (overrides noiseVar) */
  reg?: number;
}

/**
 * Regularised ZF (Wiener / MMSE-like): W = c Hᴴ (H Hᴴ + ξ I)⁻¹, ξ = K σ²/P unless `reg` is given.
 * ξ → 0 gives ZF, ξ → ∞ the MRT direction. h: [batch, K, M] → w: [batch, M, K], Tr(WWᴴ) = P.
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
  const [, k] = checkChannel(h, 'rzf');
  if (opts.reg === undefined) reg = (k * reg) / power;
  return C.tidy(() => scaleToPower(pseudoInverse(h, reg), power));
}

/** x = W s, one batched matmul. w: [batch, M, K], s: [batch, K, T] → x: [batch, M, T]. */
export function precode(w: Complex, s: Complex): Complex {
  checkSymbols(w, s, 'precode');
  return C.tidy(() => C.matmul(w, s));
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
 * w: [batch, M, K], s: [batch, K, T] → y: [batch, M, T]. One data read validates w and s.
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
  assertFinite(`${fn}(w, s)`, w, s);
  return C.tidy(() => {
    const x = C.matmul(w, s); // [batch, M, T]
    const y =
      mode === 'precoder' ? quantizeWithPowerUnchecked(x, antennaPowerFromPrecoder(w), q, opts)
        : mode === 'empirical' ? quantizeWithPowerUnchecked(x, antennaPowerEmpirical(x), q, opts)
          : quantizeComplexUnchecked(x, q);
    if (opts.renormalise === false) return y;
    const target = opts.power ?? C.frobNorm2(w, [-2, -1], true);
    const meanPower = tf.mean(tf.sum(C.abs2(y), 1, true), 2, true); // [batch, 1, 1]
    return C.scale(y, safeSqrt(safeDiv(target, meanPower)));
  });
}
