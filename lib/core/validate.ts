/**
 * Argument checks shared by every module. Errors name the function, the parameter and the allowed
 * range: `zf(h): needs K <= M (users <= antennas); got K=8, M=4`,
 * `rayleigh(rng, opts): batch must be a positive integer; got 0`.
 *
 * Where values are checked (the library's policy):
 * - Shapes, ranks, dtypes and plain-number options are checked by every public function. These
 *   checks read no tensor data, so they cost nothing and stay everywhere.
 * - Tensor VALUES (finite, ≥ 0, …) are checked only where data enter the library: file loaders
 *   (`loadChannels`), constructors from plain numbers (quantisers, constellations, channel models),
 *   and public entry points that are never differentiated and read their tensors anyway
 *   (`saveChannelsJson`, `countErrors`, error-rate runs).
 * - A function that may run inside a training step or a differentiated graph (complex ops, linear
 *   algebra, precoders, metrics, quantisers, radiation patterns) never reads tensor data to validate
 *   it: that read would be a device sync per step. It computes on what it is given (NaN in, NaN
 *   out), and its divisions are guarded (core/safe.ts) so zero inputs stay finite.
 * - To check tensors you built yourself, call `assertFinite(what, ...xs)` once where they enter
 *   (one data read for all of them).
 * Each function exists once: there are no "unchecked" twins.
 */
import * as tf from '@tensorflow/tfjs';
import type { Complex } from './complex';

function isComplex(x: tf.Tensor | Complex): x is Complex {
  return !(x instanceof tf.Tensor) && 're' in x && 'im' in x;
}

/**
 * Throw `${what}: must be finite (found NaN or ±Infinity)` if any entry of the tensors (real or
 * Complex) is NaN or ±∞. One data read for all of them; for edges only (see the policy above).
 */
export function assertFinite(what: string, ...xs: (tf.Tensor | Complex)[]): void {
  const ts = xs.flatMap((x) => (isComplex(x) ? [x.re, x.im] : [x]));
  if (ts.length === 0) return;
  const flag = tf.tidy(() => tf.min(tf.stack(ts.map((t) => tf.cast(tf.all(tf.isFinite(t)), 'float32')))));
  const ok = flag.dataSync()[0];
  flag.dispose();
  if (ok !== 1) throw new Error(`${what}: must be finite (found NaN or ±Infinity)`);
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

/**
 * Throw unless `x` is a Complex batch of matrices `[..., rows, cols]` (rank ≥ 2, re and im alike);
 * `layout` names the axes for the message, e.g. '[..., K, M]'. Returns the shape.
 */
export function checkMatrixBatch(what: string, x: Complex, layout: string): number[] {
  const shape = checkComplex(what, x);
  if (shape.length < 2) throw new Error(`${what}: must be ${layout} complex (rank >= 2); got [${shape}]`);
  return shape;
}

/** The one positive-integer check: `${fn}: ${name} must be a positive integer; got ${v}`. */
export function checkPositiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${fn}: ${name} must be a positive integer; got ${String(v)}`);
  }
  return v;
}

/** As `checkPositiveInt` for an optional option: `undefined` passes (and is returned). */
export function checkOptionalPositiveInt(fn: string, name: string, v: unknown): number | undefined {
  return v === undefined ? undefined : checkPositiveInt(fn, name, v);
}

/**
 * The batch axes of a generator: `batch` (a positive integer, → [batch]) or `batchShape` (positive
 * integers, e.g. [subcarriers, drops]), not both; neither gives `defaultShape` if one is given.
 */
export function checkBatchShape(fn: string, batch: unknown, batchShape: unknown, defaultShape?: number[]): number[] {
  if (batch !== undefined && batchShape !== undefined) throw new Error(`${fn}: give batch or batchShape, not both`);
  if (batchShape !== undefined) {
    if (!Array.isArray(batchShape)) throw new Error(`${fn}: batchShape must be an array of positive integers; got ${String(batchShape)}`);
    return batchShape.map((d, i) => checkPositiveInt(fn, `batchShape[${i}]`, d));
  }
  if (batch === undefined && defaultShape) return defaultShape.slice();
  return [checkPositiveInt(fn, 'batch', batch)];
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
