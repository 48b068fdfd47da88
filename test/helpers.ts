/**
 * Shared test setup: backend initialisation, per-backend maths tests, array comparisons.
 *
 * `backendTest(name, fn)` registers one node:test test per installed backend ("name [cpu]",
 * "name [wasm]", and "name [node]" where @tensorflow/tfjs-node is installed), as tfjs runs its own
 * tests on every environment: each switches to its backend (through `initBackend`, so wasm has its
 * cpu-fallback kernels), runs `fn`, and restores the file's default backend (`restoreBackend`, so
 * `backendInfo()` reads as before), also when `fn` fails. `PRECODING_TEST_BACKENDS=cpu` (names,
 * comma-separated) narrows the list while developing. Tests that compute nothing with tensors
 * (closed forms, parsers, argument checks) stay plain `test`s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, isAvailable, restoreBackend, BackendInfo, BackendName, BACKEND_NAMES } from '../lib/core/backend';

let ready: Promise<BackendInfo> | undefined;

/** Initialise the default backend (honours PRECODING_BACKEND) once for this process. */
export function setup(): Promise<BackendInfo> {
  if (!ready) ready = initBackend();
  return ready;
}

let installed: BackendName[] | undefined;

/**
 * The backends the maths tests run on: every installed one (node, wasm, cpu), optionally narrowed by
 * `PRECODING_TEST_BACKENDS` (an unknown or uninstalled name there is an error, not a silent skip).
 */
export function testBackends(): BackendName[] {
  if (installed) return installed;
  const all = BACKEND_NAMES.filter((b) => isAvailable(b));
  const want = process.env.PRECODING_TEST_BACKENDS;
  if (want === undefined || want.trim() === '') return (installed = all);
  const names = want.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  for (const n of names) {
    if (!all.includes(n as BackendName)) {
      throw new Error(`PRECODING_TEST_BACKENDS: "${n}" is not an installed backend; installed: ${all.join(', ')}`);
    }
  }
  return (installed = all.filter((b) => names.includes(b)));
}

export interface BackendTestOptions {
  /** per-test time limit, ms (node:test's `timeout`) */
  timeout?: number;
}

/**
 * One test per installed backend: `fn` runs with that backend active (its name is passed in) and
 * the file's default backend is restored afterwards.
 */
export function backendTest(name: string, fn: (backend: BackendName) => void | Promise<void>, opts: BackendTestOptions = {}): void {
  for (const b of testBackends()) {
    test(`${name} [${b}]`, { timeout: opts.timeout }, async () => {
      const home = await setup();
      await initBackend(b);
      try {
        await fn(b);
      } finally {
        await restoreBackend(home);
      }
    });
  }
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

/** The values of the tensor `f` makes (inside `tf.tidy`), the tensor freed: no leak in a leak-counting test. */
export function valuesOf(f: () => tf.Tensor): number[] {
  const t = tf.tidy(f);
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}
