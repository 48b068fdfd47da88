/**
 * The GNN's training loss and evaluated transmit signal (gnn-quantized-precoding §IV-A, eqs. 13–15):
 * −R_sum of (9), the SNIDR (8) built from the generalised Bussgang decomposition (5) estimated over
 * the T = N_s symbol vectors of each channel, averaged over the channels of a batch.
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { sumRateSnidr } from '../../phy/metrics';
import type { GnnModel } from './model';
import { gnnTransmit } from './precoder';
import { dacOf, GnnSystem } from './system';

/**
 * G of (5) by exact least squares over the T symbol vectors of a channel, G = Y Sᴴ (S Sᴴ)⁻¹, so that
 * q = Y − G S is exactly uncorrelated with S. The plain sample estimate Y Sᴴ/T (E(ssᴴ) = I taken
 * literally) leaves ≈ 1/T of the signal in q: with T = 125 it floors MRT's NMSE near −20 dB, and only
 * the exact estimate reproduces the paper's Table I MRT row (−20.31, −27.70 dB at b = 3, 4).
 */
export const BUSSGANG = { estimator: 'ls' } as const;

export interface GnnLossOptions {
  /** σ_v² of (8) (paper: SNR = P_T/σ_v² = 20 dB in training) */
  noiseVar: number;
  /** Gumbel noise stream: the straight-through Gumbel-softmax of §IV-B (training) */
  rng: Rng;
  /** temperature τ (paper: 1) */
  tau?: number;
  /** λ of a + λ·g (default 1, the paper) */
  noiseScale?: number;
}

/** −mean R_sum, eq. (14). h [B, K, M], s [B, K, T] complex → scalar. */
export function gnnLoss(model: GnnModel, sys: GnnSystem, h: Complex, s: Complex, opts: GnnLossOptions): tf.Scalar {
  const levels = dacOf(sys.bits).levels;
  return tf.tidy(() => {
    const y = gnnTransmit(model, h, s, { levels, power: sys.power, rng: opts.rng, tau: opts.tau, noiseScale: opts.noiseScale });
    return tf.neg(tf.mean(sumRateSnidr(h, y, s, opts.noiseVar, BUSSGANG))) as tf.Scalar;
  });
}

/** The GNN precoder at inference (argmax, eq. 18) with the normalisation (15): → y [B, M, T]. */
export function gnnPrecode(model: GnnModel, sys: GnnSystem, h: Complex, s: Complex): Complex {
  return gnnTransmit(model, h, s, { levels: dacOf(sys.bits).levels, power: sys.power });
}
