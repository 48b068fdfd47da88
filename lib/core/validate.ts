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

/** A positive integer option, or an error naming it: `${fn}: ${name} must be a positive integer`. */
export function checkPositiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${fn}: ${name} must be a positive integer; got ${String(v)}`);
  }
  return v;
}

/** A finite number option (optionally bounded below), or an error naming it and the range. */
export function checkFinite(fn: string, name: string, v: unknown, min = -Infinity, minInclusive = true): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (minInclusive ? v >= min : v > min);
  if (!ok) {
    const range = min === -Infinity ? 'a finite number' : `finite and ${minInclusive ? '>=' : '>'} ${min}`;
    throw new Error(`${fn}: ${name} must be ${range}; got ${String(v)}`);
  }
  return v as number;
}
