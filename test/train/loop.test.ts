import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNorm, train } from '../../lib/train/loop';
import { RecordingProgress } from '../../lib/train/progress';
import { Rng } from '../../lib/core/random';
import { backendTest, assertClose, arr } from '../helpers';

/** Least squares y = X w* + noise: the loop must reach the closed-form solution (XᵀX)⁻¹Xᵀy. */
function problem(seed: number) {
  const rng = new Rng(seed);
  const n = 256, d = 3;
  const x = rng.normalArray(n * d);
  const wTrue = [1.5, -2, 0.5];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = wTrue.reduce((s, w, j) => s + w * x[i * d + j], 0) + 0.1 * rng.gauss();
  // closed form via normal equations (3×3, Cramer's rule)
  const a = [[0, 0, 0], [0, 0, 0], [0, 0, 0]], b = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) {
    b[j] += x[i * d + j] * y[i];
    for (let k = 0; k < d; k++) a[j][k] += x[i * d + j] * x[i * d + k];
  }
  const det = (m: number[][]) => m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const d0 = det(a);
  const wLs = [0, 1, 2].map((c) => det(a.map((row, r) => row.map((v, k) => (k === c ? b[r] : v)))) / d0);
  return { x: Float32Array.from(x), y: Float32Array.from(y), n, d, wLs, rng };
}

backendTest('Adam minibatch loop converges to the least-squares solution; tensors stay flat', async () => {
  const p = problem(1);
  const w = tf.variable(tf.zeros([p.d, 1]));
  const bs = 32;
  const before = tf.memory().numTensors;
  const progress = new RecordingProgress();
  const h = await train({
    variables: [w],
    batch: (_e, s) => ({
      x: tf.tensor(p.x.subarray(s * bs * p.d, (s + 1) * bs * p.d), [bs, p.d]),
      y: tf.tensor(p.y.subarray(s * bs, (s + 1) * bs), [bs, 1]),
    }),
    loss: (b) => tf.mean(tf.square(tf.sub(tf.matMul(b.x, w), b.y))) as tf.Scalar,
    epochs: 60,
    stepsPerEpoch: p.n / bs,
    learningRate: (step) => (step < 300 ? 0.05 : 0.005),
    progress,
    phase: 'lsq',
  });
  assertClose(arr(w), p.wLs, 0.02, 'w vs closed form');
  assert.equal(h.loss.length, 60 * 8);
  assert.ok(h.loss[h.loss.length - 1] < 0.05 * h.loss[0]);
  // flat memory: the same count at every epoch end, and nothing left after
  assert.ok(h.numTensors.every((n) => n === h.numTensors[0]), `numTensors per epoch: ${h.numTensors}`);
  assert.equal(tf.memory().numTensors, before);
  const kinds = progress.events.map((e) => e.kind);
  assert.equal(kinds[0], 'start');
  assert.equal(kinds[kinds.length - 1], 'end');
  const mid = progress.events.find((e) => e.kind === 'update' && e.done === 240)!;
  assert.ok(mid.etaSec !== undefined && mid.etaSec >= 0 && mid.loss !== undefined);
  w.dispose();
});

backendTest('early stopping halts on a rising validation loss and restores the best parameters', async () => {
  const w = tf.variable(tf.scalar(0));
  let calls = 0;
  // training pushes w up forever; validation is best at w = 1
  const h = await train({
    variables: [w],
    batch: () => null,
    loss: () => tf.neg(w) as tf.Scalar,
    epochs: 50,
    stepsPerEpoch: 1,
    learningRate: 0.25,
    adam: { beta1: 0, beta2: 0 },
    validate: () => {
      calls++;
      return Math.abs(w.dataSync()[0] - 1);
    },
    patience: 3,
  });
  assert.ok(h.stoppedEarly);
  assert.ok(calls < 50);
  assert.equal(h.bestValidation!.loss, Math.min(...h.validation.map((v) => v.loss)));
  assertClose(w.dataSync()[0], 1, 1e-6, 'restored w');
  w.dispose();
});

backendTest('a NaN validation is never the best: a NaN first validation does not bring back the epoch-0 parameters', async () => {
  const w = tf.variable(tf.scalar(0));
  let calls = 0;
  // w rises by 0.25 per epoch; validation is NaN at first, then best at w = 1
  const h = await train({
    variables: [w],
    batch: () => null,
    loss: () => tf.neg(w) as tf.Scalar,
    epochs: 8,
    stepsPerEpoch: 1,
    learningRate: 0.25,
    adam: { beta1: 0, beta2: 0 },
    validate: () => (calls++ === 0 ? NaN : Math.abs(w.dataSync()[0] - 1)),
  });
  assert.ok(Number.isNaN(h.validation[0].loss));
  assert.equal(h.bestValidation!.epoch, 3);
  assertClose(w.dataSync()[0], 1, 1e-6, 'the best finite validation is restored, not epoch 0');
  w.dispose();
});

backendTest('validateAtStart: the starting point is a candidate, so training never ends worse than it began', async () => {
  const w = tf.variable(tf.scalar(1));
  // the start (w = 1) is already the validation optimum; training pushes w away from it
  const h = await train({
    variables: [w],
    batch: () => null,
    loss: () => tf.neg(w) as tf.Scalar,
    epochs: 5,
    stepsPerEpoch: 1,
    learningRate: 0.25,
    validate: () => Math.abs(w.dataSync()[0] - 1),
    validateAtStart: true,
  });
  assert.deepEqual(h.validation[0], { epoch: -1, loss: 0 });
  assert.deepEqual(h.bestValidation, { epoch: -1, loss: 0 });
  assert.equal(w.dataSync()[0], 1, 'the starting parameters are restored');
  await assert.rejects(train({ variables: [w], batch: () => null, loss: () => tf.neg(w) as tf.Scalar, epochs: 1, stepsPerEpoch: 1, learningRate: 0.1, validateAtStart: true }), /validateAtStart needs validate/);
  w.dispose();
});

backendTest('non-finite losses throw or are skipped; bad settings are named', async () => {
  const w = tf.variable(tf.scalar(1));
  const cfg = { variables: [w], batch: () => null, loss: () => tf.div(w, 0) as tf.Scalar, epochs: 1, stepsPerEpoch: 2, learningRate: 0.1 };
  await assert.rejects(train(cfg), /loss is Infinity at epoch 0, step 0/);
  const h = await train({ ...cfg, onNonFinite: 'skip' });
  assert.equal(h.skippedSteps, 2);
  assert.equal(w.dataSync()[0], 1, 'no update on a skipped step');
  await assert.rejects(train({ ...cfg, epochs: 0 }), /epochs must be a positive integer/);
  await assert.rejects(train({ ...cfg, learningRate: -1 }), /learningRate must be a finite number > 0/);
  await assert.rejects(train({ ...cfg, variables: [] }), /variables: nothing to train/);
  w.dispose();
});

backendTest('clipByGlobalNorm rescales to the clip norm and keeps the direction', async () => {
  const g = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
  const c = clipByGlobalNorm(g, 1);
  assertClose([...arr(c.a), ...arr(c.b)], [0.6, 0, 0, 0.8], 1e-6);
  const same = clipByGlobalNorm(g, 10);
  assertClose([...arr(same.a), ...arr(same.b)], [3, 0, 0, 4], 1e-6);
});

/** f(x) = ½ Σ a_i (x_i − c_i)², ∇f = a ∘ (x − c): plain SGD's iterates have a closed form. */
const QUAD = { a: [1, 4, 15], c: [1.5, -2, 0.25], x0: [-1, 3, 2] };

function quadLoss(x: tf.Variable): tf.Scalar {
  return tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d(QUAD.a), tf.square(tf.sub(x, tf.tensor1d(QUAD.c)))))) as tf.Scalar;
}

backendTest("optimizer 'sgd': the iterates are x_{t+1} = x_t − η_t ∇f(x_t) exactly, with a step schedule across epochs; tensors stay flat", async () => {
  // a step schedule as the MSER paper's Algorithm 2 (η_t = 0.02·0.5^⌊t/10⌋), here from 0.05, over 5 epochs × 7 steps
  const schedule = (t: number) => 0.05 * 0.5 ** Math.floor(t / 10);
  const x = tf.variable(tf.tensor1d(QUAD.x0));
  const before = tf.memory().numTensors;
  const h = await train({ variables: [x], batch: () => null, loss: () => quadLoss(x), epochs: 5, stepsPerEpoch: 7, learningRate: schedule, optimizer: 'sgd' });
  // float64 closed-form iterates; the loss recorded at step t is f(x_t) (before that step's update)
  let xt = QUAD.x0.slice();
  const f = (v: number[]) => v.reduce((s, vi, i) => s + 0.5 * QUAD.a[i] * (vi - QUAD.c[i]) ** 2, 0);
  assert.equal(h.loss.length, 35);
  for (let t = 0; t < 35; t++) {
    const ft = f(xt);
    assert.ok(Math.abs(h.loss[t] - ft) <= 1e-5 * Math.max(1, ft), `step ${t}: loss ${h.loss[t]} vs f(x_t) ${ft}`);
    xt = xt.map((v, i) => v - schedule(t) * QUAD.a[i] * (v - QUAD.c[i]));
  }
  assertClose(arr(x), xt, 1e-5, 'x after 35 SGD steps');
  // far from converged (x₀ − c₀ ≈ −1.0 here, ≈ −0.4 had η stayed 0.05), so every rate of the schedule shows
  assert.ok(Math.abs(xt[0] - QUAD.c[0]) > 1e-3, 'not yet converged, so the test sees every rate');
  assert.ok(h.numTensors.every((n) => n === h.numTensors[0]), `numTensors per epoch: ${h.numTensors}`);
  assert.equal(tf.memory().numTensors, before, 'the optimiser and its rate scalars are disposed');
  x.dispose();
});

backendTest("optimizer 'sgd' with a constant rate; 'adam' given explicitly equals the default; bad optimiser settings are named", async () => {
  const x = tf.variable(tf.tensor1d(QUAD.x0));
  await train({ variables: [x], batch: () => null, loss: () => quadLoss(x), epochs: 1, stepsPerEpoch: 3, learningRate: 0.01, optimizer: 'sgd' });
  let xt = QUAD.x0.slice();
  for (let t = 0; t < 3; t++) xt = xt.map((v, i) => v - 0.01 * QUAD.a[i] * (v - QUAD.c[i]));
  assertClose(arr(x), xt, 1e-6, 'three SGD steps at η = 0.01');
  // Adam: the default and optimizer 'adam' give the same iterates (and not SGD's)
  const runAdam = async (optimizer?: 'adam') => {
    const v = tf.variable(tf.tensor1d(QUAD.x0));
    await train({ variables: [v], batch: () => null, loss: () => quadLoss(v), epochs: 2, stepsPerEpoch: 5, learningRate: (t) => 0.1 / (1 + t), optimizer });
    const out = arr(v);
    v.dispose();
    return out;
  };
  const def = await runAdam();
  assert.deepEqual(await runAdam('adam'), def);
  // Adam's first step moves every coordinate by ≈ η whatever its gradient
  assert.ok(Math.abs(def[2] - QUAD.x0[2]) < 1, 'Adam, not SGD (SGD would move x₂ by η·a·(x − c) ≫ 1 over 10 steps)');
  const cfg = { variables: [x], batch: () => null, loss: () => quadLoss(x), epochs: 1, stepsPerEpoch: 1, learningRate: 0.1 };
  await assert.rejects(train({ ...cfg, optimizer: 'rmsprop' as unknown as 'sgd' }), /train: optimizer must be 'adam' or 'sgd'; got "rmsprop"/);
  await assert.rejects(train({ ...cfg, optimizer: 'sgd', adam: { beta1: 0 } }), /train: adam options need optimizer 'adam'; got optimizer 'sgd'/);
  x.dispose();
});
