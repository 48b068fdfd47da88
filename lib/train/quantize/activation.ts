/**
 * k-bit activation quantiser, eq. (22) of SLP-SQ (§IV-C; the paper uses k = 2).
 *
 * Eq. (22) gives the level in the unit interval: for a ∈ [x, y],
 *   u = round((a − x)·(2^k − 1)/(y − x)) / (2^k − 1) ∈ {0, 1/(2^k − 1), …, 1}.
 * We map it back to the input range, x + (y − x)·u, so the quantiser approximates the identity on
 * [x, y] (the activation keeps its scale and [x, y] = [0, 1] reproduces eq. 22 literally). Inputs
 * are first clipped to [x, y], so the output takes exactly 2^k values, x and y included.
 * tf.round rounds halves to even, so an input exactly halfway between two levels goes to the level
 * with an even index.
 *
 * Gradient: straight-through inside the range (`quantizeSte`): ∂out/∂a = 1 for x ≤ a ≤ y and 0
 * outside, the gradient of clip(a, x, y).
 */
import * as tf from '@tensorflow/tfjs';
import { quantizeSte } from '../estimators';

export interface ActivationQuantOptions {
  /** k, the bit width: an integer in [1, 24] (2^k levels; float32 holds the level index exactly) */
  bits: number;
  /** x, the lower clip bound */
  lo: number;
  /** y, the upper clip bound (> lo) */
  hi: number;
}

/** The largest k accepted: 2^24 levels is the most float32 can index exactly. */
export const MAX_ACTIVATION_BITS = 24;

/** Throws unless k is an integer in [1, 24] and x < y are finite; returns them. */
export function checkActivationQuant(fn: string, opts: ActivationQuantOptions): ActivationQuantOptions {
  if (opts === null || typeof opts !== 'object') throw new Error(`${fn}: options { bits, lo, hi } are required`);
  const { bits, lo, hi } = opts;
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 1 || bits > MAX_ACTIVATION_BITS) {
    throw new Error(`${fn}: bits must be an integer in [1, ${MAX_ACTIVATION_BITS}]; got ${String(bits)}`);
  }
  if (typeof lo !== 'number' || !Number.isFinite(lo)) throw new Error(`${fn}: lo must be a finite number; got ${String(lo)}`);
  if (typeof hi !== 'number' || !Number.isFinite(hi) || !(hi > lo)) {
    throw new Error(`${fn}: hi must be a finite number > lo (the range [lo, hi] of eq. 22); got lo=${lo}, hi=${String(hi)}`);
  }
  return { bits, lo, hi };
}

/** The 2^k output levels x + (y − x)·i/(2^k − 1), i = 0…2^k − 1, in increasing order. */
export function activationLevels(opts: ActivationQuantOptions): Float64Array {
  const { bits, lo, hi } = checkActivationQuant('activationLevels', opts);
  const steps = 2 ** bits - 1;
  return Float64Array.from({ length: steps + 1 }, (_, i) => lo + ((hi - lo) * i) / steps);
}

/**
 * k-bit activation, eq. (22), mapped back to [x, y]: x + (y − x)·round((clip(a, x, y) − x)·(2^k − 1)
 * /(y − x))/(2^k − 1); straight-through gradient inside [x, y]. a: any shape → same shape.
 */
export function quantizeActivation(a: tf.Tensor, opts: ActivationQuantOptions): tf.Tensor {
  const { bits, lo, hi } = checkActivationQuant('quantizeActivation', opts);
  const steps = 2 ** bits - 1;
  const q = (v: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const level = tf.round(tf.mul(tf.sub(tf.clipByValue(v, lo, hi), lo), steps / (hi - lo))); // {0, …, 2^k − 1}
      return tf.add(tf.mul(level, (hi - lo) / steps), lo);
    });
  return quantizeSte(a, q, lo, hi);
}
