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
  assertInputs(what, xs);
}

/** A tensor that must be finite and ≥ 0, named for the error message (see `assertInputs`). */
export interface NonNegativeInput {
  /** e.g. 'sinr(noiseVar)' */
  what: string;
  t: tf.Tensor;
}

/**
 * All input checks of one public entry with ONE data read: every entry of `finite` (real or Complex)
 * must be finite (`${what}: must be finite …`), and every tensor in `nonNegative` finite and ≥ 0
 * (`${n.what}: must be finite and >= 0`).
 */
export function assertInputs(what: string, finite: (tf.Tensor | Complex)[], nonNegative: NonNegativeInput[] = []): void {
  const ts = finite.flatMap((x) => (isComplex(x) ? [x.re, x.im] : [x]));
  if (ts.length === 0 && nonNegative.length === 0) return;
  const flags = tf.tidy(() => {
    const f: tf.Tensor[] = [];
    if (ts.length > 0) f.push(tf.stack(ts.map((t) => tf.all(tf.isFinite(t)).toFloat())).min());
    for (const n of nonNegative) f.push(tf.all(tf.logicalAnd(tf.isFinite(n.t), tf.greaterEqual(n.t, 0))).toFloat());
    return tf.stack(f);
  });
  const ok = flags.dataSync();
  flags.dispose();
  let i = 0;
  if (ts.length > 0 && ok[i++] !== 1) throw new Error(`${what}: must be finite (found NaN or ±Infinity)`);
  for (const n of nonNegative) if (ok[i++] !== 1) throw new Error(`${n.what}: must be finite and >= 0`);
}

/** Throw unless `x` is a Complex whose `im` has the shape of `re` (and, if given, rank `rank`). */
export function checkComplex(what: string, x: Complex, rank?: number): number[] {
  const re = x.re.shape, im = x.im.shape;
  if (re.length !== im.length || re.some((d, i) => d !== im[i])) {
    throw new Error(`${what}: re shape [${re}] and im shape [${im}] must agree`);
  }
  if (rank !== undefined && re.length !== rank) throw new Error(`${what}: must have rank ${rank}; got [${re}]`);
  return re.slice();
}

/** A positive integer option, or an error naming it: `${fn}: ${name} must be a positive integer`. */
export function checkPositiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${fn}: ${name} must be a positive integer; got ${String(v)}`);
  }
  return v;
}

function rangeText(min: number, minInclusive: boolean): string {
  return min === -Infinity ? 'a finite number' : `finite and ${minInclusive ? '>=' : '>'} ${min}`;
}

function finiteAbove(v: unknown, min: number, minInclusive: boolean): v is number {
  return typeof v === 'number' && Number.isFinite(v) && (minInclusive ? v >= min : v > min);
}

/** A finite number option (optionally bounded below), or an error naming it and the range. */
export function checkFinite(fn: string, name: string, v: unknown, min = -Infinity, minInclusive = true): number {
  if (!finiteAbove(v, min, minInclusive)) throw new Error(`${fn}: ${name} must be ${rangeText(min, minInclusive)}; got ${String(v)}`);
  return v;
}

/** As `checkFinite`, with one label for function and parameter: `${what}: must be finite and >= 0; got -1`. */
export function checkFiniteNamed(what: string, v: unknown, min = -Infinity, minInclusive = true): number {
  if (!finiteAbove(v, min, minInclusive)) throw new Error(`${what}: must be ${rangeText(min, minInclusive)}; got ${String(v)}`);
  return v;
}
