import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../lib/core/random';
import { backendTest, arr } from '../helpers';

backendTest('same seed gives the same numbers; forks are independent and reproducible', async () => {
  assert.deepEqual(arr(new Rng(42).normal([100])), arr(new Rng(42).normal([100])));
  assert.notDeepEqual(arr(new Rng(42).normal([10])), arr(new Rng(43).normal([10])));
  const base = new Rng('exp');
  const a1 = base.fork('train').normalArray(5);
  base.normalArray(1000); // drawing from the parent does not shift a fork
  assert.deepEqual(base.fork('train').normalArray(5), a1);
  assert.notDeepEqual(base.fork('test').normalArray(5), a1);
});

backendTest('CN(0, σ²) has E|z|² = σ² with σ²/2 per component, independent parts', async () => {
  const n = 200000, v = 2.5;
  const z = new Rng(9).complexNormal([n], v);
  const re = arr(z.re), im = arr(z.im);
  let sr = 0, si = 0, sri = 0, mr = 0;
  for (let i = 0; i < n; i++) { sr += re[i] ** 2; si += im[i] ** 2; sri += re[i] * im[i]; mr += re[i]; }
  // standard error of a variance estimate of N(0, s²) is s²·√(2/n) ≈ 0.0040 for s² = 1.25
  assert.ok(Math.abs(sr / n - v / 2) < 5 * (v / 2) * Math.sqrt(2 / n), `Re variance ${sr / n}`);
  assert.ok(Math.abs(si / n - v / 2) < 5 * (v / 2) * Math.sqrt(2 / n), `Im variance ${si / n}`);
  assert.ok(Math.abs(sri / n) < 5 * (v / 2) / Math.sqrt(n), `E[re·im] ${sri / n}`);
  assert.ok(Math.abs(mr / n) < 5 * Math.sqrt(v / 2 / n), `mean ${mr / n}`);
});

test('integer draws cover their range uniformly; bad arguments are named', () => {
  const k = new Rng(1).intArray(40000, 4);
  const counts = [0, 0, 0, 0];
  for (const x of k) counts[x]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 5 * Math.sqrt(40000 * 0.25 * 0.75), `count ${c}`);
  assert.throws(() => new Rng(1).intArray(3, 0), /m must be a positive integer/);
  assert.throws(() => new Rng(1).normalArray(3, -1), /std must be finite/);
  assert.throws(() => new Rng(NaN), /seed must be/);
  assert.throws(() => new Rng(1).normal([2, -1]), /shape must hold non-negative integers/);
});
