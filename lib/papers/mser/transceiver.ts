/**
 * The hybrid transceiver of the MSER paper (§II, eqs. (1)–(4), (26)): analog phases θ_F, θ_U (the
 * unit-modulus constraint (14c) holds by construction, F = exp(jθ_F), U_k = exp(jθ_{U_k})), digital
 * precoder V = [P_1 … P_K] and digital combiners W_k, and what they give together: the receive chain
 * G = stack_k W_kᴴU_kH_k and the effective matrix M = GFV, b̄ = Ms (the noise-free detector inputs of (8)).
 *
 * Shapes: h [B, K, N_r, N_t]; θ_F [B, N_t, R_t]; V [B, R_t, D]; θ_U [B, K, R_r, N_r]; W [B, K, R_r, D_k];
 * G [B, D, N_t]; M [B, D, D] (D = K·D_k; rows and columns of user k are k·D_k … (k+1)·D_k − 1).
 */
import * as tf from '@tensorflow/tfjs';
import * as C from '../../core/complex';
import type { Complex } from '../../core/complex';
import { MserSystem, symbolEnergy, totalStreams } from './system';

export interface HybridState {
  /** θ_F [B, N_t, R_t] */
  thetaF: tf.Tensor;
  /** V = [P_1 … P_K] [B, R_t, D] complex */
  v: Complex;
  /** θ_U [B, K, R_r, N_r] */
  thetaU: tf.Tensor;
  /** W [B, K, R_r, D_k] complex (b̃_k = W_kᴴU_k y_k, (4)) */
  w: Complex;
}

export function disposeState(s: HybridState | undefined): void {
  if (s) tf.dispose([s.thetaF, s.v.re, s.v.im, s.thetaU, s.w.re, s.w.im]);
}

/** exp(jθ), element-wise: the analog beamformer of a phase matrix. */
export function analog(theta: tf.Tensor): Complex {
  return C.tidy(() => ({ re: tf.cos(theta), im: tf.sin(theta) }));
}

/** A_k = U_k H_k [B, K, R_r, N_t]: the analog receive output per unit of transmitted signal. */
export function analogReceive(h: Complex, thetaU: tf.Tensor): Complex {
  return C.tidy(() => C.matmul(analog(thetaU), h));
}

/** G = stack_k W_kᴴU_kH_k [B, D, N_t]. */
export function receiveChain(h: Complex, s: Pick<HybridState, 'thetaU' | 'w'>): Complex {
  return C.tidy(() => {
    const [b, k, , nt] = h.re.shape as [number, number, number, number];
    const g = C.matmul(s.w, analogReceive(h, s.thetaU), true); // [B, K, D_k, N_t]
    return C.reshape(g, [b, k * (s.w.re.shape[3] as number), nt]);
  });
}

/** M = G F V [B, D, D]: b̄ = M s for a symbol vector s [D] (8). */
export function effectiveMatrix(h: Complex, s: HybridState): Complex {
  return C.tidy(() => C.matmul(receiveChain(h, s), C.matmul(analog(s.thetaF), s.v)));
}

/** ‖FV‖²_F [B]. */
export function precoderPower(s: Pick<HybridState, 'thetaF' | 'v'>): tf.Tensor {
  return tf.tidy(() => C.frobNorm2(C.matmul(analog(s.thetaF), s.v)));
}

/**
 * (26): V ← √(P_T/E_s)/‖FV‖ · V, so that the mean transmit power E‖FVs‖² = E_s‖FV‖² is P_T (the
 * paper's ‖FV‖² = P_T assumes unit-energy symbols; ours keeps the ±1 ± j alphabet, see ./system).
 */
export function scaleToPower(v: Complex, thetaF: tf.Tensor, sys: MserSystem): Complex {
  return C.tidy(() => {
    const p = precoderPower({ thetaF, v });
    const f = tf.reshape(tf.sqrt(tf.div(sys.power / symbolEnergy(sys.modulation), tf.maximum(p, 1e-30))), [-1, 1, 1]);
    return C.scale(v, f);
  });
}

/**
 * ‖U_kᴴ w_{i,k}‖ [B, K, 1, D_k]: the noise at detector input (i, k) is w_{i,k}ᴴU_k n_k with variance
 * σ²‖U_kᴴw_{i,k}‖².
 */
export function combinerNoiseGain(s: Pick<HybridState, 'thetaU' | 'w'>): tf.Tensor {
  return tf.tidy(() => tf.sqrt(tf.sum(C.abs2(C.matmul(analog(s.thetaU), s.w, true)), -2, true)));
}

/**
 * w_{i,k} ← w_{i,k}/‖U_kᴴw_{i,k}‖ (ours): every detector input then has noise variance σ² (σ²/2 per
 * axis), so one kernel width ϱ fits every stream. Detection by signs (6) is unchanged by it.
 */
export function normaliseCombiner(w: Complex, thetaU: tf.Tensor): Complex {
  return C.tidy(() => C.scale(w, tf.div(1, tf.maximum(combinerNoiseGain({ thetaU, w }), 1e-30))));
}

/** σ‖U_kᴴw_{i,k}‖/√2 [B, D]: the noise standard deviation of the real (and of the imaginary) part of each detector input. */
export function streamNoiseStd(s: Pick<HybridState, 'thetaU' | 'w'>, noiseVar: number): tf.Tensor {
  return tf.tidy(() => {
    const g = combinerNoiseGain(s); // [B, K, 1, D_k]
    return tf.mul(tf.reshape(g, [g.shape[0], -1]), Math.sqrt(noiseVar / 2));
  });
}

/** Throws unless h and the state have the shapes of `sys` (names the parameter and the expected shape). */
export function checkState(fn: string, sys: MserSystem, h: Complex, s: HybridState): number {
  const b = h.re.shape[0];
  const want: [string, number[], number[]][] = [
    ['h', h.re.shape, [b, sys.users, sys.rxAntennas, sys.txAntennas]],
    ['state.thetaF', s.thetaF.shape, [b, sys.txAntennas, sys.txRf]],
    ['state.v', s.v.re.shape, [b, sys.txRf, totalStreams(sys)]],
    ['state.thetaU', s.thetaU.shape, [b, sys.users, sys.rxRf, sys.rxAntennas]],
    ['state.w', s.w.re.shape, [b, sys.users, sys.rxRf, sys.streams]],
  ];
  for (const [name, got, exp] of want) {
    if (got.length !== exp.length || got.some((v, i) => v !== exp[i])) throw new Error(`${fn}(${name}): needs shape [${exp}] (B = ${b}, the system's N_t, R_t, K, N_r, R_r, D_k); got [${got}]`);
  }
  return b;
}
