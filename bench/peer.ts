/**
 * What every bench shares: best-of timing, and running a numpy peer script (bench/peers/<name>.py) on
 * a folder of inputs, single-threaded, with Debian's /usr/bin/python3 (or PRECODING_PYTHON).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
