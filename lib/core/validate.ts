/**
 * Input checks shared by every module: errors name the parameter and the allowed range.
 * `assertFinite` costs one data read for all the tensors given, so call it once per public entry.
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from './complex';

function isComplex(x: tf.Tensor | Complex): x is Complex {
  return !(x instanceof tf.Tensor) && 're' in x && 'im' in x;
}

/** Throw `${what}: must be finite …` if any entry of the tensors (real or Complex) is NaN or ±∞. */
export function assertFinite(what: string, ...xs: (tf.Tensor | Complex)[]): void {
  const ts = xs.flatMap((x) => (isComplex(x) ? [x.re, x.im] : [x]));
  if (ts.length === 0) return;
  const flag = tf.tidy(() => tf.stack(ts.map((t) => tf.all(tf.isFinite(t)).toFloat())).min());
  const ok = flag.dataSync()[0];
  flag.dispose();
  if (ok !== 1) throw new Error(`${what}: must be finite (found NaN or ±Infinity)`);
}
