/**
 * What every bench shares: best-of timing, and running a numpy peer script (bench/peers/<name>.py) on
 * a folder of inputs, single-threaded, with Debian's /usr/bin/python3 (or PRECODING_PYTHON).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendName, initBackend } from '../lib/core/backend';
import { backendsFromArgs } from './complex.bench';

/** Best (minimum) seconds of `fn` over ≥ `minReps` calls and ~`budget` s, after one warm-up call. */
export function bestSeconds(fn: () => void, minReps = 5, budget = 1): number {
  fn();
  let best = Infinity;
  let reps = 0;
  const stop = performance.now() + budget * 1000;
  while (reps < minReps || performance.now() < stop) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
    reps++;
  }
  return best;
}

/** Run bench/peers/<script> on `dir` (one BLAS thread) and parse its JSON; a string says why it was skipped or failed. */
export function runPeer<T>(script: string, dir: string): T | string {
  const python = process.env.PRECODING_PYTHON ?? '/usr/bin/python3';
  if (!fs.existsSync(python)) return `peer skipped: ${python} not found (set PRECODING_PYTHON to a Python 3 with numpy)`;
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const res = spawnSync(python, [path.join(__dirname, 'peers', script), dir], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.error) return `peer skipped: ${res.error.message}`;
  if (res.status !== 0) {
    const err = res.stderr.trim().split('\n').pop() ?? '';
    return /No module named .?numpy/.test(res.stderr) ? `peer skipped: numpy is not installed for ${python} (Debian: apt-get install python3-numpy)` : `peer failed (exit ${res.status}): ${err}`;
  }
  return JSON.parse(res.stdout) as T;
}

/** Relative gradient errors against a peer, per parameter and over all (peer_common.grad_errs). */
export interface GradErrs {
  max: number;
  worst: string;
  global: number;
  perParam: Record<string, number>;
}

/** A throughput row of a network bench beside its numpy peer. */
export interface ThroughputRow {
  backend: string;
  /** items (instances, symbol vectors) per call */
  batch: number;
  /** ours, items/s */
  ours: number;
  /** ours, calls (training steps) per second */
  oursCallsPerSecond: number;
  numpyFloat32?: number;
  numpyCallsPerSecond?: number;
  /** ours / numpy float32 (throughput) */
  ratioFloat32?: number;
}

/**
 * `npx tsx bench/x.bench.ts [wasm|cpu|node ...]`: run one bench alone on the backends asked for (default:
 * the one `initBackend` picks); an error is printed and exits 1.
 */
export function runStandalone(bench: (backends: BackendName[]) => Promise<unknown>): void {
  (async () => {
    const asked = process.argv.slice(2);
    await bench(asked.length ? backendsFromArgs(asked) : [(await initBackend()).name]);
  })().catch((e: Error) => {
    console.error(`bench: ${e.message}`);
    process.exit(1);
  });
}

/** The values of tensors, concatenated, as little-endian float64 bytes (what the numpy peers read). */
export function f64(...ts: tf.Tensor[]): Buffer {
  const parts = ts.map((t) => t.dataSync());
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return Buffer.from(out.buffer);
}
