/**
 * From the GNN's logits to the quantised transmit signal (gnn-quantized-precoding §IV-A/B):
 * - training: straight-through Gumbel-softmax (20)–(21): forward a one-hot sample of
 *   argmax(a + g), backward the gradient of softmax((a + g)/τ); y_m = y_onehotᵀ 𝐥 (Fig. 5);
 * - inference: argmax of the probabilities (18);
 * - then the power normalisation (15) over the T = N_s symbol vectors of each channel:
 *   y_norm = α y with α = √(P_T / mean_t ‖y_t‖²). (The paper prints α = √P_T / E‖y‖², which is not
 *   dimensionless; the square root of the ratio is what makes E‖y_norm‖² = P_T, as the text says.)
 *
 * Shapes: logits [B, T, M, 2, L] → y [B, M, T] complex (the `phy` layout of transmit signals).
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from '../../core/complex';
import type { Rng } from '../../core/random';
import { safeDiv, safeSqrt } from '../../core/safe';
import { checkFiniteNamed } from '../../core/validate';
import { gumbelNoise, gumbelSoftmaxSt } from '../../train/estimators';
import type { GnnModel } from './model';

export interface GnnTransmitOptions {
  /** the L DAC levels 𝐥, ascending (Lloyd-Max, §II-B2); only their shape matters after (15) */
  levels: readonly number[];
  /** P_T of (15) (paper §VI-A: P_T = M) */
  power: number;
  /** training: draw Gumbel noise from this stream (straight-through Gumbel-softmax); absent: argmax (18) */
  rng?: Rng;
  /** Gumbel-softmax temperature τ (paper §VI-A: 1) */
  tau?: number;
  /**
   * λ of the perturbation a + λ·g in training (default 1: the paper's Gumbel-max sample). Ours: an
   * annealing knob, λ → 0 turns the sample into the argmax used at inference.
   */
  noiseScale?: number;
}

/** One-hot choices [B, T, M, 2, L] → y [B, M, T] complex, normalised to mean power P_T per channel (15). */
export function levelsToSignal(onehot: tf.Tensor, levels: readonly number[], power: number): Complex {
  const [B, T, M, two, L] = onehot.shape;
  if (onehot.rank !== 5 || two !== 2 || L !== levels.length) {
    throw new Error(`levelsToSignal: needs one-hot [B, T, M, 2, ${levels.length}]; got [${onehot.shape}]`);
  }
  return tf.tidy(() => {
    // y_onehotᵀ 𝐥 (Fig. 5) as one matmul: [B·T·M·2, L] · [L, 1]
    const v = tf.reshape(tf.matMul(tf.reshape(onehot, [-1, L]), tf.tensor2d(levels as number[], [L, 1])), [B, T, M, 2]);
    const y = tf.transpose(v, [3, 0, 2, 1]); // [2, B, M, T]
    const meanPower = tf.mean(tf.sum(tf.square(y), [0, 2], true), 3, true); // [1, B, 1, 1]: mean_t ‖y_t‖²
    const scaled = tf.mul(y, safeSqrt(safeDiv(power, meanPower)));
    const [re, im] = tf.unstack(scaled, 0);
    return { re, im };
  });
}

/** The GNN precoder: h [B, K, M], s [B, K, T] → y [B, M, T] complex with mean power P_T per channel. */
export function gnnTransmit(model: GnnModel, h: Complex, s: Complex, opts: GnnTransmitOptions): Complex {
  checkFiniteNamed('gnnTransmit(opts.power)', opts.power, 0, false);
  if (opts.levels.length !== 2 ** model.arch.bits) {
    throw new Error(`gnnTransmit(opts.levels): needs 2^b = ${2 ** model.arch.bits} levels for b = ${model.arch.bits}; got ${opts.levels.length}`);
  }
  const tau = opts.tau ?? 1;
  checkFiniteNamed('gnnTransmit(opts.tau)', tau, 0, false);
  if (opts.noiseScale !== undefined) checkFiniteNamed('gnnTransmit(opts.noiseScale)', opts.noiseScale, 0);
  const L = opts.levels.length;
  const [re, im] = tf.tidy(() => {
    const a = model.logits(h, s);
    const lambda = opts.noiseScale ?? 1;
    const onehot = !opts.rng ? tf.oneHot(tf.argMax(a, -1), L).toFloat()
      : lambda === 1 ? gumbelSoftmaxSt(a, tau, opts.rng)
        : gumbelSoftmaxSt(tf.add(a, tf.mul(gumbelNoise(opts.rng, a.shape), lambda)), tau);
    const y = levelsToSignal(onehot, opts.levels, opts.power);
    return [y.re, y.im];
  });
  return { re, im };
}
