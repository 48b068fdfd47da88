/** Shared test setup: initialise the backend once per test file and compare arrays with tolerances. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, BackendInfo } from '../lib/core/backend';

let ready: Promise<BackendInfo> | undefined;

/** Initialise the default backend (honours PRECODING_BACKEND) once for this process. */
export function setup(): Promise<BackendInfo> {
  if (!ready) ready = initBackend();
  return ready;
}

/** Max absolute difference between two array-likes of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, `length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function assertClose(a: ArrayLike<number> | number, b: ArrayLike<number> | number, tol: number, what = 'values'): void {
  const aa = typeof a === 'number' ? [a] : a;
  const bb = typeof b === 'number' ? [b] : b;
  const d = maxAbsDiff(aa, bb);
  assert.ok(d <= tol, `${what}: max |diff| ${d.toExponential(3)} > ${tol}`);
}

/** Read a tensor to a plain Float32Array. */
export function arr(t: tf.Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as ArrayLike<number>);
}
