/**
 * Elementwise activations for the layer functions. Leaky ReLU takes its slope explicitly, because
 * the libraries disagree on the default (tfjs 0.2, Keras 0.3, PyTorch 0.01).
 */
import * as tf from '@tensorflow/tfjs';
import { leakyRelu } from './linear';

export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softplus' | 'elu' | { leakyRelu: number };

const NAMES = ['linear', 'relu', 'tanh', 'sigmoid', 'softplus', 'elu'] as const;

/** Throws unless `a` is a known activation (`what` names the option in the message). */
export function checkActivation(what: string, a: Activation): void {
  if (typeof a === 'string' && (NAMES as readonly string[]).includes(a)) return;
  if (a !== null && typeof a === 'object' && Number.isFinite(a.leakyRelu) && a.leakyRelu >= 0 && a.leakyRelu < 1) return;
  throw new Error(`${what}: must be one of ${NAMES.join(', ')} or { leakyRelu: slope } with 0 <= slope < 1; got ${JSON.stringify(a)}`);
}

/** σ(x) elementwise. x: any shape → same shape. Leaky ReLU: max(0, x) + slope·min(0, x). */
export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  if (typeof a === 'object') return leakyRelu(x, a.leakyRelu);
  switch (a) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
    case 'elu':
      return tf.elu(x);
  }
}
