/**
 * Guarded divisions and square roots whose VALUES and GRADIENTS stay finite at zero input.
 *
 * `tf.div(n, tf.maximum(d, floor))` is finite in value but not in gradient: at d < floor the
 * gradient of the division w.r.t. its denominator is −n/floor², which overflows in float32 (1e-30²
 * underflows to 0, so it is −∞), and tf.maximum's 0/1 mask then multiplies it: 0·∞ = NaN. Here the
 * "double where" pattern is used instead: the division runs on a denominator replaced by 1 where it
 * is below the floor, and the result is selected afterwards, so no infinite intermediate ever enters
 * the backward pass. The floor defaults to `SAFE_FLOOR` = 1e-18, whose square (1e-36) is still a
 * normal float32, so denominators just above the floor also have finite gradients.
 *
 * Masks use tf.greaterEqual: it is the only tfjs comparison with a registered (zero) gradient, so a
 * mask computed from a differentiated tensor does not break tf.grad (tf.greater would throw
 * "gradient function not found for Greater").
 */
import * as tf from '@tensorflow/tfjs';

/** Default denominator floor: ≥ 1e-18 keeps floor² representable in float32 (min normal ≈ 1.2e-38). */
export const SAFE_FLOOR = 1e-18;

/** Boolean mask x ≥ floor that tf.grad can pass through (zero gradient). */
export function atLeast(x: tf.Tensor, floor: number): tf.Tensor {
  return tf.greaterEqual(x, floor);
}

/**
 * num / max(den, floor) elementwise (broadcasting), with a finite gradient everywhere: below the
 * floor the gradient w.r.t. `den` is 0 and w.r.t. `num` is 1/floor. `den` is meant to be ≥ 0.
 */
export function safeDiv(num: tf.Tensor | number, den: tf.Tensor, floor = SAFE_FLOOR): tf.Tensor {
  return tf.tidy(() => {
    const ok = atLeast(den, floor);
    const denOk = tf.where(ok, den, tf.onesLike(den));
    return tf.where(ok, tf.div(num, denOk), tf.div(num, floor));
  });
}

/**
 * √x elementwise for x ≥ 0, with a finite gradient everywhere: x < floor gives 0 with gradient 0
 * (plain tf.sqrt has an infinite gradient at 0, and 0·∞ = NaN downstream).
 */
export function safeSqrt(x: tf.Tensor, floor = 1e-30): tf.Tensor {
  return tf.tidy(() => {
    const ok = atLeast(x, floor);
    return tf.where(ok, tf.sqrt(tf.where(ok, x, tf.onesLike(x))), tf.zerosLike(x));
  });
}
