/**
 * Gradient estimators for non-differentiable forward maps.
 *
 * - `signSte`: forward ξ·sign(x) (sign(0) = +1), backward the derivative of clip(x, −ξ, ξ), i.e.
 *   1{|x| ≤ ξ}: the straight-through estimator NNO-C2PO uses for its 1-bit quantiser (§III).
 * - `quantizeSte`: any forward quantiser, backward identity inside [lo, hi] (clipped STE).
 * - `gumbelSoftmax` / `gumbelSoftmaxSt`: the (straight-through) Gumbel-softmax of Jang et al. that
 *   the GNN paper uses for its DAC-level outputs (eqs. 16–21): forward a one-hot sample of
 *   argmax(logits + g), backward the gradient of softmax((logits + g)/τ).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../core/random';

/** Forward ξ·sign(x), backward 1{|x| ≤ ξ} (straight-through with clipping). x: any shape. */
export function signSte(x: tf.Tensor, xi = 1): tf.Tensor {
  if (!(xi > 0) || !Number.isFinite(xi)) throw new Error(`signSte(xi): must be a finite number > 0; got ${xi}`);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const v = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([v]);
    // ξ·sign(v) with sign(0) = +1, as ξ − 2ξ·step(−v) (tf.where is ~100× slower on tfjs-wasm)
    const value = tf.sub(xi, tf.mul(tf.step(tf.neg(v)), 2 * xi));
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]), xi), 'float32')),
    };
  });
  return f(x);
}

/**
 * Straight-through wrapper for any elementwise quantiser `q`: forward q(x), backward the gradient
 * of clip(x, lo, hi).
 */
export function quantizeSte(x: tf.Tensor, q: (v: tf.Tensor) => tf.Tensor, lo: number, hi: number): tf.Tensor {
  if (!(lo < hi)) throw new Error(`quantizeSte(lo, hi): needs lo < hi; got ${lo}, ${hi}`);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const v = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([v]);
    return {
      value: q(v),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(saved[0], lo), tf.lessEqual(saved[0], hi)), 'float32')),
    };
  });
  return f(x);
}

/** Standard Gumbel noise −log(−log u), u ~ U(0,1) from `rng`, guarded away from 0 and 1. */
export function gumbelNoise(rng: Rng, shape: number[]): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.clipByValue(rng.uniform(shape), 1e-7, 1 - 1e-7);
    return tf.neg(tf.log(tf.neg(tf.log(u))));
  });
}

function checkTau(tau: number): void {
  if (!(tau > 0) || !Number.isFinite(tau)) throw new Error(`temperature must be a finite number > 0; got ${tau}`);
}

/** Soft Gumbel-softmax sample over the last axis: softmax((logits + g)/τ). logits: [..., n]. */
export function gumbelSoftmax(logits: tf.Tensor, tau: number, rng: Rng): tf.Tensor {
  checkTau(tau);
  return tf.tidy(() => tf.softmax(tf.div(tf.add(logits, gumbelNoise(rng, logits.shape)), tau)));
}

/**
 * Straight-through Gumbel-softmax over the last axis: forward one_hot(argmax(logits + g)), backward
 * through softmax((logits + g)/τ). With `rng` undefined no noise is added (inference: argmax).
 */
export function gumbelSoftmaxSt(logits: tf.Tensor, tau: number, rng?: Rng): tf.Tensor {
  checkTau(tau);
  return tf.tidy(() => {
    const perturbed = rng ? tf.add(logits, gumbelNoise(rng, logits.shape)) : logits;
    const soft = tf.softmax(tf.div(perturbed, tau));
    const n = logits.shape[logits.rank - 1];
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const s = args[0] as tf.Tensor;
      return {
        value: tf.oneHot(tf.argMax(s, -1), n).toFloat(),
        gradFunc: (dy: tf.Tensor) => dy,
      };
    });
    return f(soft);
  });
}
