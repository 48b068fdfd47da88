/**
 * Trainable scalars out of one parameter tensor, for unrolled loops that use one step size per
 * iteration (γ_l^(k) of the unfolded WMMSE, τ⁽ᵗ⁾ and ρ⁽ᵗ⁾ of NNO-C2PO).
 *
 * By slicing, not `tf.unstack`: in tfjs 4.22 the gradient of Unpack fails on a single-element
 * tensor ("Argument tensors passed to stack must be a `Tensor[]`"), i.e. on a network with one
 * trainable step. Slices differentiate everywhere. No scope of its own (it runs inside the caller's
 * tidy, on the training path).
 */
import * as tf from '@tensorflow/tfjs';

/** The entries of `t` (any shape, read row-major) as scalar tensors, differentiable. */
export function scalarsOf(t: tf.Tensor): tf.Tensor[] {
  const flat = tf.reshape(t, [-1]);
  return Array.from({ length: flat.shape[0] }, (_, i) => tf.reshape(tf.slice(flat, [i], [1]), []));
}
