/**
 * What every layer function returns: a forward function. Layer functions (`dense`, `conv1d`,
 * `conv2d`, `messagePassing`) register their parameters in a `ParamSet` under `name/…` when called
 * and return a forward function that reads them; the forward function runs in its own `tf.tidy`, so
 * it leaves only its output behind, and it can be called any number of times (weight sharing).
 */
import * as tf from '@tensorflow/tfjs';

/** A forward function: input tensor → output tensor (shapes in each layer's doc comment). */
export type Layer = (x: tf.Tensor) => tf.Tensor;

/** Apply `layers` in order, in one `tf.tidy`: x → layers[n−1](…layers[0](x)). */
export function sequential(...layers: Layer[]): Layer {
  if (layers.length === 0) throw new Error('sequential: needs at least one layer');
  return (x) => tf.tidy(() => layers.reduce((h, f) => f(h), x));
}

/** `[2,3,4]` for messages. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
