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
  ScalarQuantizer, PerAntennaOptions, quantizeComplex, quantizePerAntenna, quantizePerAntennaEmpirical,
} from './quantizer';
import { assertFinite } from '../core/validate';

function checkNumber(value: number, what: string, min: number, strict: boolean): void {
  const ok = Number.isFinite(value) && (strict ? value > min : value >= min);
  if (!ok) throw new Error(`${what}: must be a finite number ${strict ? '>' : '>='} ${min}; got ${value}`);
}

/** Throw if any entry of the complex tensors is NaN or ±∞ (one data read). */

/** Validate h: [batch, K, M] complex and finite; returns [batch, K, M]. */
function checkChannel(h: Complex, fn: string): [number, number, number] {
  if (h.re.rank !== 3) throw new Error(`${fn}(h): must be [batch, K, M] complex; got [${h.re.shape}]`);
  assertFinite(`${fn}(h)`, h);
  return h.re.shape as [number, number, number];
}

/** Validate w: [batch, M, K] complex; returns [batch, M, K]. */
function checkPrecoder(w: Complex, fn: string): [number, number, number] {
  if (w.re.rank !== 3) throw new Error(`${fn}(w): must be [batch, M, K] complex; got [${w.re.shape}]`);
  return w.re.shape as [number, number, number];
}

export interface PowerOptions {
  /** total transmit power P: Tr(W Wᴴ) = P per channel; default 1 */
  power?: number;
}

/** Scale each W in the batch to Tr(W Wᴴ) = P (W = 0 stays 0). w: [batch, M, K] → [batch, M, K]. */
export function normalisePower(w: Complex, power = 1): Complex {
  checkPrecoder(w, 'normalisePower');
  checkNumber(power, 'normalisePower(power)', 0, false);
  return C.tidy(() => {
    const fro = C.frobNorm2(w, [-2, -1], true);
    return C.scale(w, tf.sqrt(tf.div(power, tf.maximum(fro, 1e-30))));
  });
}

/** MRT, GNN §II-A (W = α_norm H_gnn*): W = c Hᴴ, Tr(WWᴴ) = P. h: [batch, K, M] → w: [batch, M, K]. */
export function mrt(h: Complex, opts: PowerOptions = {}): Complex {
  checkChannel(h, 'mrt');
  return C.tidy(() => normalisePower(C.adjoint(h), opts.power ?? 1));
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
  const [, k, m] = checkChannel(h, 'zf');
  if (k > m) throw new Error(`zf(h): needs K <= M (users <= antennas); got K=${k}, M=${m}`);
  return C.tidy(() => normalisePower(pseudoInverse(h, 0), opts.power ?? 1));
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
  const [, k] = checkChannel(h, 'rzf');
  const power = opts.power ?? 1;
  checkNumber(power, 'rzf(opts.power)', 0, true);
  let reg: number;
  if (opts.reg !== undefined) {
    checkNumber(opts.reg, 'rzf(opts.reg)', 0, false);
    reg = opts.reg;
  } else if (opts.noiseVar !== undefined) {
    checkNumber(opts.noiseVar, 'rzf(opts.noiseVar)', 0, false);
    reg = (k * opts.noiseVar) / power;
  } else {
    throw new Error('rzf(opts): give noiseVar (σ² >= 0, ξ = Kσ²/P) or reg (ξ >= 0)');
  }
  return C.tidy(() => normalisePower(pseudoInverse(h, reg), power));
}

/** x = W s, one batched matmul. w: [batch, M, K], s: [batch, K, T] → x: [batch, M, T]. */
export function precode(w: Complex, s: Complex): Complex {
  const [bw, , k] = checkPrecoder(w, 'precode');
  if (s.re.rank !== 3 || s.re.shape[0] !== bw || s.re.shape[1] !== k) {
    throw new Error(`precode(s): must be [${bw}, ${k}, T] to match w [${w.re.shape}]; got [${s.re.shape}]`);
  }
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
 * w: [batch, M, K], s: [batch, K, T] → y: [batch, M, T].
 */
export function quantizedPrecode(w: Complex, s: Complex, q: ScalarQuantizer, opts: QuantizedPrecodeOptions = {}): Complex {
  const mode = opts.perAntennaNormalisation ?? 'precoder';
  if (mode !== 'precoder' && mode !== 'empirical' && mode !== 'none') {
    throw new Error(`quantizedPrecode(opts.perAntennaNormalisation): 'precoder', 'empirical' or 'none'; got ${String(mode)}`);
  }
  if (opts.power !== undefined) checkNumber(opts.power, 'quantizedPrecode(opts.power)', 0, false);
  assertFinite('quantizedPrecode(w, s)', w, s);
  return C.tidy(() => {
    const x = precode(w, s);
    const y =
      mode === 'precoder' ? quantizePerAntenna(x, w, q, opts)
        : mode === 'empirical' ? quantizePerAntennaEmpirical(x, q, opts)
          : quantizeComplex(x, q);
    if (opts.renormalise === false) return y;
    const target = opts.power ?? C.frobNorm2(w, [-2, -1], true);
    const meanPower = tf.mean(tf.sum(C.abs2(y), 1, true), 2, true); // [batch, 1, 1]
    return C.scale(y, tf.sqrt(tf.div(target, tf.maximum(meanPower, 1e-30))));
  });
}
