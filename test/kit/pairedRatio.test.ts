import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedRatio, ratioNotBelow } from '../../lib/kit/stats';
import { Rng } from '../../lib/core/random';

test('pairedRatio: exact for constant or proportional pairs (se 0); the delta-method form equals the textbook one', () => {
  const c = pairedRatio(new Array(7).fill(3), new Array(7).fill(4));
  assert.deepEqual(c, { ratio: 0.75, se: 0 });
  // a_i = 0.9 b_i for wildly varying b: the ratio is exactly 0.9 and has no spread
  const b = [1e-4, 3e-3, 0.2, 5e-2, 7e-6];
  const p = pairedRatio(b.map((x) => 0.9 * x), b);
  assert.ok(Math.abs(p.ratio - 0.9) < 1e-15 && p.se < 1e-15, `${p.ratio} ± ${p.se}`);
  assert.deepEqual(pairedRatio([2], [5]), { ratio: 0.4, se: 0 }, 'one item: no spread to measure');
  // R·√((s_a²/ā² + s_b²/b̄² − 2 s_ab/(ā b̄))/n) with the n − 1 (co)variances
  const rng = new Rng('textbook');
  const n = 50;
  const bb = rng.uniformArray(n, 1, 3);
  const aa = bb.map((x) => 0.7 * x + 0.3 * rng.gauss());
  const r = pairedRatio(aa, bb);
  const ma = aa.reduce((s, x) => s + x, 0) / n, mb = bb.reduce((s, x) => s + x, 0) / n;
  let saa = 0, sbb = 0, sab = 0;
  for (let i = 0; i < n; i++) {
    saa += (aa[i] - ma) ** 2 / (n - 1);
    sbb += (bb[i] - mb) ** 2 / (n - 1);
    sab += ((aa[i] - ma) * (bb[i] - mb)) / (n - 1);
  }
  const want = (ma / mb) * Math.sqrt((saa / ma ** 2 + sbb / mb ** 2 - (2 * sab) / (ma * mb)) / n);
  assert.ok(Math.abs(r.ratio - ma / mb) < 1e-15);
  assert.ok(Math.abs(r.se - want) < 1e-12 * want, `${r.se} vs ${want}`);
});

test('pairedRatio: the delta-method s.e. matches the spread of the ratio over repeated experiments (SER-like lognormal pairs)', () => {
  // per item: b = SER of a baseline, lognormal over channels; a = b·e^{N(μ, τ²)} (the other scheme, correlated).
  // E[a]/E[b] = e^{μ + τ²/2} exactly, since the factor is independent of b.
  const rng = new Rng('delta-method');
  const mu = -0.05, tau = 0.2, n = 200, reps = 1500;
  const truth = Math.exp(mu + (tau * tau) / 2);
  const ratios: number[] = [], ses: number[] = [];
  let covered = 0;
  for (let e = 0; e < reps; e++) {
    const b = new Float64Array(n), a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      b[i] = Math.exp(-5 + 0.8 * rng.gauss());
      a[i] = b[i] * Math.exp(mu + tau * rng.gauss());
    }
    const r = pairedRatio(a, b);
    ratios.push(r.ratio);
    ses.push(r.se);
    if (Math.abs(r.ratio - truth) <= 2 * r.se) covered++;
  }
  const mean = ratios.reduce((s, x) => s + x, 0) / reps;
  const sd = Math.sqrt(ratios.reduce((s, x) => s + (x - mean) ** 2, 0) / (reps - 1));
  const meanSe = ses.reduce((s, x) => s + x, 0) / reps;
  assert.ok(Math.abs(meanSe / sd - 1) < 0.08, `mean s.e. ${meanSe.toExponential(3)} vs spread of the ratio ${sd.toExponential(3)}`);
  assert.ok(Math.abs(mean - truth) < 0.2 * sd, `unbiased to first order: ${mean} vs ${truth}`);
  const coverage = covered / reps;
  assert.ok(coverage > 0.93 && coverage < 0.975, `±2 s.e. covers the true ratio in ${(100 * coverage).toFixed(1)} % of the experiments`);
  // pairing matters: the unpaired s.e. (as if a and b came from different channels) is far larger
  const b = Float64Array.from({ length: n }, () => Math.exp(-5 + 0.8 * rng.gauss()));
  const a = b.map((x) => x * Math.exp(mu + tau * rng.gauss()));
  const paired = pairedRatio(a, b);
  const shuffled = Float64Array.from(b).reverse();
  assert.ok(pairedRatio(a, shuffled).se > 3 * paired.se, 'breaking the pairs inflates the s.e.');
});

test('ratioNotBelow at its boundary; bad inputs are errors naming the argument', () => {
  assert.equal(ratioNotBelow({ ratio: 0.875, se: 0.0625 }, 0.75), true, '0.875 − 2·0.0625 = 0.75 ≥ 0.75 (exact in binary)');
  assert.equal(ratioNotBelow({ ratio: 0.875, se: 0.0626 }, 0.75), false);
  assert.equal(ratioNotBelow({ ratio: 0.95, se: 0.04 }, 0.9, 1), true, 'k = 1');
  assert.equal(ratioNotBelow({ ratio: 0.89, se: 0 }, 0.9), false);
  assert.throws(() => ratioNotBelow({ ratio: 0.95, se: 0.01 }, NaN), /ratioNotBelow\(threshold\): must be a finite number; got NaN/);
  assert.throws(() => ratioNotBelow({ ratio: 0.95, se: 0.01 }, 0.9, -1), /ratioNotBelow\(k\): must be finite and >= 0; got -1/);
  assert.throws(() => ratioNotBelow({ ratio: NaN, se: 0.01 }, 0.9), /ratioNotBelow\(r\): needs a finite ratio and se >= 0/);
  assert.throws(() => pairedRatio([1, 2], [1]), /pairedRatio\(a, b\): needs equal lengths \(the same test items\); got 2 and 1/);
  assert.throws(() => pairedRatio([], []), /pairedRatio\(a, b\): needs at least one item/);
  assert.throws(() => pairedRatio([1, 2], [1, -1]), /pairedRatio\(a, b\): mean\(b\) is 0, so the ratio mean\(a\)\/mean\(b\) is undefined/);
  assert.throws(() => pairedRatio([1, NaN], [1, 2]), /pairedRatio\(a, b\): values must be finite; got a\[1\] = NaN, b\[1\] = 2/);
});
