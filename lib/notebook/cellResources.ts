/**
 * Tensors that a notebook cell keeps in a variable (a test set, a precoder) are re-created each time
 * the cell runs; without care every re-run leaks the previous ones. `keepForCell(key, value)`
 * remembers the value under a key and disposes what the same key held before, so re-running the
 * cell frees its previous tensors:
 *
 *   const demo = keepForCell("demo", wmmse.makeTestSet(rng, { count: 2000, users: N, antennas: M }), wmmse.disposeTestSet);
 */
import * as tf from '@tensorflow/tfjs';

const held = new Map<string, { value: unknown; dispose: (v: never) => void }>();

/** Keep `value` under `key`, disposing the value the key held before (with `dispose`, default tf.dispose). */
export function keepForCell<T>(key: string, value: T, dispose: (v: T) => void = (v) => tf.dispose(v as unknown as tf.TensorContainer)): T {
  if (typeof key !== 'string' || key === '') throw new Error('keepForCell(key): must be a non-empty string');
  const prev = held.get(key);
  if (prev && prev.value !== value) (prev.dispose as (v: unknown) => void)(prev.value);
  held.set(key, { value, dispose: dispose as (v: never) => void });
  return value;
}

/** Dispose and forget what `key` holds (nothing when it holds nothing). */
export function releaseForCell(key: string): void {
  const prev = held.get(key);
  if (!prev) return;
  held.delete(key);
  (prev.dispose as (v: unknown) => void)(prev.value);
}
