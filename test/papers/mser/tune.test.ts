import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tuneSteps } from '../../../lib/papers/mser/tune';

test('tuneSteps: best common μ of the grid, then per-block factors; every try recorded; non-finite scores never win; bad grids named', async () => {
  // separable score with its minimum at v = 0.1, w = 0.01, θ_U = 0.3, θ_F = 0.03 (in log10)
  const target = { v: 0.1, w: 0.01, thetaU: 0.3, thetaF: 0.03 };
  const score = (s: typeof target) => (Object.keys(target) as (keyof typeof target)[]).reduce((a, k) => a + Math.log10(s[k] / target[k]) ** 2, 0);
  const r = await tuneSteps(score, { grid: [0.001, 0.01, 0.1, 1], factors: [1 / 3, 3] });
  assert.equal(r.tried.length, 4 + 4 * 2);
  // the common μ minimising Σ(log μ − log target)² on the grid is 0.1 (mean log10 target ≈ −1.4 → 0.01 or 0.1)
  const common = r.tried.slice(0, 4).reduce((a, b) => (b.score < a.score ? b : a));
  assert.ok(r.score <= common.score && r.score < score({ v: 0.1, w: 0.1, thetaU: 0.1, thetaF: 0.1 }));
  assert.ok(r.steps.w < r.steps.thetaU, `per-block refinement moved w down and θ_U up: ${JSON.stringify(r.steps)}`);
  assert.equal(r.score, Math.min(...r.tried.map((t) => t.score)));
  const nan = await tuneSteps((s) => (s.v > 0.05 ? NaN : 1 / s.v), { grid: [0.01, 0.1], factors: [2] });
  assert.equal(nan.steps.v, 0.02);
  await assert.rejects(tuneSteps(score, { grid: [] }), /opts\.grid/);
  await assert.rejects(tuneSteps(score, { grid: [0.1, -1] }), /opts\.grid\[1\]/);
});
